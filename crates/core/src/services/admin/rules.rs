//! The server rules shown on the about page, in the instance API and to
//! people reporting (Mastodon's Rule).
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::db::queries::rules::{self, Rule};
use crate::{AppState, Error, Result};

/// 422 "Text can't be blank" for a rule without text.
fn ensure_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::validation("Text can't be blank"));
    }
    Ok(())
}

/// Adds a rule.
pub async fn create(state: &AppState, actor: Actor<'_>, text: &str, hint: &str) -> Result<Rule> {
    actor.ensure(Permission::ManageSettings)?;
    ensure_text(text)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let rule = rules::put_rule(conn, text, hint).await?;
        let target = Target::new(TargetKind::Rule, rule.id, &rule.text);
        audit::record(conn, actor, AuditAction::Create, target).await?;
        Ok::<_, Error>(rule)
    })
    .await
}

/// Changes the rule with `id`; 404 when there is none.
pub async fn update(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    text: &str,
    hint: &str,
) -> Result<Rule> {
    actor.ensure(Permission::ManageSettings)?;
    ensure_text(text)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let rule = rules::update_rule(conn, id, text, hint).await?;
        let target = Target::new(TargetKind::Rule, rule.id, &rule.text);
        audit::record(conn, actor, AuditAction::Update, target).await?;
        Ok::<_, Error>(rule)
    })
    .await
}

/// Deletes the rule with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<()> {
    actor.ensure(Permission::ManageSettings)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        if !rules::delete_rule(conn, id).await? {
            return Err(Error::NotFound);
        }
        let name = id.to_string();
        let target = Target::new(TargetKind::Rule, id, &name);
        audit::record(conn, actor, AuditAction::Destroy, target).await?;
        Ok::<_, Error>(())
    })
    .await
}
