//! `/auth/sign_in` and `/auth/sign_out`: a browser session from an e-mail
//! (or username) and password, rate-limited per address like the API.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::oauth;
use ferrodon_core::auth::{two_factor, web_sessions};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html, html_with_status, redirect, redirect_with_notice};
use super::return_to::same_origin_path;
use super::session::{self, CurrentUser, SignedInUser};
use super::{csrf, UiResult};
use crate::extract::ClientIp;

/// Where a browser goes after signing in when it came from nowhere: the
/// home timeline, as in Mastodon's web client.
pub const HOME_PATH: &str = super::client::HOME;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/sign_in", web::get().to(show))
        .route("/auth/sign_in", web::post().to(submit))
        .route("/auth/sign_out", web::post().to(sign_out));
}

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage<'a> {
    chrome: &'a Chrome,
    error: Option<&'a str>,
    login: &'a str,
    return_to: Option<String>,
}

#[derive(Deserialize)]
struct ReturnTo {
    return_to: Option<String>,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<ReturnTo>,
) -> UiResult<HttpResponse> {
    let return_to = same_origin_path(query.return_to.as_deref());
    if current.0.is_some() {
        return Ok(redirect(return_to.as_deref().unwrap_or(HOME_PATH)));
    }
    let chrome = Chrome::new(&req, &state, &current).await?;
    html(
        &chrome,
        &SignInPage {
            chrome: &chrome,
            error: None,
            login: "",
            return_to,
        },
    )
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    return_to: Option<String>,
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ip: ClientIp,
    form: web::Form<SignInForm>,
) -> UiResult<HttpResponse> {
    csrf::check_anonymous(&req, &form.authenticity_token)?;
    let return_to = same_origin_path(form.return_to.as_deref());
    let failure = match oauth::sign_in(&state, &form.login, &form.password, &ip.0).await {
        Ok((user, _account)) => {
            if user.confirmed_at.is_none() {
                Some(
                    "Confirm your e-mail address first: follow the link in the e-mail we sent you."
                        .to_owned(),
                )
            } else if !user.approved {
                Some("Your account is waiting for a moderator's approval.".to_owned())
            } else if two_factor::is_enabled(&state, user.id).await? {
                return super::two_factor_sign_in::challenge(&state, user.id, return_to).await;
            } else {
                return start_session(&req, &state, user.id, &ip.0, return_to.as_deref()).await;
            }
        }
        Err(Error::Unauthorized(message)) | Err(Error::Forbidden(message)) => Some(message),
        Err(Error::RateLimited) => Some("Too many attempts. Try again later.".to_owned()),
        Err(e) => return Err(e.into()),
    };
    let chrome = Chrome::for_user(&req, &state, None).await?;
    html_with_status(
        actix_web::http::StatusCode::UNAUTHORIZED,
        &chrome,
        &SignInPage {
            chrome: &chrome,
            error: failure.as_deref(),
            login: &form.login,
            return_to,
        },
    )
}

/// Signs the browser in as `user_id` and sends it on to `return_to` when
/// that is a path on this server (checked here too, for the two-factor
/// step's stored copy), else to [`HOME_PATH`].
pub(super) async fn start_session(
    req: &HttpRequest,
    state: &AppState,
    user_id: i64,
    ip: &str,
    return_to: Option<&str>,
) -> UiResult<HttpResponse> {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (secret, _) = web_sessions::start(state, user_id, user_agent, ip).await?;
    let return_to = same_origin_path(return_to);
    let mut response = redirect(return_to.as_deref().unwrap_or(HOME_PATH));
    response
        .add_cookie(&session::cookie(&secret, !state.config.dev_allow_http))
        .map_err(|e| Error::caused("session cookie", e))?;
    Ok(response)
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    authenticity_token: String,
}

async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<TokenOnly>,
) -> UiResult<HttpResponse> {
    web_sessions::require_csrf(&user.0.session, &form.authenticity_token)?;
    if let Some(cookie) = req.cookie(session::COOKIE) {
        web_sessions::end(&state, cookie.value()).await?;
    }
    let mut response = redirect_with_notice("/", "You have signed out.");
    response
        .add_cookie(&session::removal_cookie())
        .map_err(|e| Error::caused("session cookie", e))?;
    Ok(response)
}
