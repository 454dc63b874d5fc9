//! Favouriting and unfavouriting a status.
use ferrodon_db::models::{Account, NewNotification};
use ferrodon_db::queries::favourites_bookmarks as fav;
use ferrodon_db::queries::notifications;
use ferrodon_db::queries::statuses::{add_to_status_counter, StatusCounter};
use ferrodon_db::AsyncConnection;

use super::notify::notify;
use super::status_access::get_visible_status;
use crate::{live, AppState, Error, Result};

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
            if fav::put_favourite(conn, actor.id, status.id).await? {
                add_to_status_counter(conn, status.id, StatusCounter::Favourites, 1).await?;
                if status.account_id != actor.id && status.local {
                    note = notify(
                        conn,
                        &NewNotification {
                            account_id: status.account_id,
                            from_account_id: actor.id,
                            kind: "favourite".into(),
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
    live::notifications_created(state, note.as_slice()).await;
    Ok(())
}

/// Removes a favourite (idempotent). The status need only exist.
pub async fn unfavourite(state: &AppState, actor: &Account, status_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    conn.transaction(async |conn| {
        if fav::delete_favourite(conn, actor.id, status.id).await? {
            add_to_status_counter(conn, status.id, StatusCounter::Favourites, -1).await?;
            notifications::delete_notifications_about(
                conn,
                actor.id,
                "favourite",
                Some(status.id),
                status.account_id,
            )
            .await?;
        }
        Ok::<_, Error>(())
    })
    .await
}
