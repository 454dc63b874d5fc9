//! Finding people and topics: the profile directory, follow suggestions,
//! trends, and the instance's peers and weekly activity.
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Timestamptz};
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::{Account, Tag};
use crate::schema::{accounts, statuses, suggestion_dismissals, tags, users};
use crate::{Conn, Result};

/// How the directory is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryOrder {
    /// Most recently posting first.
    Active,
    /// Newest accounts first.
    New,
}

/// One page (offset, limit) of discoverable, unsuspended accounts; only
/// local ones when `local_only`.
pub async fn list_directory(
    conn: &mut Conn,
    order: DirectoryOrder,
    local_only: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<Account>> {
    let mut query = accounts::table
        .filter(accounts::discoverable.eq(true))
        .filter(accounts::suspended_at.is_null())
        .filter(accounts::moved_to_account_id.is_null())
        .filter(accounts::id.gt(0))
        .select(Account::as_select())
        .into_boxed();
    if local_only {
        query = query.filter(accounts::domain.is_null());
    }
    query = match order {
        DirectoryOrder::Active => query.order((
            accounts::last_status_at.desc().nulls_last(),
            accounts::id.desc(),
        )),
        DirectoryOrder::New => query.order(accounts::id.desc()),
    };
    Ok(query.offset(offset).limit(limit).load(conn).await?)
}

/// Why an account is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionSource {
    /// Followed by accounts the viewer follows.
    FriendsOfFriends,
    /// Among the most followed discoverable accounts here.
    MostFollowed,
}

/// Up to `limit` accounts to suggest to `viewer`: first accounts that the
/// accounts it follows follow most, then the most followed local
/// discoverable accounts; never itself, accounts it follows, has asked to
/// follow, blocks, mutes, is blocked by, or dismissed.
pub async fn list_suggestions(
    conn: &mut Conn,
    viewer: AccountId,
    limit: i64,
) -> Result<Vec<(SuggestionSource, Account)>> {
    let excluded = |alias: &str| {
        format!(
            "{alias}.id <> $1 AND {alias}.id > 0 AND {alias}.suspended_at IS NULL \
             AND {alias}.discoverable AND {alias}.moved_to_account_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM follows x WHERE x.account_id = $1 AND x.target_account_id = {alias}.id) \
             AND NOT EXISTS (SELECT 1 FROM follow_requests x WHERE x.account_id = $1 AND x.target_account_id = {alias}.id) \
             AND NOT EXISTS (SELECT 1 FROM blocks x WHERE (x.account_id = $1 AND x.target_account_id = {alias}.id) OR (x.account_id = {alias}.id AND x.target_account_id = $1)) \
             AND NOT EXISTS (SELECT 1 FROM mutes x WHERE x.account_id = $1 AND x.target_account_id = {alias}.id) \
             AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals x WHERE x.account_id = $1 AND x.target_account_id = {alias}.id)"
        )
    };
    let friends_sql = format!(
        "SELECT a.id FROM follows f1 JOIN follows f2 ON f2.account_id = f1.target_account_id \
         JOIN accounts a ON a.id = f2.target_account_id \
         WHERE f1.account_id = $1 AND {} \
         GROUP BY a.id ORDER BY count(*) DESC, a.id DESC LIMIT $2",
        excluded("a")
    );
    let popular_sql = format!(
        "SELECT a.id FROM accounts a WHERE a.domain IS NULL AND {} \
         ORDER BY a.followers_count DESC, a.id DESC LIMIT $2",
        excluded("a")
    );
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let friends: Vec<Id> = diesel::sql_query(friends_sql)
        .bind::<BigInt, _>(viewer)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await?;
    let popular: Vec<Id> = diesel::sql_query(popular_sql)
        .bind::<BigInt, _>(viewer)
        .bind::<BigInt, _>(limit)
        .load(conn)
        .await?;
    let mut ranked: Vec<(SuggestionSource, i64)> = friends
        .iter()
        .map(|r| (SuggestionSource::FriendsOfFriends, r.id))
        .collect();
    for r in &popular {
        if !ranked.iter().any(|(_, id)| *id == r.id) {
            ranked.push((SuggestionSource::MostFollowed, r.id));
        }
    }
    ranked.truncate(usize::try_from(limit).unwrap_or(0));
    let ids: Vec<i64> = ranked.iter().map(|(_, id)| *id).collect();
    let found: Vec<Account> = accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select(Account::as_select())
        .load(conn)
        .await?;
    Ok(ranked
        .into_iter()
        .filter_map(|(source, id)| {
            found
                .iter()
                .find(|a| a.id == id)
                .map(|a| (source, a.clone()))
        })
        .collect())
}

/// Hides an account from `viewer`'s suggestions.
pub async fn dismiss_suggestion(
    conn: &mut Conn,
    viewer: AccountId,
    target: AccountId,
) -> Result<()> {
    diesel::insert_into(suggestion_dismissals::table)
        .values((
            suggestion_dismissals::account_id.eq(viewer),
            suggestion_dismissals::target_account_id.eq(target),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// One day of a tag's (or a link's) use: statuses and distinct accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagDay {
    /// Midnight UTC starting the day.
    pub day: DateTime<Utc>,
    /// Statuses with the tag that day.
    pub uses: i64,
    /// Distinct accounts that used it.
    pub accounts: i64,
}

/// Midnight UTC today, and the start of a history of `days` days ending today.
pub fn history_span(days: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    let today = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map_or(now, |t| t.and_utc());
    (today, today - Duration::days(days - 1))
}

/// One entry per day of the `days` ending `today`, newest first, from
/// counted (day, uses, accounts) rows; days without a row count zero.
pub fn fill_history(
    today: DateTime<Utc>,
    days: i64,
    counted: &[(DateTime<Utc>, i64, i64)],
) -> Vec<TagDay> {
    (0..days)
        .map(|back| {
            let day = today - Duration::days(back);
            let hit = counted.iter().find(|(d, _, _)| *d == day);
            TagDay {
                day,
                uses: hit.map_or(0, |h| h.1),
                accounts: hit.map_or(0, |h| h.2),
            }
        })
        .collect()
}

/// The last `days` days of use of each of `tag_ids` in public statuses,
/// newest day first.
pub async fn tag_histories(
    conn: &mut Conn,
    tag_ids: &[i64],
    days: i64,
) -> Result<Vec<(i64, Vec<TagDay>)>> {
    let (today, since) = history_span(days);
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        tag_id: i64,
        #[diesel(sql_type = Timestamptz)]
        day: DateTime<Utc>,
        #[diesel(sql_type = BigInt)]
        uses: i64,
        #[diesel(sql_type = BigInt)]
        accounts: i64,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT st.tag_id, date_trunc('day', s.created_at, 'UTC') AS day, \
         count(*) AS uses, count(DISTINCT s.account_id) AS accounts \
         FROM statuses_tags st JOIN statuses s ON s.id = st.status_id \
         WHERE st.tag_id = ANY($1) AND s.created_at >= $2 AND s.visibility = 0 \
         AND s.reblog_of_id IS NULL GROUP BY 1, 2",
    )
    .bind::<Array<BigInt>, _>(tag_ids)
    .bind::<Timestamptz, _>(since)
    .load(conn)
    .await?;
    Ok(tag_ids
        .iter()
        .map(|&tag| {
            let counted: Vec<(DateTime<Utc>, i64, i64)> = rows
                .iter()
                .filter(|r| r.tag_id == tag)
                .map(|r| (r.day, r.uses, r.accounts))
                .collect();
            (tag, fill_history(today, days, &counted))
        })
        .collect())
}

/// Trending tags: those the most distinct accounts used in public statuses
/// over the last two days (at least two accounts), `offset`/`limit` paged;
/// those a moderator rejected only when `include_rejected`.
pub async fn list_trending_tags(
    conn: &mut Conn,
    include_rejected: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<Tag>> {
    let since = Utc::now() - Duration::days(2);
    #[derive(QueryableByName)]
    struct Ranked {
        #[diesel(sql_type = BigInt)]
        tag_id: i64,
    }
    let ranked: Vec<Ranked> = diesel::sql_query(
        "SELECT st.tag_id FROM statuses_tags st \
         JOIN statuses s ON s.id = st.status_id JOIN accounts a ON a.id = s.account_id \
         WHERE s.created_at >= $1 AND s.visibility = 0 AND s.reblog_of_id IS NULL \
         AND a.suspended_at IS NULL AND a.silenced_at IS NULL \
         AND ($4 OR NOT EXISTS (SELECT 1 FROM trend_reviews r \
           WHERE r.kind = 'tag' AND r.target_id = st.tag_id AND NOT r.approved)) \
         GROUP BY st.tag_id HAVING count(DISTINCT s.account_id) >= 2 \
         ORDER BY count(DISTINCT s.account_id) DESC, st.tag_id DESC OFFSET $2 LIMIT $3",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .bind::<diesel::sql_types::Bool, _>(include_rejected)
    .load(conn)
    .await?;
    let ids: Vec<i64> = ranked.iter().map(|r| r.tag_id).collect();
    let mut found: Vec<Tag> = tags::table
        .filter(tags::id.eq_any(&ids))
        .select(Tag::as_select())
        .load(conn)
        .await?;
    found.sort_by_key(|t| ids.iter().position(|id| *id == t.id));
    Ok(found)
}

/// Every remote domain the instance knows an unsuspended account of.
pub async fn list_peers(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(accounts::table
        .filter(accounts::domain.is_not_null())
        .filter(accounts::suspended_at.is_null())
        .select(accounts::domain.assume_not_null())
        .distinct()
        .order(accounts::domain.assume_not_null().asc())
        .load(conn)
        .await?)
}

/// One week of local activity.
#[derive(Debug, Clone, Copy)]
pub struct ActivityWeek {
    /// Monday 00:00 UTC starting the week.
    pub week: DateTime<Utc>,
    /// Local statuses posted.
    pub statuses: i64,
    /// Local users whose latest sign-in fell in the week.
    pub logins: i64,
    /// Local users who signed up.
    pub registrations: i64,
}

/// The last `weeks` weeks of local activity, this week first.
pub async fn list_activity(conn: &mut Conn, weeks: i64) -> Result<Vec<ActivityWeek>> {
    let now = Utc::now();
    let monday = now.date_naive()
        - Duration::days(i64::from(
            chrono::Datelike::weekday(&now.date_naive()).num_days_from_monday(),
        ));
    let this_week = monday
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut out = Vec::new();
    for back in 0..weeks {
        let start = this_week - Duration::weeks(back);
        let end = start + Duration::weeks(1);
        let statuses: i64 = statuses::table
            .filter(statuses::local.eq(true))
            .filter(statuses::created_at.ge(start))
            .filter(statuses::created_at.lt(end))
            .count()
            .get_result(conn)
            .await?;
        let logins: i64 = users::table
            .filter(users::last_sign_in_at.ge(start))
            .filter(users::last_sign_in_at.lt(end))
            .count()
            .get_result(conn)
            .await?;
        let registrations: i64 = users::table
            .filter(users::created_at.ge(start))
            .filter(users::created_at.lt(end))
            .count()
            .get_result(conn)
            .await?;
        out.push(ActivityWeek {
            week: start,
            statuses,
            logins,
            registrations,
        });
    }
    Ok(out)
}
