//! Notification policies, the requests of filtered senders and the senders
//! an account accepted.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::{NotificationPolicy, NotificationRequest};
use crate::schema::{
    notification_permissions, notification_policies, notification_requests, notifications,
};
use crate::{load_page, Conn, Page, Result};

/// Most requests and notifications a summary counts, as Mastodon caps them.
pub const MAX_MEANINGFUL_COUNT: i64 = 100;

/// An account's policy, or the defaults when it never changed it.
pub async fn get_policy(conn: &mut Conn, account_id: i64) -> Result<NotificationPolicy> {
    Ok(notification_policies::table
        .find(account_id)
        .select(NotificationPolicy::as_select())
        .first(conn)
        .await
        .optional()?
        .unwrap_or_else(|| NotificationPolicy::default_for(account_id)))
}

/// Stores an account's policy.
pub async fn put_policy(conn: &mut Conn, policy: &NotificationPolicy) -> Result<()> {
    diesel::insert_into(notification_policies::table)
        .values(policy)
        .on_conflict(notification_policies::account_id)
        .do_update()
        .set((
            policy,
            notification_policies::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// How many requests an account has pending, and how many notifications
/// they hold (each capped at [`MAX_MEANINGFUL_COUNT`]).
pub async fn summarize_requests(conn: &mut Conn, account_id: i64) -> Result<(i64, i64)> {
    let counts: Vec<i64> = notification_requests::table
        .filter(notification_requests::account_id.eq(account_id))
        .select(notification_requests::notifications_count)
        .limit(MAX_MEANINGFUL_COUNT)
        .load(conn)
        .await?;
    Ok((counts.len() as i64, counts.iter().sum()))
}

/// True when the account accepted the sender's notifications.
pub async fn has_permission(
    conn: &mut Conn,
    account_id: AccountId,
    from_account_id: AccountId,
) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        notification_permissions::table
            .filter(notification_permissions::account_id.eq(account_id))
            .filter(notification_permissions::from_account_id.eq(from_account_id)),
    ))
    .get_result(conn)
    .await?)
}

/// Remembers that the account accepts the sender's notifications.
pub async fn put_permission(
    conn: &mut Conn,
    account_id: AccountId,
    from_account_id: AccountId,
) -> Result<()> {
    diesel::insert_into(notification_permissions::table)
        .values((
            notification_permissions::account_id.eq(account_id),
            notification_permissions::from_account_id.eq(from_account_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Creates or refreshes the request of a sender whose mention was filtered:
/// its last status and its count of filtered mentions.
pub async fn record_filtered_mention(
    conn: &mut Conn,
    account_id: AccountId,
    from_account_id: AccountId,
    status_id: StatusId,
) -> Result<()> {
    let count: i64 = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::from_account_id.eq(from_account_id))
        .filter(notifications::filtered.eq(true))
        .filter(notifications::kind.eq("mention"))
        .select(notifications::id)
        .limit(MAX_MEANINGFUL_COUNT)
        .load::<i64>(conn)
        .await?
        .len() as i64;
    diesel::insert_into(notification_requests::table)
        .values((
            notification_requests::account_id.eq(account_id),
            notification_requests::from_account_id.eq(from_account_id),
            notification_requests::last_status_id.eq(status_id),
            notification_requests::notifications_count.eq(count),
        ))
        .on_conflict((
            notification_requests::account_id,
            notification_requests::from_account_id,
        ))
        .do_update()
        .set((
            notification_requests::last_status_id.eq(status_id),
            notification_requests::notifications_count.eq(count),
            notification_requests::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A page of an account's requests, newest first.
pub async fn list_requests(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<NotificationRequest>> {
    Ok(load_page!(
        notification_requests::table
            .filter(notification_requests::account_id.eq(account_id))
            .select(NotificationRequest::as_select()),
        notification_requests::id,
        *page,
        conn
    ))
}

/// The account's requests among `ids` (unknown and others' ids skipped).
pub async fn get_requests(
    conn: &mut Conn,
    account_id: i64,
    ids: &[i64],
) -> Result<Vec<NotificationRequest>> {
    Ok(notification_requests::table
        .filter(notification_requests::account_id.eq(account_id))
        .filter(notification_requests::id.eq_any(ids))
        .select(NotificationRequest::as_select())
        .load(conn)
        .await?)
}

/// Deletes a request.
pub async fn delete_request(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(notification_requests::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Answer {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    answer: bool,
}

/// True when the thread above `status_id` (itself included, up to 100
/// statuses) has a direct status of `recipient` mentioning `sender`: a
/// private mention answering the recipient's own.
pub async fn answers_private_mention(
    conn: &mut Conn,
    status_id: StatusId,
    recipient: AccountId,
    sender: AccountId,
) -> Result<bool> {
    use diesel::sql_types::BigInt;
    let row: Answer = diesel::sql_query(
        "WITH RECURSIVE up(id, in_reply_to_id, depth) AS ( \
           SELECT s.id, s.in_reply_to_id, 0 FROM statuses s WHERE s.id = $1 \
           UNION ALL \
           SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM up \
           JOIN statuses s ON s.id = up.in_reply_to_id WHERE up.depth < 100 \
         ) \
         SELECT EXISTS ( \
           SELECT 1 FROM up JOIN statuses s ON s.id = up.id \
           JOIN mentions m ON m.status_id = s.id \
           WHERE s.account_id = $2 AND s.visibility = 3 \
             AND m.account_id = $3 AND NOT m.silent \
         ) AS answer",
    )
    .bind::<BigInt, _>(status_id)
    .bind::<BigInt, _>(recipient)
    .bind::<BigInt, _>(sender)
    .get_result(conn)
    .await?;
    Ok(row.answer)
}
