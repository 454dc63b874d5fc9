//! `/settings/otp_authentication`: turning two-factor sign-in on (secret
//! and `otpauth://` URI shown as text, confirmed with a code, ten
//! recovery codes shown once) and off (with a code).
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::two_factor::{self, PendingSetup};
use ferrodon_core::auth::web_sessions::{require_csrf, SignedIn};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;

const PATH: &str = "/settings/otp_authentication";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(begin))
        .route(
            "/settings/otp_authentication/confirm",
            web::post().to(confirm),
        )
        .route(
            "/settings/otp_authentication/disable",
            web::post().to(disable),
        );
}

#[derive(Template)]
#[template(path = "two_factor/settings.html")]
struct SettingsPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    enabled: bool,
    pending: Option<PendingSetup>,
    recovery_codes: Vec<String>,
    error: Option<String>,
}

fn label(signed_in: &SignedIn) -> String {
    signed_in.account.username.clone()
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    recovery_codes: Vec<String>,
    error: Option<String>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    let enabled = two_factor::is_enabled(state, signed_in.user.id).await?;
    let pending = if enabled {
        None
    } else {
        two_factor::pending_setup(state, signed_in.user.id, &label(signed_in)).await?
    };
    html_with_status(
        status,
        &chrome,
        &SettingsPage {
            chrome: &chrome,
            current_tab: "otp",
            enabled,
            pending,
            recovery_codes,
            error,
        },
    )
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    page(&req, &state, &user.0, StatusCode::OK, Vec::new(), None).await
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    code: String,
}

async fn begin(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<CodeForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    two_factor::begin_setup(&state, user.0.user.id, &label(&user.0)).await?;
    page(&req, &state, &user.0, StatusCode::OK, Vec::new(), None).await
}

async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<CodeForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match two_factor::confirm_setup(&state, user.0.user.id, &form.code).await {
        Ok(codes) => page(&req, &state, &user.0, StatusCode::OK, codes, None).await,
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ").to_owned();
            page(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Vec::new(),
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<CodeForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match two_factor::disable(&state, user.0.user.id, &form.code).await {
        Ok(()) => Ok(redirect_with_notice(
            PATH,
            "Two-factor authentication is now off.",
        )),
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ").to_owned();
            page(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Vec::new(),
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
