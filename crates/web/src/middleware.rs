//! Request-wide middleware: the per-token API rate limit with Mastodon's
//! `X-RateLimit-*` headers, and the refusal of addresses under a
//! `no_access` IP block; CORS in [`cors`].
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use ferrodon_core::auth::tokens::digest;
use ferrodon_core::moderation::ip_blocks::{self, Severity};
use ferrodon_core::rate_limit::{self, Usage};
use ferrodon_core::telemetry::LogThrottle;
use ferrodon_core::AppState;

use crate::extract::{bearer, client_ip};
use crate::ApiError;

pub mod cors;

/// Mastodon's API window: 300 requests per 5 minutes.
const WINDOW_SECS: u64 = 300;

fn set_headers(headers: &mut HeaderMap, usage: &Usage) {
    let reset = chrono::DateTime::from_timestamp(usage.reset_at as i64, 0)
        .map(|t| ferrodon_core::entities::timestamp(&t))
        .unwrap_or_default();
    for (name, value) in [
        ("x-ratelimit-limit", usage.limit.to_string()),
        ("x-ratelimit-remaining", usage.remaining.to_string()),
        ("x-ratelimit-reset", reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
}

/// Counts `/api/…` requests per token (or per IP without one) and answers
/// 429 past FERRODON_API_RATE_LIMIT. If Redis cannot be reached the request
/// goes through: the limit protects the server, and refusing every request
/// would turn a Redis hiccup into an outage.
pub async fn api_rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let limit = state.as_ref().map_or(0, |s| s.config.api_rate_limit);
    let (Some(state), true) = (state, limit > 0 && req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let bucket = match bearer(req.request()) {
        Some(token) => format!("api:token:{}", &digest(&token)[..32]),
        None => format!("api:ip:{}", client_ip(req.request())),
    };
    let usage = match rate_limit::hit(&state, &bucket, limit, WINDOW_SECS).await {
        Ok(usage) => usage,
        Err(e) => {
            static THROTTLE: LogThrottle = LogThrottle::per_secs(30);
            if THROTTLE.allow() {
                tracing::warn!(error = %e, "rate limit unavailable; letting requests through (repeats for 30 s at debug)");
            } else {
                tracing::debug!(error = %e, "rate limit unavailable; letting the request through");
            }
            return Ok(next.call(req).await?.map_into_boxed_body());
        }
    };
    if usage.exceeded {
        let mut response = ApiError::Core(ferrodon_core::Error::RateLimited).error_response();
        set_headers(response.headers_mut(), &usage);
        return Ok(req.into_response(response));
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    set_headers(response.headers_mut(), &usage);
    Ok(response)
}

/// Paths that answer whatever the client's address: load balancers' and
/// Prometheus' probes.
const PROBES: &[&str] = &["/health", "/livez", "/readyz", "/metrics"];

/// Answers 403 to every request from an address under a `no_access` IP
/// block. The blocks come from memory (refreshed every few seconds); if
/// they cannot be loaded the request goes through, as with the rate limit.
pub async fn ip_access(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| !PROBES.contains(&req.path())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let ip = client_ip(req.request());
    match ip_blocks::severity_for_text(&state, &ip).await {
        Ok(Some(Severity::NoAccess)) => {
            let response = ApiError::Core(ferrodon_core::Error::Forbidden(
                "This action is not allowed".into(),
            ))
            .error_response();
            Ok(req.into_response(response))
        }
        Ok(_) => Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => {
            static THROTTLE: LogThrottle = LogThrottle::per_secs(30);
            if THROTTLE.allow() {
                tracing::warn!(error = %e, "IP blocks unavailable; letting requests through (repeats for 30 s at debug)");
            } else {
                tracing::debug!(error = %e, "IP blocks unavailable; letting the request through");
            }
            Ok(next.call(req).await?.map_into_boxed_body())
        }
    }
}
