//! Polls and votes.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use diesel_async::RunQueryDsl;

use crate::schema::{poll_votes, polls};
use crate::{Conn, Result};

/// A poll.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = polls, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Poll {
    pub id: i64,
    pub status_id: i64,
    pub account_id: i64,
    pub options: Vec<String>,
    pub tallies: Vec<i32>,
    pub multiple: bool,
    pub hide_totals: bool,
    pub votes_count: i32,
    pub voters_count: i32,
    pub expires_at: Option<DateTime<Utc>>,
    pub notified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Poll {
    /// Voting is over.
    pub fn expired(&self) -> bool {
        self.expires_at.is_some_and(|t| t <= Utc::now())
    }
}

/// A new poll.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = polls)]
#[allow(missing_docs)]
pub struct NewPoll {
    pub status_id: i64,
    pub account_id: i64,
    pub options: Vec<String>,
    pub tallies: Vec<i32>,
    pub multiple: bool,
    pub hide_totals: bool,
    pub votes_count: i32,
    pub voters_count: i32,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Inserts a poll.
pub async fn put_poll(conn: &mut Conn, new: &NewPoll) -> Result<Poll> {
    Ok(diesel::insert_into(polls::table)
        .values(new)
        .returning(Poll::as_returning())
        .get_result(conn)
        .await?)
}

/// A poll by id.
pub async fn find_poll(conn: &mut Conn, id: i64) -> Result<Option<Poll>> {
    Ok(polls::table
        .find(id)
        .select(Poll::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The polls of these statuses.
pub async fn polls_of_statuses(conn: &mut Conn, status_ids: &[i64]) -> Result<Vec<Poll>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(polls::table
        .filter(polls::status_id.eq_any(status_ids))
        .select(Poll::as_select())
        .load(conn)
        .await?)
}

/// The choices `account_id` made in these polls: `(poll_id, choice)`.
pub async fn votes_of(
    conn: &mut Conn,
    account_id: i64,
    poll_ids: &[i64],
) -> Result<Vec<(i64, i32)>> {
    if poll_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(poll_votes::table
        .filter(poll_votes::account_id.eq(account_id))
        .filter(poll_votes::poll_id.eq_any(poll_ids))
        .select((poll_votes::poll_id, poll_votes::choice))
        .load(conn)
        .await?)
}

/// Records a vote and updates the tallies; false when that choice was
/// already made by the account (a repeated delivery).
pub async fn put_vote(
    conn: &mut Conn,
    poll: &Poll,
    account_id: i64,
    choice: i32,
    uri: Option<&str>,
) -> Result<bool> {
    let first_vote: bool = !diesel::select(diesel::dsl::exists(
        poll_votes::table
            .filter(poll_votes::poll_id.eq(poll.id))
            .filter(poll_votes::account_id.eq(account_id)),
    ))
    .get_result(conn)
    .await?;
    let inserted = diesel::insert_into(poll_votes::table)
        .values((
            poll_votes::poll_id.eq(poll.id),
            poll_votes::account_id.eq(account_id),
            poll_votes::choice.eq(choice),
            poll_votes::uri.eq(uri),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    diesel::sql_query(
        "UPDATE polls SET tallies[$2 + 1] = tallies[$2 + 1] + 1, votes_count = votes_count + 1, \
         voters_count = voters_count + $3, updated_at = now() WHERE id = $1",
    )
    .bind::<BigInt, _>(poll.id)
    .bind::<Integer, _>(choice)
    .bind::<Integer, _>(i32::from(first_vote))
    .execute(conn)
    .await?;
    Ok(true)
}

/// Replaces a remote poll's tallies with what its server reports.
pub async fn set_tallies(
    conn: &mut Conn,
    poll_id: i64,
    tallies: &[i32],
    voters_count: Option<i32>,
) -> Result<()> {
    let total: i32 = tallies.iter().sum();
    diesel::update(polls::table.find(poll_id))
        .set((
            polls::tallies.eq(tallies),
            polls::votes_count.eq(total),
            polls::voters_count.eq(voters_count.unwrap_or(total)),
            polls::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ended polls whose notifications have not gone out; marks them notified.
pub async fn take_ended_polls(conn: &mut Conn, limit: i64) -> Result<Vec<Poll>> {
    let ids: Vec<i64> = polls::table
        .filter(polls::notified_at.is_null())
        .filter(polls::expires_at.le(diesel::dsl::now))
        .select(polls::id)
        .limit(limit)
        .load(conn)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::update(polls::table.filter(polls::id.eq_any(&ids)))
        .filter(polls::notified_at.is_null())
        .set(polls::notified_at.eq(diesel::dsl::now))
        .returning(Poll::as_returning())
        .get_results(conn)
        .await?)
}

/// Accounts that voted in a poll.
pub async fn voter_ids(conn: &mut Conn, poll_id: i64) -> Result<Vec<i64>> {
    Ok(poll_votes::table
        .filter(poll_votes::poll_id.eq(poll_id))
        .select(poll_votes::account_id)
        .distinct()
        .load(conn)
        .await?)
}
