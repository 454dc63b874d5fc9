//! Pinning statuses to one's profile.
use ferrodon_db::models::{Account, Visibility};
use ferrodon_db::queries::favourites_bookmarks as pins;
use ferrodon_db::queries::statuses;
use ferrodon_db::{AccountId, StatusId};

use super::status_access::get_visible_status;

use crate::federation::outbox;
use crate::AppState;
use crate::{Error, Result};

/// Most statuses an account may pin, as Mastodon.
pub const MAX_PINS: i64 = 5;

/// Pins one's own public, unlisted or followers-only status. Anyone
/// else's is a validation error whatever its visibility (as Mastodon's
/// StatusPin), which tells nothing of it.
pub async fn pin(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = statuses::get_status_by_id(&mut conn, status_id).await?;
    if status.account_id != actor.id {
        return Err(Error::validation("Status is not yours"));
    }
    if status.reblog_of_id.is_some() || status.visibility() == Visibility::Direct {
        return Err(Error::validation(
            "Reblogs and direct messages cannot be pinned",
        ));
    }
    let pinned = pins::list_pinned_status_ids(&mut conn, actor.id).await?;
    if pinned.len() as i64 >= MAX_PINS && !pinned.contains(&status.id) {
        return Err(Error::validation(
            "You have already pinned the maximum number of toots",
        ));
    }
    pins::put_pin(
        &mut conn,
        AccountId::new(actor.id),
        StatusId::new(status.id),
    )
    .await?;
    drop(conn);
    if status.visibility() <= Visibility::Unlisted {
        let add = outbox::featured_change(actor, &status, true);
        outbox::send_to_followers(state, actor, add).await?;
    }
    Ok(())
}

/// Unpins a status (idempotent; a status the actor may not see is NotFound).
pub async fn unpin(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    pins::delete_pin(
        &mut conn,
        AccountId::new(actor.id),
        StatusId::new(status.id),
    )
    .await?;
    drop(conn);
    if status.account_id == actor.id && status.visibility() <= Visibility::Unlisted {
        let remove = outbox::featured_change(actor, &status, false);
        outbox::send_to_followers(state, actor, remove).await?;
    }
    Ok(())
}
