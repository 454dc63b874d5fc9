//! `/settings/delete`: deleting one's own account, with the password.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::require_csrf;
use ferrodon_core::services::delete_own_account::delete_own_account;
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::{self, SignedInUser};
use super::UiResult;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/delete", web::get().to(show))
        .route("/settings/delete", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "settings/delete.html")]
struct DeletePage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    error: Option<&'a str>,
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html_with_status(
        StatusCode::OK,
        &chrome,
        &DeletePage {
            chrome: &chrome,
            current_tab: "delete",
            error: None,
        },
    )
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    authenticity_token: String,
    #[serde(default)]
    password: String,
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    form: web::Form<DeleteForm>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    match delete_own_account(&state, &user.0.user, &user.0.account, &form.password).await {
        Ok(()) => {
            let mut response = redirect_with_notice("/", "Your account has been deleted.");
            response
                .add_cookie(&session::removal_cookie())
                .map_err(|e| Error::caused("session cookie", e))?;
            Ok(response)
        }
        Err(Error::Validation(message)) => {
            let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
            html_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &chrome,
                &DeletePage {
                    chrome: &chrome,
                    current_tab: "delete",
                    error: Some(message.trim_start_matches("Validation failed: ")),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
