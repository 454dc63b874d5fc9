//! Notifications: insert, list with type filters, dismiss, clear.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::models::{NewNotification, Notification};
use crate::schema::notifications;
use crate::{paginate, Conn, Page, Result};

/// Stores a notification.
pub async fn put_notification(conn: &mut Conn, new: &NewNotification) -> Result<Notification> {
    Ok(diesel::insert_into(notifications::table)
        .values(new)
        .returning(Notification::as_returning())
        .get_result(conn)
        .await?)
}

/// Which notifications a list includes.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// Only these types (empty: all).
    pub types: Vec<String>,
    /// Not these types.
    pub exclude_types: Vec<String>,
    /// Only from this account.
    pub from_account_id: Option<i64>,
}

/// A page of an account's notifications, newest first.
pub async fn list_notifications(
    conn: &mut Conn,
    account_id: i64,
    filter: &NotificationFilter,
    page: &Page,
) -> Result<Vec<Notification>> {
    let mut query = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .select(Notification::as_select())
        .into_boxed();
    if !filter.types.is_empty() {
        query = query.filter(notifications::kind.eq_any(filter.types.clone()));
    }
    if !filter.exclude_types.is_empty() {
        query = query.filter(notifications::kind.ne_all(filter.exclude_types.clone()));
    }
    if let Some(from) = filter.from_account_id {
        query = query.filter(notifications::from_account_id.eq(from));
    }
    let rows = paginate!(query, notifications::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// One notification of an account.
pub async fn get_notification(conn: &mut Conn, account_id: i64, id: i64) -> Result<Notification> {
    Ok(notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::id.eq(id))
        .select(Notification::as_select())
        .first(conn)
        .await?)
}

/// A notification by id, whoever it is for (background jobs).
pub async fn get_notification_by_id(conn: &mut Conn, id: i64) -> Result<Notification> {
    Ok(notifications::table
        .find(id)
        .select(Notification::as_select())
        .first(conn)
        .await?)
}

/// Deletes one notification of an account; returns true when it existed.
pub async fn delete_notification(conn: &mut Conn, account_id: i64, id: i64) -> Result<bool> {
    let n = diesel::delete(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(n > 0)
}

/// Deletes all notifications of an account.
pub async fn clear_notifications(conn: &mut Conn, account_id: i64) -> Result<()> {
    diesel::delete(notifications::table.filter(notifications::account_id.eq(account_id)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the notifications a status caused (when the favourite, reblog or status goes away).
pub async fn delete_notifications_about(
    conn: &mut Conn,
    from_account_id: i64,
    kind: &str,
    status_id: Option<i64>,
    account_id: i64,
) -> Result<()> {
    let mut q = diesel::delete(notifications::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::from_account_id.eq(from_account_id))
        .filter(notifications::kind.eq(kind))
        .into_boxed();
    if let Some(s) = status_id {
        q = q.filter(notifications::status_id.eq(s));
    }
    q.execute(conn).await?;
    Ok(())
}
