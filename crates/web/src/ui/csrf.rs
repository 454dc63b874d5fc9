//! Cross-site request forgery tokens. A signed-in browser's forms carry
//! its session's token; forms shown before signing in (sign-in, sign-up,
//! password reset) carry a random token that must match a cookie of its
//! own (double submit). Session cookies are also `SameSite=Lax`.
use actix_web::cookie::{Cookie, SameSite};
use actix_web::HttpRequest;
use ferrodon_core::auth::tokens::{constant_time_eq, random_token};

use super::render::UiError;

/// The anonymous token's cookie.
pub const COOKIE: &str = "_ferrodon_csrf";

/// The form field every state-changing form carries.
pub const FIELD: &str = "authenticity_token";

/// The anonymous token of this browser, and whether it is new (so the
/// response must set its cookie).
pub fn anonymous_token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(COOKIE) {
        Some(c) if (20..=100).contains(&c.value().len()) => (c.value().to_owned(), false),
        _ => (random_token(), true),
    }
}

/// The cookie that holds an anonymous token.
pub fn cookie(token: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// Refuses a pre-sign-in form whose token does not match its cookie.
pub fn check_anonymous(req: &HttpRequest, submitted: &str) -> Result<(), UiError> {
    match req.cookie(COOKIE) {
        Some(c) if constant_time_eq(c.value().as_bytes(), submitted.as_bytes()) => Ok(()),
        _ => Err(stale_form()),
    }
}

/// The error for a form with a missing or wrong token.
pub fn stale_form() -> UiError {
    UiError::Status(
        actix_web::http::StatusCode::FORBIDDEN,
        "This form has expired. Go back, reload the page and try again.".into(),
    )
}
