//! Which servers we federate with: instance domain blocks and, in limited
//! federation mode, the allowlist (both checked on every inbound delivery,
//! fetch and outbound delivery), and the delivery failure
//! tracker that stops sending to servers that have been failing for a week,
//! as Mastodon's `DeliveryFailureTracker` does.
use chrono::Utc;
use deadpool_redis::redis::{self, AsyncCommands};
use ferrodon_db::queries::domain_allows;
use ferrodon_db::queries::domain_blocks::{self, DomainBlock};

use crate::authority::authority_of;
use crate::{AppState, Error, Result};

/// Days with failed deliveries after which a domain counts as unavailable.
pub const UNAVAILABLE_AFTER_DAYS: usize = 7;

/// The block that applies to the server of `url` (a URL or a bare domain).
pub async fn block_for(state: &AppState, url: &str) -> Result<Option<DomainBlock>> {
    let domain = authority_of(url).unwrap_or_else(|| url.to_ascii_lowercase());
    let mut conn = state.conn().await?;
    Ok(domain_blocks::find_block_for(&mut conn, &domain).await?)
}

/// Refuses anything from or to a suspended domain, and, in limited
/// federation mode (LIMITED_FEDERATION_MODE), from or to a domain staff
/// have not allowed.
pub async fn ensure_federates_with(state: &AppState, url: &str) -> Result<()> {
    if let Some(block) = block_for(state, url).await? {
        if block.is_suspend() {
            return Err(Error::Forbidden(format!(
                "{} is blocked by this server",
                block.domain
            )));
        }
    }
    if state.config.limited_federation_mode && !is_allowed(state, url).await? {
        let domain = authority_of(url).unwrap_or_else(|| url.to_ascii_lowercase());
        return Err(Error::Forbidden(format!(
            "{domain} is not allowed to federate with this server"
        )));
    }
    Ok(())
}

/// Whether the server of `url` is on the allowlist (or is this server).
async fn is_allowed(state: &AppState, url: &str) -> Result<bool> {
    let domain = authority_of(url).unwrap_or_else(|| url.to_ascii_lowercase());
    if domain == state.config.local_domain.to_ascii_lowercase()
        || domain == state.config.web_domain.to_ascii_lowercase()
    {
        return Ok(true);
    }
    let mut conn = state.conn().await?;
    Ok(domain_allows::find_domain_allow(&mut conn, &domain)
        .await?
        .is_some())
}

fn failures_key(state: &AppState, domain: &str) -> String {
    state.redis_key(&format!("apub:delivery_failures:{domain}"))
}

/// Notes a failed delivery to the server of `url` (one mark per day).
pub async fn record_failure(state: &AppState, url: &str) -> Result<()> {
    record_failure_on(state, url, Utc::now().date_naive()).await
}

/// Notes a failed delivery on a given day.
pub async fn record_failure_on(state: &AppState, url: &str, day: chrono::NaiveDate) -> Result<()> {
    let Some(domain) = authority_of(url) else {
        return Ok(());
    };
    let key = failures_key(state, &domain);
    let mut redis = state.redis().await?;
    let day = day.format("%Y-%m-%d").to_string();
    redis::pipe()
        .sadd(&key, day)
        .ignore()
        .expire(&key, 30 * 86_400)
        .ignore()
        .query_async::<()>(&mut *redis)
        .await?;
    Ok(())
}

/// A delivery (or an inbound request) succeeded: the server is available.
pub async fn record_success(state: &AppState, url: &str) -> Result<()> {
    let Some(domain) = authority_of(url) else {
        return Ok(());
    };
    let mut redis = state.redis().await?;
    let _: () = redis.del(failures_key(state, &domain)).await?;
    Ok(())
}

/// True when deliveries to the server of `url` have failed on
/// [`UNAVAILABLE_AFTER_DAYS`] days without a success since.
pub async fn is_unavailable(state: &AppState, url: &str) -> Result<bool> {
    let Some(domain) = authority_of(url) else {
        return Ok(false);
    };
    let mut redis = state.redis().await?;
    let days: usize = redis.scard(failures_key(state, &domain)).await?;
    Ok(days >= UNAVAILABLE_AFTER_DAYS)
}
