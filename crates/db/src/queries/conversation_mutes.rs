//! Threads ("conversations") a user muted, by their root status.
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use diesel_async::RunQueryDsl;

use crate::schema::conversation_mutes;
use crate::{Conn, Result};

/// Mutes the thread rooted at `root` for `account_id` (idempotent).
pub async fn mute_thread(conn: &mut Conn, account_id: i64, root: i64) -> Result<()> {
    diesel::insert_into(conversation_mutes::table)
        .values((
            conversation_mutes::account_id.eq(account_id),
            conversation_mutes::root_status_id.eq(root),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Unmutes a thread.
pub async fn unmute_thread(conn: &mut Conn, account_id: i64, root: i64) -> Result<()> {
    diesel::delete(conversation_mutes::table.find((account_id, root)))
        .execute(conn)
        .await?;
    Ok(())
}

/// The roots `account_id` muted, empty for most users (so callers can skip
/// the thread walk).
pub async fn muted_roots(conn: &mut Conn, account_id: i64) -> Result<Vec<i64>> {
    Ok(conversation_mutes::table
        .filter(conversation_mutes::account_id.eq(account_id))
        .select(conversation_mutes::root_status_id)
        .load(conn)
        .await?)
}

/// The thread root of each of `ids` (the farthest ancestor still stored),
/// in one recursive query: (status id, root id).
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
