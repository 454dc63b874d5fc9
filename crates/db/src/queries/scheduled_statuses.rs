//! Statuses scheduled for later publication.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::schema::scheduled_statuses;
use crate::{paginate, Conn, Page, Result};

/// A scheduled status.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scheduled_statuses, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct ScheduledStatus {
    pub id: i64,
    pub account_id: i64,
    pub scheduled_at: DateTime<Utc>,
    /// What the client sent, in Mastodon's shape.
    pub params: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Inserts a scheduled status.
pub async fn put_scheduled_status(
    conn: &mut Conn,
    account_id: i64,
    scheduled_at: DateTime<Utc>,
    params: &serde_json::Value,
) -> Result<ScheduledStatus> {
    Ok(diesel::insert_into(scheduled_statuses::table)
        .values((
            scheduled_statuses::account_id.eq(account_id),
            scheduled_statuses::scheduled_at.eq(scheduled_at),
            scheduled_statuses::params.eq(params),
        ))
        .returning(ScheduledStatus::as_returning())
        .get_result(conn)
        .await?)
}

/// One of an account's scheduled statuses (NotFound for anyone else's).
pub async fn get_scheduled_status(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<ScheduledStatus> {
    Ok(scheduled_statuses::table
        .find(id)
        .filter(scheduled_statuses::account_id.eq(account_id))
        .select(ScheduledStatus::as_select())
        .first(conn)
        .await?)
}

/// A page of an account's scheduled statuses, newest id first.
pub async fn list_scheduled_statuses(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<ScheduledStatus>> {
    let query = scheduled_statuses::table
        .filter(scheduled_statuses::account_id.eq(account_id))
        .select(ScheduledStatus::as_select())
        .into_boxed();
    let rows = paginate!(query, scheduled_statuses::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// How many statuses an account has scheduled: in all, and on the UTC day of `day`
/// (leaving out `except`, the one being rescheduled).
pub async fn count_scheduled_statuses(
    conn: &mut Conn,
    account_id: AccountId,
    day: DateTime<Utc>,
    except: Option<i64>,
) -> Result<(i64, i64)> {
    let mine = || {
        scheduled_statuses::table
            .filter(scheduled_statuses::account_id.eq(account_id))
            .filter(scheduled_statuses::id.ne(except.unwrap_or(0)))
            .into_boxed()
    };
    let total: i64 = mine().count().get_result(conn).await?;
    let start = day.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
    let on_day: i64 = mine()
        .filter(scheduled_statuses::scheduled_at.ge(start))
        .filter(scheduled_statuses::scheduled_at.lt(start + chrono::Duration::days(1)))
        .count()
        .get_result(conn)
        .await?;
    Ok((total, on_day))
}

/// Moves a scheduled status to another time.
pub async fn reschedule(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
    scheduled_at: DateTime<Utc>,
) -> Result<ScheduledStatus> {
    Ok(diesel::update(scheduled_statuses::table.find(id))
        .filter(scheduled_statuses::account_id.eq(account_id))
        .set(scheduled_statuses::scheduled_at.eq(scheduled_at))
        .returning(ScheduledStatus::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a scheduled status; false when it was already gone (published
/// or deleted meanwhile). Its reserved uploads become free again.
pub async fn delete_scheduled_status(conn: &mut Conn, id: i64) -> Result<bool> {
    let deleted = diesel::delete(scheduled_statuses::table.find(id))
        .execute(conn)
        .await?;
    Ok(deleted == 1)
}

/// Scheduled statuses due by `now`, earliest first.
pub async fn list_due_scheduled_statuses(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ScheduledStatus>> {
    Ok(scheduled_statuses::table
        .filter(scheduled_statuses::scheduled_at.le(now))
        .select(ScheduledStatus::as_select())
        .order(scheduled_statuses::scheduled_at.asc())
        .limit(limit)
        .load(conn)
        .await?)
}
