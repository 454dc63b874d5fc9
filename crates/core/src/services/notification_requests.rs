//! Answering notification requests: accepting a sender lets its filtered
//! notifications into the lists and its future ones through the policy;
//! dismissing deletes the filtered notifications.
use ferrodon_db::queries::{notification_requests, notifications};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use crate::{AppState, Error, Result};

/// Accepts the account's requests among `ids`; returns how many there were.
pub async fn accept_requests(state: &AppState, account_id: i64, ids: &[i64]) -> Result<usize> {
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let requests = notification_requests::get_requests(conn, account_id, ids).await?;
        for r in &requests {
            notification_requests::put_permission(
                conn,
                AccountId::new(account_id),
                AccountId::new(r.from_account_id),
            )
            .await?;
            notifications::unfilter_notifications_from(
                conn,
                AccountId::new(account_id),
                AccountId::new(r.from_account_id),
            )
            .await?;
            notification_requests::delete_request(conn, r.id).await?;
        }
        Ok::<_, Error>(requests.len())
    })
    .await
}

/// Dismisses the account's requests among `ids` with their filtered
/// notifications; returns how many there were.
pub async fn dismiss_requests(state: &AppState, account_id: i64, ids: &[i64]) -> Result<usize> {
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let requests = notification_requests::get_requests(conn, account_id, ids).await?;
        for r in &requests {
            notifications::delete_filtered_notifications_from(
                conn,
                AccountId::new(account_id),
                AccountId::new(r.from_account_id),
            )
            .await?;
            notification_requests::delete_request(conn, r.id).await?;
        }
        Ok::<_, Error>(requests.len())
    })
    .await
}
