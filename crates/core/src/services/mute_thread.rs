//! Muting a thread ("conversation"): its statuses notify the user no more,
//! and show `muted: true` to them.
use ferrodon_db::models::Account;
use ferrodon_db::queries::conversation_mutes;
use ferrodon_db::{AccountId, StatusId};

use super::status_access::get_visible_status;
use crate::{AppState, Error, Result};

/// The root of the thread of a status `account` may see.
async fn root_of(state: &AppState, account: &Account, status_id: i64) -> Result<i64> {
    let mut conn = state.conn().await?;
    get_visible_status(&mut conn, status_id, Some(account.id)).await?;
    ferrodon_db::queries::statuses::thread_roots(&mut conn, &[status_id])
        .await?
        .first()
        .map(|(_, root)| *root)
        .ok_or(Error::NotFound)
}

/// Mutes the thread of `status_id` for `account` (idempotent).
pub async fn mute_thread(state: &AppState, account: &Account, status_id: i64) -> Result<()> {
    let root = root_of(state, account, status_id).await?;
    let mut conn = state.conn().await?;
    Ok(
        conversation_mutes::mute_thread(&mut conn, AccountId::new(account.id), StatusId::new(root))
            .await?,
    )
}

/// Unmutes the thread of `status_id` for `account` (idempotent).
pub async fn unmute_thread(state: &AppState, account: &Account, status_id: i64) -> Result<()> {
    let root = root_of(state, account, status_id).await?;
    let mut conn = state.conn().await?;
    Ok(conversation_mutes::unmute_thread(
        &mut conn,
        AccountId::new(account.id),
        StatusId::new(root),
    )
    .await?)
}
