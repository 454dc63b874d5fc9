//! The OAuth consent page for a signed-in browser: which application
//! asks for what, in plain words, with Authorize and Deny buttons (no
//! password; the form carries the session's CSRF token). The routes
//! themselves live in `routes::oauth`, which also keeps the older
//! password-on-the-form path for clients that post credentials.
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::oauth::{AuthorizationRequest, ValidAuthorization};
use ferrodon_core::auth::web_sessions::SignedIn;
use ferrodon_core::AppState;

use super::chrome::Chrome;
use super::render::{html, html_with_status, CSP};
use super::UiResult;

/// One requested permission as the page shows it.
pub struct ScopeLine {
    /// The scope's name, e.g. `read:statuses`.
    pub scope: String,
    /// What it lets the application do.
    pub meaning: String,
}

#[derive(Template)]
#[template(path = "oauth/authorize.html")]
struct ConsentPage<'a> {
    chrome: &'a Chrome,
    app_name: &'a str,
    app_website: Option<&'a str>,
    scopes: Vec<ScopeLine>,
    hidden: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "oauth/result.html")]
struct ResultPage<'a> {
    chrome: &'a Chrome,
    heading: &'a str,
    code: Option<&'a str>,
}

/// What a part of an API area is called on the page.
fn area(name: &str) -> String {
    match name {
        "accounts" => "account information".into(),
        "follows" => "follows".into(),
        "statuses" => "posts".into(),
        "media" => "media attachments".into(),
        "search" => "searches".into(),
        other => other.replace('_', " "),
    }
}

/// A scope in plain words.
pub fn describe_scope(scope: &str) -> String {
    match scope {
        "read" => "Read all your account's data".into(),
        "write" => "Modify all your account's data".into(),
        "follow" => "Follow, block, mute and unfollow accounts".into(),
        "push" => "Receive your push notifications".into(),
        "profile" => "Read only your account's basic profile".into(),
        "admin:read" => "Read all data on the server (moderators only)".into(),
        "admin:write" => "Moderate all data on the server (moderators only)".into(),
        other => {
            if let Some(rest) = other.strip_prefix("admin:read:") {
                format!("Read the server's {} (moderators only)", area(rest))
            } else if let Some(rest) = other.strip_prefix("admin:write:") {
                format!("Act on the server's {} (moderators only)", area(rest))
            } else if let Some(rest) = other.strip_prefix("read:") {
                format!("See your {}", area(rest))
            } else if let Some(rest) = other.strip_prefix("write:") {
                format!("Change your {}", area(rest))
            } else {
                other.into()
            }
        }
    }
}

/// The consent page for a signed-in browser.
pub async fn consent(
    http: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    valid: &ValidAuthorization,
    request: &AuthorizationRequest,
    state_param: Option<&str>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(http, state, Some(signed_in)).await?;
    let scope = valid.scopes.to_string();
    let hidden: Vec<(&'static str, String)> = [
        ("response_type", Some(request.response_type.clone())),
        ("client_id", Some(request.client_id.clone())),
        ("redirect_uri", Some(request.redirect_uri.clone())),
        ("scope", Some(scope)),
        ("state", state_param.map(str::to_owned)),
        ("code_challenge", request.code_challenge.clone()),
        (
            "code_challenge_method",
            request.code_challenge_method.clone(),
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let mut response = html(
        &chrome,
        &ConsentPage {
            chrome: &chrome,
            app_name: &valid.application.name,
            app_website: valid
                .application
                .website
                .as_deref()
                .filter(|w| !w.is_empty()),
            scopes: valid
                .scopes
                .iter()
                .map(|s| ScopeLine {
                    scope: s.as_str().to_owned(),
                    meaning: describe_scope(s.as_str()),
                })
                .collect(),
            hidden,
        },
    )?;
    // The form's answer redirects to the application, which the page's
    // `form-action` must allow or browsers stop the redirect.
    if let Some(source) = redirect_source(&valid.redirect_uri) {
        let policy = CSP.replace(
            "form-action 'self'",
            &format!("form-action 'self' {source}"),
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    Ok(response)
}

/// The CSP source that matches a redirect URI: its origin for http(s),
/// its scheme for an app's own scheme; None for out-of-band.
fn redirect_source(redirect_uri: &str) -> Option<String> {
    let url = url::Url::parse(redirect_uri).ok()?;
    match url.scheme() {
        "urn" => None,
        "http" | "https" => Some(url.origin().ascii_serialization()),
        scheme => Some(format!("{scheme}:")),
    }
}

/// The page shown instead of a redirect for out-of-band clients: the
/// code to copy, or that access was denied.
pub async fn out_of_band(
    http: &HttpRequest,
    state: &AppState,
    signed_in: Option<&SignedIn>,
    code: Option<&str>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(http, state, signed_in).await?;
    let heading = if code.is_some() {
        "Authorization code"
    } else {
        "Authorization denied"
    };
    html_with_status(
        StatusCode::OK,
        &chrome,
        &ResultPage {
            chrome: &chrome,
            heading,
            code,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::{describe_scope, redirect_source};

    #[test]
    fn the_consent_form_may_redirect_to_the_app_only() {
        assert_eq!(
            redirect_source("https://app.example/callback?x=1").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(redirect_source("myapp://oauth").as_deref(), Some("myapp:"));
        assert_eq!(redirect_source("urn:ietf:wg:oauth:2.0:oob"), None);
    }

    #[test]
    fn scopes_read_as_plain_words() {
        assert_eq!(describe_scope("read"), "Read all your account's data");
        assert_eq!(describe_scope("read:statuses"), "See your posts");
        assert_eq!(
            describe_scope("write:media"),
            "Change your media attachments"
        );
        assert_eq!(
            describe_scope("admin:read:accounts"),
            "Read the server's account information (moderators only)"
        );
    }
}
