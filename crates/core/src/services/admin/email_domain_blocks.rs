//! Blocking e-mail domains at sign-up (Mastodon's EmailDomainBlock): a
//! duplicate is refused alike from the admin API, the admin page and
//! `ferrodonctl email-domain-blocks`.
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::{delete_audited, taken, taken_on_conflict, Actor, Removable};
use crate::auth::roles::Permission;
use crate::db::queries::email_blocks::{self, EmailDomainBlock};
use crate::db::Conn;
use crate::moderation::email_rules::normalize_email_domain;
use crate::{AppState, Error, Result};

impl Removable for EmailDomainBlock {
    const PERMISSION: Permission = Permission::ManageBlocks;

    async fn find(conn: &mut Conn, id: i64) -> crate::db::Result<Self> {
        email_blocks::get_email_domain_block(conn, id).await
    }

    async fn remove(&self, conn: &mut Conn) -> crate::db::Result<()> {
        email_blocks::delete_email_domain_block(conn, self.id).await
    }

    fn target(&self) -> Target<'_> {
        Target::new(TargetKind::EmailDomainBlock, self.id, &self.domain)
    }
}

/// Blocks sign-ups from `domain` (and its subdomains), or only holds them
/// for approval; 422 "Domain has already been taken" when it is blocked.
pub async fn create(
    state: &AppState,
    actor: Actor<'_>,
    domain: &str,
    allow_with_approval: bool,
) -> Result<EmailDomainBlock> {
    actor.ensure(Permission::ManageBlocks)?;
    let domain = normalize_email_domain(domain)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        if email_blocks::get_email_domain_block_by_domain(conn, &domain)
            .await?
            .is_some()
        {
            return Err(taken("Domain"));
        }
        let block = email_blocks::put_email_domain_block(conn, &domain, allow_with_approval)
            .await
            .map_err(taken_on_conflict("Domain"))?;
        audit::record(conn, actor, AuditAction::Create, block.target()).await?;
        Ok::<_, Error>(block)
    })
    .await
}

/// Lifts the block with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<EmailDomainBlock> {
    delete_audited(state, actor, id).await
}

/// Lifts the block of `domain` (normalised first); 404 when it is not blocked.
pub async fn delete_domain(
    state: &AppState,
    actor: Actor<'_>,
    domain: &str,
) -> Result<EmailDomainBlock> {
    let domain = normalize_email_domain(domain)?;
    let id = {
        let mut conn = state.conn().await?;
        email_blocks::get_email_domain_block_by_domain(&mut conn, &domain)
            .await?
            .ok_or(Error::NotFound)?
            .id
    };
    delete(state, actor, id).await
}
