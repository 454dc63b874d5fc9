//! Threads ("conversations") a user muted, by their root status.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::schema::conversation_mutes;
use crate::{Conn, Result};

/// Mutes the thread rooted at `root` for `account_id` (idempotent).
pub async fn mute_thread(conn: &mut Conn, account_id: AccountId, root: StatusId) -> Result<()> {
    diesel::insert_into(conversation_mutes::table)
        .values((
            conversation_mutes::account_id.eq(account_id),
            conversation_mutes::root_status_id.eq(root),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Unmutes a thread.
pub async fn unmute_thread(conn: &mut Conn, account_id: AccountId, root: StatusId) -> Result<()> {
    diesel::delete(conversation_mutes::table.find((account_id, root)))
        .execute(conn)
        .await?;
    Ok(())
}

/// The roots `account_id` muted, empty for most users (so callers can skip
/// the thread walk).
pub async fn muted_roots(conn: &mut Conn, account_id: i64) -> Result<Vec<i64>> {
    Ok(conversation_mutes::table
        .filter(conversation_mutes::account_id.eq(account_id))
        .select(conversation_mutes::root_status_id)
        .load(conn)
        .await?)
}
