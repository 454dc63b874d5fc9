//! The Redis data this server keeps only as a cache, for
//! `ferrodonctl cache clear` and `feeds clear`: home feeds (rebuilt from
//! PostgreSQL when next read) and the translation service's language list.
//! Queues, rate-limit windows, idempotency keys and delivery-failure counts
//! are state, not cache, and are left alone.
use deadpool_redis::redis;

use crate::{AppState, Result};

/// What a clear removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    /// Home feeds (and their rebuild guards).
    pub home_feeds: usize,
    /// Other cached values.
    pub other: usize,
}

/// Deletes every key matching `pattern` (under this server's namespace).
async fn delete_matching(state: &AppState, pattern: &str) -> Result<usize> {
    let mut redis = state.redis().await?;
    let pattern = state.redis_key(pattern);
    let mut cursor: u64 = 0;
    let mut deleted = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut *redis)
            .await?;
        if !keys.is_empty() {
            let n: usize = redis::cmd("DEL")
                .arg(&keys)
                .query_async(&mut *redis)
                .await?;
            deleted += n;
        }
        if next == 0 {
            return Ok(deleted);
        }
        cursor = next;
    }
}

/// Deletes every home feed; each is rebuilt when its owner next reads it.
pub async fn clear_home_feeds(state: &AppState) -> Result<usize> {
    delete_matching(state, "feed:home:*").await
}

/// Deletes every cache this server keeps in Redis.
pub async fn clear_all(state: &AppState) -> Result<Cleared> {
    Ok(Cleared {
        home_feeds: clear_home_feeds(state).await?,
        other: delete_matching(state, "translation_service/languages").await?,
    })
}
