//! Bookmarking and unbookmarking a status.
use ferrodon_db::models::Account;
use ferrodon_db::queries::favourites_bookmarks as fav;
use ferrodon_db::{AccountId, StatusId};

use super::status_access::get_visible_status;
use crate::{AppState, Result};

/// Bookmarks a visible status (idempotent).
pub async fn bookmark(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    let target = status.reblog_of_id.unwrap_or(status.id);
    fav::put_bookmark(&mut conn, AccountId::new(actor.id), StatusId::new(target)).await?;
    Ok(())
}

/// Removes a bookmark (idempotent).
pub async fn unbookmark(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    fav::delete_bookmark(
        &mut conn,
        AccountId::new(actor.id),
        StatusId::new(status.id),
    )
    .await?;
    Ok(())
}
