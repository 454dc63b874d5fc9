//! Blocking other servers (Mastodon's DomainBlock), applied at once to the
//! accounts already known (see [`block_instance_domain`]).
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::{delete_audited, Actor, Removable};
use crate::auth::roles::Permission;
use crate::db::queries::domain_blocks::{self, DomainBlock, NewDomainBlock};
use crate::db::Conn;
use crate::services::block_instance_domain::{self, Applied};
use crate::{AppState, Error, Result};

impl Removable for DomainBlock {
    const PERMISSION: Permission = Permission::ManageFederation;

    async fn find(conn: &mut Conn, id: i64) -> crate::db::Result<Self> {
        domain_blocks::get_domain_block(conn, id).await
    }

    async fn remove(&self, conn: &mut Conn) -> crate::db::Result<()> {
        domain_blocks::delete_domain_block(conn, &self.domain).await?;
        Ok(())
    }

    fn target(&self) -> Target<'_> {
        Target::new(TargetKind::DomainBlock, self.id, &self.domain)
    }
}

/// The validation error for a domain blocked already (the admin API adds
/// the existing block to its answer, as Mastodon does).
pub fn already_blocked(domain: &str) -> Error {
    Error::validation(format!("Domain {domain} is already blocked"))
}

/// Blocks `new.domain` and applies the block; 422 "Domain … is already
/// blocked" when it is (change a block with [`update`]).
pub async fn create(state: &AppState, actor: Actor<'_>, new: NewDomainBlock) -> Result<Applied> {
    actor.ensure(Permission::ManageFederation)?;
    let domain = block_instance_domain::normalize(&new.domain)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        if domain_blocks::get_domain_block_by_domain(conn, &domain)
            .await?
            .is_some()
        {
            return Err(already_blocked(&domain));
        }
        let applied = block_instance_domain::block(conn, NewDomainBlock { domain, ..new }).await?;
        audit::record(conn, actor, AuditAction::Create, applied.block.target()).await?;
        Ok::<_, Error>(applied)
    })
    .await
}

/// The block of exactly `domain` (normalised first), if any.
pub async fn find(state: &AppState, domain: &str) -> Result<Option<DomainBlock>> {
    let domain = block_instance_domain::normalize(domain)?;
    let mut conn = state.conn().await?;
    Ok(domain_blocks::get_domain_block_by_domain(&mut conn, &domain).await?)
}

/// Changes the block with `id` to what `change` makes of it (its domain
/// stays) and applies it again.
pub async fn update(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    change: impl FnOnce(&DomainBlock) -> NewDomainBlock + Send,
) -> Result<Applied> {
    actor.ensure(Permission::ManageFederation)?;
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let current = domain_blocks::get_domain_block(conn, id).await?;
        let wanted = NewDomainBlock {
            domain: current.domain.clone(),
            ..change(&current)
        };
        let applied = block_instance_domain::block(conn, wanted).await?;
        audit::record(conn, actor, AuditAction::Update, applied.block.target()).await?;
        Ok::<_, Error>(applied)
    })
    .await
}

/// Lifts the block with `id`; 404 when there is none. Accounts it
/// suspended stay suspended until they are seen again.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<DomainBlock> {
    delete_audited(state, actor, id).await
}

/// Lifts the block of `domain`; 404 when it is not blocked.
pub async fn delete_domain(
    state: &AppState,
    actor: Actor<'_>,
    domain: &str,
) -> Result<DomainBlock> {
    let id = find(state, domain).await?.ok_or(Error::NotFound)?.id;
    delete(state, actor, id).await
}
