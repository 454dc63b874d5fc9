//! Address ranges that need approval to sign up, may not sign up, or may
//! not reach the server (Mastodon's IpBlock). The web processes' lists in
//! memory are dropped after each change here, and re-read within seconds
//! by the others.
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::{delete_audited, taken, taken_on_conflict, Actor, Removable};
use crate::auth::roles::Permission;
use crate::db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use crate::db::Conn;
use crate::moderation::ip_blocks::{add_block, parse_range, Added};
use crate::{AppState, Error, Result};

impl Removable for IpBlock {
    const PERMISSION: Permission = Permission::ManageBlocks;

    async fn find(conn: &mut Conn, id: i64) -> crate::db::Result<Self> {
        ip_blocks::get_ip_block(conn, id).await
    }

    async fn remove(&self, conn: &mut Conn) -> crate::db::Result<()> {
        ip_blocks::delete_ip_block(conn, self.id).await
    }

    fn target(&self) -> Target<'_> {
        Target::new(TargetKind::IpBlock, self.id, &self.ip)
    }
}

/// What [`create`] did.
#[derive(Debug)]
pub struct Blocked {
    /// The block in force.
    pub block: IpBlock,
    /// True when an existing row of the range (expired, or replaced on
    /// request) now says what was asked.
    pub replaced: bool,
}

/// Blocks `fields.ip`, reusing an expired block's row of the same range.
/// A range blocked already is 422 "Ip has already been taken" unless
/// `replace` (`ferrodonctl ip-blocks add --force`).
pub async fn create(
    state: &AppState,
    actor: Actor<'_>,
    fields: &IpBlockFields,
    replace: bool,
) -> Result<Blocked> {
    actor.ensure(Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let blocked = conn
        .transaction(async |conn| {
            let (block, replaced) = match add_block(conn, fields, replace).await? {
                Added::Created(block) => (block, false),
                Added::Renewed(block) => (block, true),
                Added::Exists(_) => return Err(taken("Ip")),
            };
            audit::record(conn, actor, AuditAction::Create, block.target()).await?;
            Ok::<_, Error>(Blocked { block, replaced })
        })
        .await?;
    state.ip_blocks.invalidate().await;
    Ok(blocked)
}

/// Changes the block with `id` to what `change` makes of it.
pub async fn update(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    change: impl FnOnce(&IpBlock) -> Result<IpBlockFields> + Send,
) -> Result<IpBlock> {
    actor.ensure(Permission::ManageBlocks)?;
    let mut conn = state.conn().await?;
    let block = conn
        .transaction(async |conn| {
            let current = ip_blocks::get_ip_block(conn, id).await?;
            let fields = change(&current)?;
            let block = ip_blocks::update_ip_block(conn, current.id, &fields)
                .await
                .map_err(taken_on_conflict("Ip"))?;
            audit::record(conn, actor, AuditAction::Update, block.target()).await?;
            Ok::<_, Error>(block)
        })
        .await?;
    state.ip_blocks.invalidate().await;
    Ok(block)
}

/// Removes the block with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<IpBlock> {
    let deleted = delete_audited(state, actor, id).await?;
    state.ip_blocks.invalidate().await;
    Ok(deleted)
}

/// Removes the block of the range `ip` (parsed first); 404 when there is none.
pub async fn delete_range(state: &AppState, actor: Actor<'_>, ip: &str) -> Result<IpBlock> {
    let ip = parse_range(ip)?;
    let id = {
        let mut conn = state.conn().await?;
        ip_blocks::find_ip_block(&mut conn, &ip)
            .await?
            .ok_or(Error::NotFound)?
            .id
    };
    delete(state, actor, id).await
}
