//! Fixed-window rate limits counted in Redis, shared by every web process.
use deadpool_redis::redis;

use crate::{AppState, Error, Result};

/// Counts one attempt for `bucket` (e.g. `"auth:1.2.3.4"`) and fails with
/// [`Error::RateLimited`] once more than `limit` attempts fall in one window.
pub async fn check(state: &AppState, bucket: &str, limit: u32, window_secs: u64) -> Result<()> {
    if limit == 0 {
        return Ok(());
    }
    let key = state.redis_key(&format!("ratelimit:{bucket}"));
    let mut conn = state.redis().await?;
    let (count,): (u64,) = redis::pipe()
        .atomic()
        .incr(&key, 1)
        .expire(&key, window_secs as i64)
        .arg("NX")
        .ignore()
        .query_async(&mut *conn)
        .await?;
    if count > u64::from(limit) {
        return Err(Error::RateLimited);
    }
    Ok(())
}
