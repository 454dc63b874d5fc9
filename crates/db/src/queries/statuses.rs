//! Statuses: insert, edit, delete, counters, threads.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer};
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::{NewStatus, NewStatusEdit, Status, StatusEdit};
use crate::schema::{status_edits, statuses};
use crate::{Conn, Result};

/// Inserts a status.
pub async fn put_status(conn: &mut Conn, new: &NewStatus) -> Result<Status> {
    Ok(diesel::insert_into(statuses::table)
        .values(new)
        .returning(Status::as_returning())
        .get_result(conn)
        .await?)
}

/// One status by id.
pub async fn get_status_by_id(conn: &mut Conn, id: i64) -> Result<Status> {
    Ok(statuses::table
        .find(id)
        .select(Status::as_select())
        .first(conn)
        .await?)
}

/// The reblog of `status_id` by `account_id`, if any.
pub async fn find_reblog(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
) -> Result<Option<Status>> {
    Ok(statuses::table
        .filter(statuses::account_id.eq(account_id))
        .filter(statuses::reblog_of_id.eq(status_id))
        .select(Status::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Content columns an edit replaces.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = statuses)]
#[allow(missing_docs)]
pub struct StatusContentChanges {
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub edited_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Replaces a status's content (an edit).
pub async fn update_status_content(
    conn: &mut Conn,
    id: i64,
    changes: &StatusContentChanges,
) -> Result<Status> {
    Ok(diesel::update(statuses::table.find(id))
        .set(changes)
        .returning(Status::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a status (reblogs of it go by cascade).
pub async fn delete_status_by_id(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(statuses::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Which counter of a status to change.
#[derive(Debug, Clone, Copy)]
pub enum StatusCounter {
    /// replies_count
    Replies,
    /// reblogs_count
    Reblogs,
    /// favourites_count
    Favourites,
    /// quotes_count
    Quotes,
}

/// Makes `parent_id` (by `parent_account_id`) the parent of status `id`
/// unless it already has one: a reply stored before its parent arrived.
/// True when it was linked now.
pub async fn set_status_parent(
    conn: &mut Conn,
    id: StatusId,
    parent_id: StatusId,
    parent_account_id: AccountId,
) -> Result<bool> {
    let linked = diesel::update(
        statuses::table
            .filter(statuses::id.eq(id))
            .filter(statuses::id.ne(parent_id))
            .filter(statuses::in_reply_to_id.is_null()),
    )
    .set((
        statuses::in_reply_to_id.eq(parent_id),
        statuses::in_reply_to_account_id.eq(parent_account_id),
    ))
    .execute(conn)
    .await?;
    Ok(linked == 1)
}

/// Adds `delta` to a counter of a status, never going below zero.
pub async fn add_to_status_counter(
    conn: &mut Conn,
    id: i64,
    counter: StatusCounter,
    delta: i32,
) -> Result<()> {
    let column = match counter {
        StatusCounter::Replies => "replies_count",
        StatusCounter::Reblogs => "reblogs_count",
        StatusCounter::Favourites => "favourites_count",
        StatusCounter::Quotes => "quotes_count",
    };
    diesel::sql_query(format!(
        "UPDATE statuses SET {column} = greatest({column} + $1, 0) WHERE id = $2"
    ))
    .bind::<Integer, _>(delta)
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a revision of a status.
pub async fn put_status_edit(conn: &mut Conn, new: &NewStatusEdit) -> Result<()> {
    diesel::insert_into(status_edits::table)
        .values(new)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revisions of a status, oldest first.
pub async fn list_status_edits(conn: &mut Conn, status_id: i64) -> Result<Vec<StatusEdit>> {
    Ok(status_edits::table
        .filter(status_edits::status_id.eq(status_id))
        .order(status_edits::id.asc())
        .select(StatusEdit::as_select())
        .load(conn)
        .await?)
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Ids of the ancestors of a status, oldest first (at most `limit`).
pub async fn list_ancestor_ids(
    conn: &mut Conn,
    status_id: StatusId,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "WITH RECURSIVE up(id, parent, depth) AS ( \
           SELECT s.id, s.in_reply_to_id, 0 FROM statuses s WHERE s.id = $1 \
           UNION ALL \
           SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent \
           WHERE up.depth < $2) \
         SELECT id FROM up WHERE depth > 0 ORDER BY depth DESC",
    )
    .bind::<BigInt, _>(status_id)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The thread root of each of `ids` (the farthest ancestor still stored,
/// at most 1,000 statuses up), in one recursive query: (status id, root id).
pub async fn thread_roots(conn: &mut Conn, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        start: i64,
        #[diesel(sql_type = BigInt)]
        root: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "WITH RECURSIVE chain(start, id, parent, depth) AS ( \
           SELECT id, id, in_reply_to_id, 0 FROM statuses WHERE id = ANY($1) \
           UNION ALL \
           SELECT c.start, s.id, s.in_reply_to_id, c.depth + 1 \
           FROM chain c JOIN statuses s ON s.id = c.parent WHERE c.depth < 1000) \
         SELECT DISTINCT ON (start) start, id AS root FROM chain ORDER BY start, depth DESC",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.start, r.root)).collect())
}

/// Ids of the descendants of a status in thread order (depth-first, oldest branch first), at most `limit`.
pub async fn list_descendant_ids(
    conn: &mut Conn,
    status_id: StatusId,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<IdRow> = diesel::sql_query(
        "WITH RECURSIVE down(id, path) AS ( \
           SELECT s.id, ARRAY[s.id] FROM statuses s WHERE s.in_reply_to_id = $1 \
           UNION ALL \
           SELECT s.id, down.path || s.id FROM statuses s JOIN down ON s.in_reply_to_id = down.id \
           WHERE array_length(down.path, 1) < 256) \
         SELECT id FROM down ORDER BY path LIMIT $2",
    )
    .bind::<BigInt, _>(status_id)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Number of local statuses (for the instance document).
pub async fn count_local_statuses(conn: &mut Conn) -> Result<i64> {
    Ok(statuses::table
        .filter(statuses::local.eq(true))
        .count()
        .get_result(conn)
        .await?)
}

/// A status by its ActivityPub id.
pub async fn find_status_by_uri(conn: &mut Conn, uri: &str) -> Result<Option<Status>> {
    Ok(statuses::table
        .filter(statuses::uri.eq(uri))
        .select(Status::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// ActivityPub ids of the public and unlisted replies to a status written
/// on this server, oldest first (a note's `replies` collection).
pub async fn list_local_public_reply_uris(
    conn: &mut Conn,
    status_id: StatusId,
    limit: i64,
) -> Result<Vec<String>> {
    Ok(statuses::table
        .filter(statuses::in_reply_to_id.eq(status_id))
        .filter(statuses::local.eq(true))
        .filter(statuses::visibility.le(1))
        .select(statuses::uri)
        .order(statuses::id.asc())
        .limit(limit)
        .load(conn)
        .await?)
}
