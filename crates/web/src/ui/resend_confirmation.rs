//! `/auth/confirmation/new`: the confirmation e-mail again, for someone
//! who signed up and lost it.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::services::resend_confirmation::resend_confirmation_to_address;
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html, redirect_with_notice};
use super::session::CurrentUser;
use super::{csrf, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/confirmation/new", web::get().to(show))
        .route("/auth/confirmation", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "sign_up/resend_confirmation.html")]
struct ResendPage<'a> {
    chrome: &'a Chrome,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::new(&req, &state, &current).await?;
    html(&chrome, &ResendPage { chrome: &chrome })
}

#[derive(Deserialize)]
struct ResendForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    email: String,
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ResendForm>,
) -> UiResult<HttpResponse> {
    csrf::check_anonymous(&req, &form.authenticity_token)?;
    match resend_confirmation_to_address(&state, &form.email).await {
        Ok(()) | Err(Error::RateLimited) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(redirect_with_notice(
        "/auth/sign_in",
        "If your e-mail address is waiting for confirmation, you will receive a new confirmation link in a few minutes.",
    ))
}
