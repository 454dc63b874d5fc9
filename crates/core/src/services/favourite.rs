//! Favouriting and unfavouriting a status.
use ferrodon_db::models::{Account, NewNotification};
use ferrodon_db::queries::favourites_bookmarks as fav;
use ferrodon_db::queries::notifications;
use ferrodon_db::queries::statuses::{add_to_status_counter, StatusCounter};
use ferrodon_db::AsyncConnection;
use ferrodon_db::{AccountId, StatusId};

use super::notify::notify;
use super::status_access::get_visible_status;
use crate::{federation, live, AppState, Error, Result};

/// Favourites a visible status (idempotent) and notifies its local author.
pub async fn favourite(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    let target = status.reblog_of_id.unwrap_or(status.id);
    let status = if target == status.id {
        status
    } else {
        get_visible_status(&mut conn, target, Some(actor.id)).await?
    };
    let note = conn
        .transaction(async |conn| {
            let mut note = None;
            if fav::put_favourite(conn, AccountId::new(actor.id), StatusId::new(status.id)).await? {
                add_to_status_counter(conn, status.id, StatusCounter::Favourites, 1).await?;
                if status.account_id != actor.id && status.local {
                    note = notify(
                        conn,
                        &NewNotification {
                            account_id: status.account_id,
                            from_account_id: actor.id,
                            kind: ferrodon_db::models::NotificationKind::Favourite,
                            status_id: Some(status.id),
                        },
                    )
                    .await?;
                }
            }
            Ok::<_, Error>(note)
        })
        .await?;
    drop(conn);
    tell_remote_author(state, actor, &status, false).await?;
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}

/// A `Like` (or its `Undo`) to the author of a remote status.
async fn tell_remote_author(
    state: &AppState,
    actor: &Account,
    status: &ferrodon_db::models::Status,
    undo: bool,
) -> Result<()> {
    if status.local || !actor.is_local() {
        return Ok(());
    }
    let mut conn = state.conn().await?;
    let author =
        ferrodon_db::queries::accounts::get_account_by_id(&mut conn, status.account_id).await?;
    drop(conn);
    let like = federation::outbox::like(actor, status);
    let activity = if undo {
        federation::outbox::undo(actor, like)
    } else {
        like
    };
    federation::outbox::send_to(state, actor, &author, activity).await
}

/// Removes a favourite (idempotent). The status need only exist.
pub async fn unfavourite(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    let removed = conn
        .transaction(async |conn| {
            let removed =
                fav::delete_favourite(conn, AccountId::new(actor.id), StatusId::new(status.id))
                    .await?;
            if removed {
                add_to_status_counter(conn, status.id, StatusCounter::Favourites, -1).await?;
                notifications::delete_notifications_about(
                    conn,
                    AccountId::new(actor.id),
                    ferrodon_db::models::NotificationKind::Favourite,
                    Some(StatusId::new(status.id)),
                    AccountId::new(status.account_id),
                )
                .await?;
            }
            Ok::<_, Error>(removed)
        })
        .await?;
    drop(conn);
    if removed {
        tell_remote_author(state, actor, &status, true).await?;
    }
    Ok(())
}
