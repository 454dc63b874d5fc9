//! Reblogging (boosting) and unreblogging.
use ferrodon_db::models::{Account, NewNotification, NewStatus, Status, Visibility};
use ferrodon_db::queries::statuses::{self, add_to_status_counter, StatusCounter};
use ferrodon_db::queries::{accounts, notifications};
use ferrodon_db::AsyncConnection;
use ferrodon_db::{AccountId, StatusId};

use super::notify::notify;
use super::status_access::get_visible_status;
use crate::{live, AppState, Error, Result};

/// Reblogs a status (a reblog of a reblog boosts the original). Returns the
/// reblog row; reblogging twice returns the existing one.
pub async fn reblog(
    state: &AppState,
    actor: &Account,
    status_id: i64,
    visibility: Option<Visibility>,
) -> Result<Status> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    let original = match status.reblog_of_id {
        Some(id) => get_visible_status(&mut conn, id, Some(actor.id)).await?,
        None => status,
    };
    let own = original.account_id == actor.id;
    match original.visibility() {
        Visibility::Public | Visibility::Unlisted => {}
        Visibility::Private if own => {}
        _ => return Err(Error::Forbidden("This action is not allowed".into())),
    }
    if let Some(existing) = statuses::find_reblog(
        &mut conn,
        AccountId::new(actor.id),
        StatusId::new(original.id),
    )
    .await?
    {
        return Ok(existing);
    }
    let visibility = match visibility.unwrap_or(Visibility::Public) {
        Visibility::Direct => {
            return Err(Error::validation("Visibility is not allowed for reblogs"))
        }
        v => v.max(original.visibility()),
    };
    let config = state.config.clone();
    let (row, note) = conn
        .transaction(async |conn| {
            let id = accounts::next_id(conn).await?;
            let uri = format!(
                "{}/activity",
                crate::urls::status_uri(&config, &actor.username, id)
            );
            let row = statuses::put_status(
                conn,
                &NewStatus::reblog(
                    StatusId::new(id),
                    uri,
                    AccountId::new(actor.id),
                    StatusId::new(original.id),
                    visibility,
                    true,
                ),
            )
            .await?;
            add_to_status_counter(conn, original.id, StatusCounter::Reblogs, 1).await?;
            accounts::add_to_statuses_count(conn, actor.id, 1).await?;
            let mut note = None;
            if !own && original.local {
                note = notify(
                    conn,
                    &NewNotification {
                        account_id: original.account_id,
                        from_account_id: actor.id,
                        kind: ferrodon_db::models::NotificationKind::Reblog,
                        status_id: Some(original.id),
                    },
                )
                .await?;
            }
            Ok::<_, Error>((row, note))
        })
        .await?;
    drop(conn);
    live::status_created(state, &row).await;
    live::notifications_created(state, note.as_slice()).await;
    Ok(row)
}

/// Undoes a reblog (idempotent); returns the original status id.
pub async fn unreblog(state: &AppState, actor: &Account, status_id: i64) -> Result<i64> {
    let mut conn = state.conn().await?;
    let status = get_visible_status(&mut conn, status_id, Some(actor.id)).await?;
    let original_id = status.reblog_of_id.unwrap_or(status.id);
    let original = statuses::get_status_by_id(&mut conn, original_id).await?;
    let removed = conn
        .transaction(async |conn| {
            let found =
                statuses::find_reblog(conn, AccountId::new(actor.id), StatusId::new(original_id))
                    .await?;
            if let Some(reblog) = &found {
                statuses::delete_status_by_id(conn, reblog.id).await?;
                add_to_status_counter(conn, original_id, StatusCounter::Reblogs, -1).await?;
                accounts::add_to_statuses_count(conn, actor.id, -1).await?;
                notifications::delete_notifications_about(
                    conn,
                    AccountId::new(actor.id),
                    ferrodon_db::models::NotificationKind::Reblog,
                    Some(StatusId::new(original_id)),
                    AccountId::new(original.account_id),
                )
                .await?;
            }
            Ok::<_, Error>(found)
        })
        .await?;
    drop(conn);
    if let Some(reblog) = &removed {
        live::status_deleted(state, reblog, Vec::new(), false).await;
    }
    Ok(original_id)
}
