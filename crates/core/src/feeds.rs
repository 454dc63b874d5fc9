//! Home feeds: one Redis sorted set of status ids per local account, written
//! by the `default` queue when statuses are distributed and read by the home
//! timeline. The set holds candidates only; whether a candidate is shown is
//! decided at read time by the same SQL rules as the PostgreSQL-only home
//! timeline, so unfollows, blocks, mutes and deletions need no feed surgery
//! to be correct.
//!
//! A feed exists only for accounts that read their home timeline recently
//! (it expires [`FEED_TTL_SECS`] after the last read, as Mastodon drops feeds
//! of inactive users). A built feed always holds the member [`BUILT_MARKER`]
//! with score 0, so an empty-but-built feed differs from a missing one and
//! distribution never starts a partial feed for someone without one.
use deadpool_redis::redis::{self, aio::ConnectionLike};
use ferrodon_db::queries::timelines;
use ferrodon_db::AccountId;
use ferrodon_db::Page;

use crate::jobs::{self, Job};
use crate::{AppState, Result};

/// How many statuses a feed keeps, as Mastodon's `FeedManager::MAX_ITEMS`.
pub const MAX_ITEMS: usize = 400;
/// Feeds not read for this long expire.
pub const FEED_TTL_SECS: i64 = 14 * 24 * 3600;
/// A missing feed is queued for rebuilding at most once per this many seconds.
const REGENERATION_GUARD_SECS: u64 = 60;
/// The member that marks a feed as built.
pub const BUILT_MARKER: &str = "built";

/// Adds one id to a feed that exists, then trims it to `ARGV[2]` statuses
/// (rank 0 is the marker, which trimming keeps).
const ADD_SCRIPT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[2]) + 1))
return 1
";

/// The Redis key of an account's home feed.
pub fn home_key(state: &AppState, account_id: i64) -> String {
    state.redis_key(&format!("feed:home:{account_id}"))
}

/// The add script, whose SHA1 is known without asking Redis.
static ADD: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(ADD_SCRIPT));

/// Adds `status_ids` to the home feeds of `account_ids` that exist, in one
/// pipelined round trip (two when Redis has not seen the script yet, after
/// a restart or `SCRIPT FLUSH`; adding twice is harmless). Returns how many
/// feeds took them.
pub async fn add_to_feeds<C: ConnectionLike + Send>(
    conn: &mut C,
    keys: &[String],
    status_ids: &[i64],
) -> Result<usize> {
    if keys.is_empty() || status_ids.is_empty() {
        return Ok(0);
    }
    let mut pipe = redis::pipe();
    for key in keys {
        let cmd = pipe
            .cmd("EVALSHA")
            .arg(ADD.get_hash())
            .arg(1)
            .arg(key)
            .arg("")
            .arg(MAX_ITEMS);
        for id in status_ids {
            cmd.arg(*id);
        }
    }
    let added: Vec<i64> = match pipe.query_async(conn).await {
        Err(e) if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoScript) => {
            let _: String = redis::cmd("SCRIPT")
                .arg("LOAD")
                .arg(ADD_SCRIPT)
                .query_async(conn)
                .await?;
            pipe.query_async(conn).await?
        }
        other => other?,
    };
    Ok(added.iter().filter(|&&a| a == 1).count())
}

/// Removes a status from the given feeds.
pub async fn remove_from_feeds<C: ConnectionLike + Send>(
    conn: &mut C,
    keys: &[String],
    status_id: i64,
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut pipe = redis::pipe();
    for key in keys {
        pipe.cmd("ZREM").arg(key).arg(status_id).ignore();
    }
    pipe.query_async::<()>(conn).await?;
    Ok(())
}

/// Replaces a feed with `status_ids` (newest first, at most [`MAX_ITEMS`]).
pub async fn replace_feed<C: ConnectionLike + Send>(
    conn: &mut C,
    key: &str,
    status_ids: &[i64],
) -> Result<()> {
    let mut pipe = redis::pipe();
    pipe.atomic()
        .cmd("DEL")
        .arg(key)
        .ignore()
        .cmd("ZADD")
        .arg(key)
        .arg(0)
        .arg(BUILT_MARKER)
        .ignore();
    for chunk in status_ids.chunks(200) {
        let cmd = pipe.cmd("ZADD").arg(key);
        for id in chunk {
            cmd.arg(*id).arg(*id);
        }
        cmd.ignore();
    }
    pipe.cmd("EXPIRE").arg(key).arg(FEED_TTL_SECS).ignore();
    pipe.query_async::<()>(conn).await?;
    Ok(())
}

/// Whether the feed exists; when it does, its expiry is pushed back (a read
/// keeps a feed alive).
async fn touch<C: ConnectionLike + Send>(conn: &mut C, key: &str) -> Result<bool> {
    let alive: i64 = redis::cmd("EXPIRE")
        .arg(key)
        .arg(FEED_TTL_SECS)
        .query_async(conn)
        .await?;
    Ok(alive == 1)
}

/// How many statuses the feed holds (the marker not counted).
async fn len<C: ConnectionLike + Send>(conn: &mut C, key: &str) -> Result<usize> {
    let n: usize = redis::cmd("ZCARD").arg(key).query_async(conn).await?;
    Ok(n.saturating_sub(1))
}

/// Up to `count` candidate ids inside the page's bounds, in query order
/// (ascending for `min_id` pages, else descending). Scores are ids as
/// doubles, which round above 2^53, so the score range is inclusive and the
/// exact bounds are applied to the parsed members.
async fn candidates<C: ConnectionLike + Send>(
    conn: &mut C,
    key: &str,
    page: &Page,
    count: usize,
) -> Result<Vec<i64>> {
    let upper = page
        .max_id
        .map_or_else(|| "+inf".to_owned(), |id| (id as f64).to_string());
    let lower = page
        .lower_bound()
        .map_or_else(|| "(0".to_owned(), |id| (id as f64).to_string());
    let members: Vec<String> = if page.query_order_ascending() {
        redis::cmd("ZRANGEBYSCORE")
            .arg(key)
            .arg(&lower)
            .arg(&upper)
            .arg("LIMIT")
            .arg(0)
            .arg(count)
            .query_async(conn)
            .await?
    } else {
        redis::cmd("ZREVRANGEBYSCORE")
            .arg(key)
            .arg(&upper)
            .arg(&lower)
            .arg("LIMIT")
            .arg(0)
            .arg(count)
            .query_async(conn)
            .await?
    };
    Ok(members
        .iter()
        .filter_map(|m| m.parse::<i64>().ok())
        .filter(|id| page.max_id.is_none_or(|max| *id < max))
        .filter(|id| page.lower_bound().is_none_or(|min| *id > min))
        .collect())
}

/// One page of `viewer`'s home timeline, newest first. Reads the Redis feed
/// when it exists; otherwise answers from PostgreSQL and queues a rebuild.
pub async fn home_timeline(state: &AppState, viewer: i64, page: &Page) -> Result<Vec<i64>> {
    let key = home_key(state, viewer);
    let mut redis = state.redis().await?;
    if !touch(&mut *redis, &key).await? {
        // One rebuild at a time per account, however often it reads.
        let first: Option<String> = redis::cmd("SET")
            .arg(format!("{key}:regenerating"))
            .arg(1)
            .arg("NX")
            .arg("EX")
            .arg(REGENERATION_GUARD_SECS)
            .query_async(&mut *redis)
            .await?;
        drop(redis);
        if first.is_some() {
            jobs::enqueue(state, Job::RegenerateHomeFeed { account_id: viewer }).await?;
        }
        let mut conn = state.conn().await?;
        return Ok(timelines::list_home_timeline(&mut conn, viewer, page).await?);
    }
    let limit = usize::try_from(page.limit).unwrap_or(20);
    let batch = (limit * 2).max(40);
    let mut cursor = *page;
    let mut found: Vec<i64> = Vec::with_capacity(limit);
    let mut exhausted = false;
    let mut conn = state.conn().await?;
    while found.len() < limit {
        let ids = candidates(&mut *redis, &key, &cursor, batch).await?;
        exhausted = ids.len() < batch;
        let Some(&last) = ids.last() else { break };
        let wanted = Page {
            limit: (limit - found.len()) as i64,
            ..cursor
        };
        found.extend(timelines::list_home_timeline_among(&mut conn, viewer, &ids, &wanted).await?);
        if exhausted {
            break;
        }
        if cursor.query_order_ascending() {
            cursor.min_id = Some(last);
        } else {
            cursor.max_id = Some(last);
        }
    }
    // Older than the feed reaches: PostgreSQL has the rest.
    if exhausted
        && !page.query_order_ascending()
        && found.len() < limit
        && len(&mut *redis, &key).await? >= MAX_ITEMS
    {
        let older = Page {
            max_id: cursor.max_id.into_iter().chain(found.last().copied()).min(),
            limit: (limit - found.len()) as i64,
            ..*page
        };
        found.extend(timelines::list_home_timeline(&mut conn, viewer, &older).await?);
    }
    found.sort_unstable_by(|a, b| b.cmp(a));
    found.dedup();
    Ok(found)
}

/// Rebuilds a feed from PostgreSQL: the newest [`MAX_ITEMS`] home candidates.
pub async fn regenerate_home_feed(state: &AppState, account_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let ids =
        timelines::list_home_candidates(&mut conn, AccountId::new(account_id), MAX_ITEMS as i64)
            .await?;
    drop(conn);
    let mut redis = state.redis().await?;
    let key = home_key(state, account_id);
    replace_feed(&mut *redis, &key, &ids).await?;
    let _: i64 = redis::cmd("DEL")
        .arg(format!("{key}:regenerating"))
        .query_async(&mut *redis)
        .await?;
    Ok(())
}

/// After `account_id` follows `target_id`: the target's recent statuses go
/// into the follower's feed (if it has one).
pub async fn merge_into_home_feed(state: &AppState, account_id: i64, target_id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let ids =
        timelines::list_recent_status_ids(&mut conn, AccountId::new(target_id), MAX_ITEMS as i64)
            .await?;
    drop(conn);
    let mut redis = state.redis().await?;
    add_to_feeds(&mut *redis, &[home_key(state, account_id)], &ids).await?;
    Ok(())
}
