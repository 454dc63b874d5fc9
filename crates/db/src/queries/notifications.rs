//! Notifications: insert, list with type filters, dismiss, clear.
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::{NewNotification, Notification, NotificationKind};
use crate::schema::notifications;
use crate::{paginate, Conn, Page, Result};

/// Stores a notification, in the group `group_key` (None: a group of its
/// own), `filtered` when the recipient's policy holds it back.
pub async fn put_notification(
    conn: &mut Conn,
    new: &NewNotification,
    group_key: Option<&str>,
    filtered: bool,
) -> Result<Notification> {
    Ok(diesel::insert_into(notifications::table)
        .values((
            new,
            notifications::group_key.eq(group_key),
            notifications::filtered.eq(filtered),
        ))
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
    /// Also the notifications the policy filtered (always when
    /// `from_account_id` is given, as in Mastodon).
    pub include_filtered: bool,
}

impl NotificationFilter {
    fn shows_filtered(&self) -> bool {
        self.include_filtered || self.from_account_id.is_some()
    }
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
    if !filter.shows_filtered() {
        query = query.filter(notifications::filtered.eq(false));
    }
    let rows = paginate!(query, notifications::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// One notification of an account.
pub async fn get_notification(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<Notification> {
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
pub async fn delete_notification(conn: &mut Conn, account_id: AccountId, id: i64) -> Result<bool> {
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
    from_account_id: AccountId,
    kind: NotificationKind,
    status_id: Option<StatusId>,
    account_id: AccountId,
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

/// The notification page condition shared by both halves of the grouping
/// query: `$1` account, `$2` types, `$3` excluded types, `$4` sender,
/// `$5` include filtered, `$6`/`$7` exclusive id bounds.
const PAGE_CONDITION: &str = "n.account_id = $1 \
    AND (cardinality($2::text[]) = 0 OR n.type = ANY($2)) \
    AND NOT (n.type = ANY($3::text[])) \
    AND ($4::bigint IS NULL OR n.from_account_id = $4) \
    AND ($5 OR NOT n.filtered) \
    AND ($6::bigint IS NULL OR n.id < $6) \
    AND ($7::bigint IS NULL OR n.id > $7)";

/// The group a notification is shown in, given the grouped types in `$8`.
const GROUP_KEY: &str = "CASE WHEN n.group_key IS NOT NULL AND n.type = ANY($8::text[]) \
    THEN n.group_key ELSE 'ungrouped-' || n.id END";

/// A page of an account's notifications with at most one (the newest in
/// the page's direction) per group, `page.limit` groups, newest first.
/// Only notifications of `grouped_types` are grouped by their `group_key`;
/// the others are groups of their own.
pub async fn list_notification_groups(
    conn: &mut Conn,
    account_id: i64,
    filter: &NotificationFilter,
    grouped_types: &[NotificationKind],
    page: &Page,
) -> Result<Vec<Notification>> {
    let (order, step) = if page.query_order_ascending() {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    let sql = format!(
        "WITH RECURSIVE walk AS ( \
           (SELECT n.id, ARRAY[{GROUP_KEY}] AS seen FROM notifications n \
            WHERE {PAGE_CONDITION} ORDER BY n.id {order} LIMIT 1) \
           UNION ALL \
           SELECT next.id, array_append(walk.seen, next.key) FROM walk, LATERAL ( \
             SELECT n.id, {GROUP_KEY} AS key FROM notifications n \
             WHERE {PAGE_CONDITION} AND n.id {step} walk.id \
               AND NOT ({GROUP_KEY} = ANY(walk.seen)) \
             ORDER BY n.id {order} LIMIT 1) next \
           WHERE cardinality(walk.seen) < $9 \
         ) \
         SELECT walk.id FROM walk"
    );
    let ids: Vec<Id> = diesel::sql_query(sql)
        .bind::<BigInt, _>(account_id)
        .bind::<Array<Text>, _>(&filter.types)
        .bind::<Array<Text>, _>(&filter.exclude_types)
        .bind::<Nullable<BigInt>, _>(filter.from_account_id)
        .bind::<Bool, _>(filter.shows_filtered())
        .bind::<Nullable<BigInt>, _>(page.max_id)
        .bind::<Nullable<BigInt>, _>(page.lower_bound())
        .bind::<Array<Text>, _>(grouped_types)
        .bind::<BigInt, _>(page.limit)
        .load(conn)
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|row| row.id).collect();
    Ok(notifications::table
        .filter(notifications::id.eq_any(ids))
        .select(Notification::as_select())
        .order(notifications::id.desc())
        .load(conn)
        .await?)
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// What a group holds within the ids `from..=to` of a page.
#[derive(Debug, Clone, QueryableByName)]
pub struct GroupSummary {
    /// The group.
    #[diesel(sql_type = Text)]
    pub group_key: String,
    /// Its newest notification up to `to`.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub most_recent_id: Option<i64>,
    /// Its oldest notification from `from` on.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub page_min_id: Option<i64>,
    /// When its newest notification up to `to` was created.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub latest_at: Option<DateTime<Utc>>,
    /// How many notifications it has up to `to`.
    #[diesel(sql_type = BigInt)]
    pub notifications_count: i64,
    /// The senders of its newest notifications up to `to`, newest first.
    #[diesel(sql_type = Array<BigInt>)]
    pub sample_account_ids: Vec<i64>,
}

/// Summaries of an account's groups (stored `group_key`s), counting the
/// notifications with ids in `from..=to` (`to` bounds the newest ones,
/// `from` the oldest of the page).
pub async fn summarize_groups(
    conn: &mut Conn,
    account_id: AccountId,
    group_keys: &[String],
    from: i64,
    to: i64,
    samples: i64,
) -> Result<Vec<GroupSummary>> {
    if group_keys.is_empty() {
        return Ok(Vec::new());
    }
    let in_group = "n.account_id = $1 AND n.group_key = g.group_key";
    let sql = format!(
        "SELECT g.group_key, \
           (SELECT n.id FROM notifications n WHERE {in_group} AND n.id <= $3 \
            ORDER BY n.id DESC LIMIT 1) AS most_recent_id, \
           (SELECT n.id FROM notifications n WHERE {in_group} AND n.id >= $2 \
            ORDER BY n.id ASC LIMIT 1) AS page_min_id, \
           (SELECT n.created_at FROM notifications n WHERE {in_group} AND n.id <= $3 \
            ORDER BY n.id DESC LIMIT 1) AS latest_at, \
           (SELECT count(*) FROM notifications n WHERE {in_group} AND n.id <= $3) \
            AS notifications_count, \
           array(SELECT n.from_account_id FROM notifications n WHERE {in_group} \
            AND n.id <= $3 ORDER BY n.id DESC LIMIT $4) AS sample_account_ids \
         FROM unnest($5::text[]) AS g(group_key)"
    );
    Ok(diesel::sql_query(sql)
        .bind::<BigInt, _>(account_id)
        .bind::<BigInt, _>(from)
        .bind::<BigInt, _>(to)
        .bind::<BigInt, _>(samples)
        .bind::<Array<Text>, _>(group_keys)
        .load(conn)
        .await?)
}

/// The newest notification of one of an account's groups (`ungrouped-<id>`
/// names a single notification).
pub async fn get_group_head(
    conn: &mut Conn,
    account_id: i64,
    group_key: &str,
) -> Result<Notification> {
    let query = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .select(Notification::as_select())
        .filter(in_group(group_key))
        .order(notifications::id.desc())
        .into_boxed();
    Ok(query.first(conn).await?)
}

/// A page of the notifications of one of an account's groups, newest first.
pub async fn list_group_notifications(
    conn: &mut Conn,
    account_id: i64,
    group_key: &str,
    page: &Page,
) -> Result<Vec<Notification>> {
    let query = notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(in_group(group_key))
        .select(Notification::as_select())
        .into_boxed();
    let rows = paginate!(query, notifications::id, *page)
        .load(conn)
        .await?;
    Ok(page.finish(rows))
}

/// Deletes every notification of one of an account's groups; returns how many.
pub async fn delete_group(conn: &mut Conn, account_id: i64, group_key: &str) -> Result<usize> {
    Ok(diesel::delete(notifications::table)
        .filter(notifications::account_id.eq(account_id))
        .filter(in_group(group_key))
        .execute(conn)
        .await?)
}

/// The notifications of a group: `ungrouped-<id>` is one notification (a
/// malformed id none), any other key the stored `group_key`.
fn in_group(
    group_key: &str,
) -> Box<dyn BoxableExpression<notifications::table, Pg, SqlType = diesel::sql_types::Bool>> {
    match group_key.strip_prefix("ungrouped-") {
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) => Box::new(notifications::id.eq(id)),
            Err(_) => Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("false")),
        },
        None => Box::new(
            notifications::group_key
                .eq(group_key.to_owned())
                .assume_not_null(),
        ),
    }
}

/// The newest stored group key of an account starting with `prefix`
/// (`favourite-<status id>-`, `follow-` …), to extend a recent group.
pub async fn latest_group_key(
    conn: &mut Conn,
    account_id: i64,
    prefix: &str,
) -> Result<Option<String>> {
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(notifications::table
        .filter(notifications::account_id.eq(account_id))
        .filter(notifications::group_key.like(pattern))
        .order(notifications::id.desc())
        .select(notifications::group_key)
        .first::<Option<String>>(conn)
        .await
        .optional()?
        .flatten())
}

/// Lets an account's filtered notifications from one sender into its lists.
pub async fn unfilter_notifications_from(
    conn: &mut Conn,
    account_id: AccountId,
    from_account_id: AccountId,
) -> Result<()> {
    diesel::update(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::from_account_id.eq(from_account_id))
            .filter(notifications::filtered.eq(true)),
    )
    .set(notifications::filtered.eq(false))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes an account's filtered notifications from one sender.
pub async fn delete_filtered_notifications_from(
    conn: &mut Conn,
    account_id: AccountId,
    from_account_id: AccountId,
) -> Result<()> {
    diesel::delete(
        notifications::table
            .filter(notifications::account_id.eq(account_id))
            .filter(notifications::from_account_id.eq(from_account_id))
            .filter(notifications::filtered.eq(true)),
    )
    .execute(conn)
    .await?;
    Ok(())
}
