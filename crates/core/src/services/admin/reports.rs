//! What moderators do with reports: re-categorise them, assign, resolve
//! and reopen them, and delete the reported posts (the account actions
//! that answer a report are in [`super::accounts`]).
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::db::queries::moderation;
use crate::db::Conn;
use crate::services::delete_status::delete_status;
use crate::{AppState, Error, Result};

/// The categories a report may have.
pub const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];

/// Records `action` on report `id`.
async fn record(conn: &mut Conn, actor: Actor<'_>, action: AuditAction, id: i64) -> Result<()> {
    let name = id.to_string();
    audit::record(
        conn,
        actor,
        action,
        Target::new(TargetKind::Report, id, &name),
    )
    .await
}

/// Changes report `id`'s category (kept when `None`) and the rules it says
/// were broken (kept when `None`); 422 for an unknown category.
pub async fn update(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    category: Option<&str>,
    rule_ids: Option<&[i64]>,
) -> Result<()> {
    actor.ensure(Permission::ManageReports)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let report = moderation::get_report(conn, id).await?;
        let category = category.unwrap_or(report.category.as_str());
        if !CATEGORIES.contains(&category) {
            return Err(Error::validation("Category is not included in the list"));
        }
        let rule_ids = rule_ids.unwrap_or(report.rule_ids.as_slice());
        moderation::update_report(conn, id, category, rule_ids).await?;
        record(conn, actor, AuditAction::Update, id).await?;
        Ok::<_, Error>(())
    })
    .await
}

/// A report's state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The acting moderator takes it.
    AssignToSelf,
    /// Nobody has it.
    Unassign,
    /// It is closed, by the acting moderator.
    Resolve,
    /// It is open again.
    Reopen,
}

/// Makes `change` to report `id`; 404 when there is none.
pub async fn change(state: &AppState, actor: Actor<'_>, id: i64, change: Change) -> Result<()> {
    actor.ensure(Permission::ManageReports)?;
    let me = actor.account_id();
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        moderation::get_report(conn, id).await?;
        let action = match change {
            Change::AssignToSelf => {
                moderation::assign_report(conn, id, Some(actor.account()?.id)).await?;
                AuditAction::AssignedToSelf
            }
            Change::Unassign => {
                moderation::assign_report(conn, id, None).await?;
                AuditAction::Unassigned
            }
            Change::Resolve => {
                moderation::resolve_report(conn, id, me).await?;
                AuditAction::Resolve
            }
            Change::Reopen => {
                moderation::resolve_report(conn, id, None).await?;
                AuditAction::Reopen
            }
        };
        record(conn, actor, action, id).await?;
        Ok::<_, Error>(())
    })
    .await
}

/// Deletes the reported statuses of report `report_id` (those still there
/// and written by the reported account), logs each deletion and resolves
/// the report; returns how many were deleted.
pub async fn delete_reported_statuses(
    state: &AppState,
    actor: Actor<'_>,
    report_id: i64,
) -> Result<usize> {
    actor.ensure(Permission::ManageReports)?;
    let (report, target) = {
        let mut conn = state.conn().await?;
        let report = moderation::get_report(&mut conn, report_id).await?;
        let (target, _) =
            moderation::get_account_with_user(&mut conn, report.target_account_id).await?;
        (report, target)
    };
    let acct = target.acct();
    let mut deleted = 0;
    // Each deletion is its own use case (federated, streamed); its audit
    // entry follows it.
    for &status_id in &report.status_ids {
        match delete_status(state, &target, status_id).await {
            Ok(_) => {
                let mut conn = state.conn().await?;
                let on = Target::new(TargetKind::Status, status_id, &acct);
                audit::record(&mut conn, actor, AuditAction::Destroy, on).await?;
                deleted += 1;
            }
            Err(Error::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        moderation::resolve_report(conn, report_id, actor.account_id()).await?;
        record(conn, actor, AuditAction::Resolve, report_id).await?;
        Ok::<_, Error>(())
    })
    .await?;
    Ok(deleted)
}
