//! Limits on the fetches an inbound signature can make us do. Anyone can
//! POST a well-formed signature naming a key on any host; without limits
//! each such request would make us fetch from that host (and fetch again
//! when the signature does not verify). State lives in Redis, shared by
//! every web process:
//!
//! - a failed key fetch is remembered for FERRODON_KEY_FETCH_FAILURE_TTL
//!   and not tried again meanwhile (401 for a permanent failure, 503 for a
//!   transient one);
//! - a host whose key fetches failed [`FAILING_AFTER`] times for transient
//!   reasons (timeouts, refused connections, 5xx) within that time is not
//!   fetched from at all until it passes (503);
//! - each remote domain may cause FERRODON_KEY_FETCH_BUDGET key fetches in
//!   any sixty seconds (503 beyond, so that genuine senders retry later).
//!   The window slides: a burst across a minute boundary gets no second
//!   budget;
//! - the key of a known actor is fetched again on a failed signature at
//!   most once per [`REFRESH_INTERVAL_SECS`] seconds.
use chrono::Utc;
use deadpool_redis::redis::{self, AsyncCommands};
use sha2::{Digest, Sha256};

use crate::authority::authority_of;
use crate::{AppState, Error, Result};

/// Transient failures after which a host is left alone.
pub const FAILING_AFTER: u32 = 3;
/// How often a known actor's key may be fetched again.
pub const REFRESH_INTERVAL_SECS: u64 = 60;

/// Lower-case hex of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hashed(url: &str) -> String {
    hex(&Sha256::digest(url.as_bytes()))
}

/// Sets the Redis key `name` (under the instance's prefix) for `secs`
/// seconds unless it is set; true when this call set it.
pub(super) async fn claim(state: &AppState, name: &str, secs: u64) -> Result<bool> {
    let mut redis = state.redis().await?;
    let claimed: Option<String> = redis::cmd("SET")
        .arg(state.redis_key(name))
        .arg(1)
        .arg("NX")
        .arg("EX")
        .arg(secs.max(1))
        .query_async(&mut *redis)
        .await?;
    Ok(claimed.is_some())
}

fn failed_key(state: &AppState, url: &str) -> String {
    state.redis_key(&format!("apub:key_fetch_failed:{}", hashed(url)))
}

fn host_failures_key(state: &AppState, domain: &str) -> String {
    state.redis_key(&format!("apub:key_fetch_host_failures:{domain}"))
}

fn budget_key(state: &AppState, domain: &str) -> String {
    state.redis_key(&format!("apub:key_fetch_budget:{domain}"))
}

/// The window the budget covers.
const BUDGET_WINDOW_MS: i64 = 60_000;

/// Admits one fetch when fewer than ARGV[3] fetches were admitted in the
/// ARGV[2] milliseconds before ARGV[1]; the key is a sorted set of admitted
/// fetches scored by time. Returns 1 when admitted, 0 when not. One script,
/// so that web processes checking at once cannot both take the last unit.
const SPEND_SCRIPT: &str = r"
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
";

static SPEND: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(SPEND_SCRIPT));

/// Whether a key fetch from `url` may go ahead now; spends one unit of
/// its domain's budget when it may.
pub async fn admit(state: &AppState, url: &str) -> Result<()> {
    let domain = authority_of(url)
        .ok_or_else(|| Error::Unauthorized(format!("the key {url:?} is not an http(s) URL")))?;
    let mut redis = state.redis().await?;
    let failed: Option<String> = redis.get(failed_key(state, url)).await?;
    if let Some(reason) = failed {
        let message =
            format!("fetching {url} failed a moment ago ({reason}); not trying again yet");
        return Err(match reason.as_str() {
            "transient" => Error::Unavailable(message),
            _ => Error::Unauthorized(message),
        });
    }
    let host_failures: Option<u32> = redis.get(host_failures_key(state, &domain)).await?;
    if host_failures.unwrap_or(0) >= FAILING_AFTER {
        return Err(Error::Unavailable(format!(
            "{domain} has been failing; no keys are fetched from it for now"
        )));
    }
    drop(redis);
    if !spend_budget(state, &domain, Utc::now().timestamp_millis()).await? {
        return Err(Error::Unavailable(format!(
            "too many key fetches from {domain} in the last minute; try again later"
        )));
    }
    Ok(())
}

/// Spends one unit of `domain`'s key-fetch budget at `now_ms` (Unix
/// milliseconds); false when FERRODON_KEY_FETCH_BUDGET fetches were
/// already admitted in the sixty seconds before.
pub async fn spend_budget(state: &AppState, domain: &str, now_ms: i64) -> Result<bool> {
    spend(
        state,
        &budget_key(state, domain),
        state.config.key_fetch_budget,
        now_ms,
    )
    .await
}

/// Spends one unit of the sliding sixty-second budget kept at the Redis key
/// `key` (already prefixed), which admits `limit` units a window; false
/// when it is spent.
pub(super) async fn spend(state: &AppState, key: &str, limit: u32, now_ms: i64) -> Result<bool> {
    let mut redis = state.redis().await?;
    let admitted: i64 = SPEND
        .key(key)
        .arg(now_ms)
        .arg(BUDGET_WINDOW_MS)
        .arg(limit)
        .arg(rand::random::<u64>())
        .invoke_async(&mut *redis)
        .await?;
    Ok(admitted == 1)
}

/// Remembers that fetching the key at `url` failed with `error`. Refusals
/// of our own making (a blocked domain, an internal error) are not failures
/// of the remote host.
pub async fn failed(state: &AppState, url: &str, error: &Error) {
    let transient = match error {
        Error::Unavailable(_) => true,
        Error::Validation(_) | Error::Unauthorized(_) | Error::NotFound => false,
        _ => return,
    };
    if let Err(e) = remember_failure(state, url, transient).await {
        tracing::warn!(%url, error = %e, "could not remember a failed key fetch");
    }
}

async fn remember_failure(state: &AppState, url: &str, transient: bool) -> Result<()> {
    let ttl = state.config.key_fetch_failure_ttl.as_secs().max(1);
    let mut redis = state.redis().await?;
    let reason = if transient { "transient" } else { "permanent" };
    let mut pipe = redis::pipe();
    pipe.set_ex(failed_key(state, url), reason, ttl).ignore();
    if let (true, Some(domain)) = (transient, authority_of(url)) {
        let key = host_failures_key(state, &domain);
        pipe.incr(&key, 1)
            .ignore()
            .expire(&key, i64::try_from(ttl).unwrap_or(i64::MAX))
            .ignore();
    }
    pipe.query_async::<()>(&mut *redis).await?;
    Ok(())
}

fn owner_key(state: &AppState, key_id: &str) -> String {
    state.redis_key(&format!("apub:key_owner:{}", hashed(key_id)))
}

/// The actor a key id without a fragment (GoToSocial's `…/main-key`) was
/// found to belong to, so that its deliveries need no fetch while the
/// actor is fresh.
pub async fn known_owner(state: &AppState, key_id: &str) -> Result<Option<String>> {
    let mut redis = state.redis().await?;
    Ok(redis.get(owner_key(state, key_id)).await?)
}

/// Remembers for a day that `key_id` belongs to `actor_uri` (as fetched).
pub async fn remember_owner(state: &AppState, key_id: &str, actor_uri: &str) -> Result<()> {
    let mut redis = state.redis().await?;
    let _: () = redis
        .set_ex(owner_key(state, key_id), actor_uri, 86_400)
        .await?;
    Ok(())
}

/// Whether the key of the known actor `actor_uri` may be fetched again
/// now (once per [`REFRESH_INTERVAL_SECS`]); claims the turn when it may.
pub async fn may_refresh(state: &AppState, actor_uri: &str) -> Result<bool> {
    let name = format!("apub:key_refreshed:{}", hashed(actor_uri));
    claim(state, &name, REFRESH_INTERVAL_SECS).await
}
