//! Turning templates, redirects and errors into responses, with the
//! headers every page gets (no framing, no caching, a strict CSP).
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError};
use askama::Template;
use ferrodon_core::Error;

use super::chrome::Chrome;
use super::csrf;

/// The cookie carrying a one-time notice to the next page.
const NOTICE_COOKIE: &str = "_ferrodon_notice";

/// Content-Security-Policy of every page: our stylesheet and images only,
/// no script, forms post back here.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; \
     media-src 'self' https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// Go elsewhere (sign in first, say).
    #[error("redirect to {0}")]
    Redirect(String),
    /// A page explaining the problem, with this status.
    #[error("{1}")]
    Status(StatusCode, String),
    /// A service error.
    #[error(transparent)]
    Core(#[from] Error),
}

impl From<ferrodon_core::db::Error> for UiError {
    fn from(e: ferrodon_core::db::Error) -> Self {
        UiError::Core(e.into())
    }
}

impl From<askama::Error> for UiError {
    fn from(e: askama::Error) -> Self {
        UiError::Core(Error::caused("template", e))
    }
}

/// Result of a page handler.
pub type UiResult<T> = Result<T, UiError>;

impl ResponseError for UiError {
    fn status_code(&self) -> StatusCode {
        match self {
            UiError::Redirect(_) => StatusCode::SEE_OTHER,
            UiError::Status(status, _) => *status,
            UiError::Core(e) => crate::error::status_of(e),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let UiError::Redirect(to) = self {
            return redirect(to);
        }
        let status = self.status_code();
        let message = match self {
            UiError::Status(_, message) => message.clone(),
            UiError::Redirect(to) => format!("See {to}"),
            UiError::Core(e) if e.is_internal() => {
                crate::error::log_internal(e, "internal error on a page");
                "Something went wrong on our side. Try again in a moment.".into()
            }
            UiError::Core(Error::Unavailable(_)) => {
                "The server is briefly unavailable. Try again in a moment.".into()
            }
            UiError::Core(Error::NotFound) => "The page you are looking for isn't here.".into(),
            UiError::Core(Error::RateLimited) => "Too many attempts. Try again later.".into(),
            UiError::Core(e) => e.to_string(),
        };
        let page = ErrorPage {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        secured(HttpResponse::build(status)).body(body)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

fn secured(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", CSP))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// A page: the rendered template with the security headers, and the
/// cookies the layout asked for (a new anonymous CSRF token, a notice
/// that has been shown).
pub fn html<T: Template>(chrome: &Chrome, page: &T) -> UiResult<HttpResponse> {
    html_with_status(StatusCode::OK, chrome, page)
}

/// [`html`] with another status (422 for a form with errors).
pub fn html_with_status<T: Template>(
    status: StatusCode,
    chrome: &Chrome,
    page: &T,
) -> UiResult<HttpResponse> {
    let body = page.render()?;
    let mut builder = secured(HttpResponse::build(status));
    if let Some(token) = &chrome.new_csrf_cookie {
        builder.cookie(csrf::cookie(token, chrome.secure_cookies));
    }
    if chrome.clear_notice {
        let mut gone = Cookie::new(NOTICE_COOKIE, "");
        gone.set_path("/");
        gone.make_removal();
        builder.cookie(gone);
    }
    Ok(builder.body(body))
}

/// A 303 to `to` (a path on this server).
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// A 303 to `to` whose page shows `notice` once.
pub fn redirect_with_notice(to: &str, notice: &str) -> HttpResponse {
    let encoded: String = url::form_urlencoded::byte_serialize(notice.as_bytes()).collect();
    let cookie = Cookie::build(NOTICE_COOKIE, encoded)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(120))
        .finish();
    let mut response = redirect(to);
    // A notice is plain text; failing to attach it only loses the message.
    let _ = response.add_cookie(&cookie);
    response
}

/// The notice left by the previous response, if any.
pub fn take_notice(req: &HttpRequest) -> Option<String> {
    let raw = req.cookie(NOTICE_COOKIE)?;
    let text: String = url::form_urlencoded::parse(format!("n={}", raw.value()).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    let text: String = text.chars().take(300).collect();
    (!text.is_empty()).then_some(text)
}
