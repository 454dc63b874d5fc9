//! Fixed-window rate limits counted in Redis, shared by every web process.
use deadpool_redis::redis;

use crate::{AppState, Error, Result};

/// Where a bucket stands after one more request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Requests allowed per window.
    pub limit: u32,
    /// Requests left in this window (0 once over the limit).
    pub remaining: u32,
    /// Unix time (seconds) when the window ends.
    pub reset_at: u64,
    /// True when this request is over the limit.
    pub exceeded: bool,
}

/// Counts one request for `bucket` (e.g. `"api:1.2.3.4"`) in the current
/// window of `window_secs`, aligned to the epoch so every process agrees.
pub async fn hit(state: &AppState, bucket: &str, limit: u32, window_secs: u64) -> Result<Usage> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let window_secs = window_secs.max(1);
    let window_start = now - now % window_secs;
    let key = state.redis_key(&format!("ratelimit:{bucket}:{window_start}"));
    let mut conn = state.redis().await?;
    let (count,): (u64,) = redis::pipe()
        .atomic()
        .incr(&key, 1)
        .expire(&key, window_secs as i64 + 1)
        .ignore()
        .query_async(&mut *conn)
        .await?;
    Ok(Usage {
        limit,
        remaining: u64::from(limit).saturating_sub(count) as u32,
        reset_at: window_start + window_secs,
        exceeded: count > u64::from(limit),
    })
}

/// Counts one attempt and fails with [`Error::RateLimited`] once more than
/// `limit` attempts fall in one window. A limit of 0 disables the check.
pub async fn check(state: &AppState, bucket: &str, limit: u32, window_secs: u64) -> Result<()> {
    if limit == 0 {
        return Ok(());
    }
    if hit(state, bucket, limit, window_secs).await?.exceeded {
        return Err(Error::RateLimited);
    }
    Ok(())
}
