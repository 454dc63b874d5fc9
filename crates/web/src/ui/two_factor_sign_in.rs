//! `/auth/sign_in/otp`: the second step of signing in for users with
//! two-factor authentication: a code from their app, or a recovery code.
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::two_factor::{self, Challenge, CHALLENGE_SECS};
use ferrodon_core::{rate_limit, AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html, html_with_status, redirect, redirect_with_notice};
use super::sign_in::start_session;
use super::{csrf, UiResult};
use crate::extract::ClientIp;

/// The cookie holding the half-done sign-in.
const COOKIE: &str = "_ferrodon_otp";

/// Wrong codes allowed per user in [`CHALLENGE_SECS`].
const ATTEMPTS: u32 = 10;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/sign_in/otp", web::get().to(show))
        .route("/auth/sign_in/otp", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "two_factor/sign_in.html")]
struct CodePage<'a> {
    chrome: &'a Chrome,
    error: Option<&'a str>,
}

fn challenge_cookie(secret: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, secret.to_owned())
        .path("/auth/sign_in")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(CHALLENGE_SECS as i64))
        .finish()
}

fn removal_cookie() -> Cookie<'static> {
    let mut gone = Cookie::new(COOKIE, "");
    gone.set_path("/auth/sign_in");
    gone.make_removal();
    gone
}

/// After the right password of a user with two-factor sign-in: remember
/// them for a few minutes and ask for the code.
pub(super) async fn challenge(
    state: &AppState,
    user_id: i64,
    return_to: Option<String>,
) -> UiResult<HttpResponse> {
    let secret = two_factor::start_challenge(state, &Challenge { user_id, return_to }).await?;
    let mut response = redirect("/auth/sign_in/otp");
    response
        .add_cookie(&challenge_cookie(&secret, !state.config.dev_allow_http))
        .map_err(|e| Error::caused("otp cookie", e))?;
    Ok(response)
}

async fn open_challenge(
    req: &HttpRequest,
    state: &AppState,
) -> UiResult<Option<(String, Challenge)>> {
    let Some(cookie) = req.cookie(COOKIE) else {
        return Ok(None);
    };
    let secret = cookie.value().to_owned();
    Ok(two_factor::find_challenge(state, &secret)
        .await?
        .map(|c| (secret, c)))
}

async fn show(req: HttpRequest, state: web::Data<AppState>) -> UiResult<HttpResponse> {
    if open_challenge(&req, &state).await?.is_none() {
        return Ok(redirect("/auth/sign_in"));
    }
    let chrome = Chrome::for_user(&req, &state, None).await?;
    html(
        &chrome,
        &CodePage {
            chrome: &chrome,
            error: None,
        },
    )
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    code: String,
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ip: ClientIp,
    form: web::Form<CodeForm>,
) -> UiResult<HttpResponse> {
    csrf::check_anonymous(&req, &form.authenticity_token)?;
    let Some((secret, challenge)) = open_challenge(&req, &state).await? else {
        return Ok(redirect_with_notice(
            "/auth/sign_in",
            "That took too long: sign in again.",
        ));
    };
    let limited = rate_limit::check(
        &state,
        &format!("otp:{}", challenge.user_id),
        ATTEMPTS,
        CHALLENGE_SECS,
    )
    .await;
    let error = match limited {
        Err(Error::RateLimited) => Some("Too many attempts. Try again later."),
        Err(e) => return Err(e.into()),
        Ok(()) if two_factor::verify(&state, challenge.user_id, &form.code).await? => None,
        Ok(()) => Some("Invalid two-factor code."),
    };
    if let Some(error) = error {
        let chrome = Chrome::for_user(&req, &state, None).await?;
        return html_with_status(
            StatusCode::UNAUTHORIZED,
            &chrome,
            &CodePage {
                chrome: &chrome,
                error: Some(error),
            },
        );
    }
    two_factor::end_challenge(&state, &secret).await?;
    let mut response = start_session(
        &req,
        &state,
        challenge.user_id,
        &ip.0,
        challenge.return_to.as_deref(),
    )
    .await?;
    response
        .add_cookie(&removal_cookie())
        .map_err(|e| Error::caused("otp cookie", e))?;
    Ok(response)
}
