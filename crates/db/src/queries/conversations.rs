//! Direct-message conversations as each participant sees them.
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool};
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::schema::account_conversations;
use crate::{load_page, Conn, Page, Result};

/// One account's view of a conversation.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = account_conversations, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Conversation {
    pub id: i64,
    pub account_id: i64,
    pub root_status_id: i64,
    /// The other participants, sorted.
    pub participant_account_ids: Vec<i64>,
    pub status_ids: Vec<i64>,
    pub last_status_id: i64,
    pub unread: bool,
}

/// Records a direct status in `account_id`'s conversation with
/// `participants` (the others, sorted) in the thread rooted at `root`,
/// creating the conversation if needed. Recording the same status twice
/// changes nothing but the unread flag.
pub async fn record_status(
    conn: &mut Conn,
    account_id: AccountId,
    root: StatusId,
    participants: &[i64],
    status_id: StatusId,
    unread: bool,
) -> Result<Conversation> {
    Ok(diesel::sql_query(
        "INSERT INTO account_conversations AS c \
           (account_id, root_status_id, participant_account_ids, status_ids, last_status_id, unread) \
         VALUES ($1, $2, $3, ARRAY[$4::bigint], $4, $5) \
         ON CONFLICT (account_id, root_status_id, participant_account_ids) DO UPDATE SET \
           status_ids = CASE WHEN $4 = ANY(c.status_ids) THEN c.status_ids \
                             ELSE array_append(c.status_ids, $4) END, \
           last_status_id = greatest(c.last_status_id, $4), \
           unread = $5, \
           updated_at = now() \
         RETURNING c.id, c.account_id, c.root_status_id, c.participant_account_ids, \
           c.status_ids, c.last_status_id, c.unread",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<BigInt, _>(root)
    .bind::<Array<BigInt>, _>(participants)
    .bind::<BigInt, _>(status_id)
    .bind::<Bool, _>(unread)
    .get_result(conn)
    .await?)
}

/// Takes a deleted status out of every conversation: a conversation left
/// without statuses is deleted, the others point at their newest remaining one.
pub async fn remove_status(conn: &mut Conn, status_id: i64) -> Result<()> {
    diesel::sql_query("DELETE FROM account_conversations WHERE status_ids = ARRAY[$1::bigint]")
        .bind::<BigInt, _>(status_id)
        .execute(conn)
        .await?;
    diesel::sql_query(
        "UPDATE account_conversations SET \
           status_ids = array_remove(status_ids, $1), \
           last_status_id = (SELECT max(s) FROM unnest(array_remove(status_ids, $1)) s), \
           updated_at = now() \
         WHERE status_ids @> ARRAY[$1::bigint]",
    )
    .bind::<BigInt, _>(status_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// An account's conversations, newest last status first, paged by last status id.
pub async fn list_conversations(
    conn: &mut Conn,
    account_id: i64,
    page: &Page,
) -> Result<Vec<(i64, Conversation)>> {
    let query = account_conversations::table
        .filter(account_conversations::account_id.eq(account_id))
        .select((
            account_conversations::last_status_id,
            Conversation::as_select(),
        ));
    Ok(load_page!(
        query,
        account_conversations::last_status_id,
        *page,
        conn
    ))
}

/// One conversation of an account (NotFound for someone else's).
pub async fn get_conversation(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<Conversation> {
    Ok(account_conversations::table
        .filter(account_conversations::account_id.eq(account_id))
        .filter(account_conversations::id.eq(id))
        .select(Conversation::as_select())
        .first(conn)
        .await?)
}

/// Marks a conversation read (or, with `unread`, unread again).
pub async fn mark_read(conn: &mut Conn, id: i64, unread: bool) -> Result<Conversation> {
    Ok(diesel::update(account_conversations::table.find(id))
        .set(account_conversations::unread.eq(unread))
        .returning(Conversation::as_returning())
        .get_result(conn)
        .await?)
}

/// Removes a conversation from its account's list (a later status brings it back).
pub async fn delete_conversation(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(account_conversations::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The root of the reply chain a status belongs to (itself when it replies
/// to nothing known), looking at most 1,000 statuses up.
pub async fn thread_root(conn: &mut Conn, status_id: i64) -> Result<i64> {
    let roots = super::statuses::thread_roots(conn, &[status_id]).await?;
    Ok(roots.into_iter().next().map_or(status_id, |(_, root)| root))
}
