//! `/settings/import`: uploading a Mastodon CSV export (following, blocks,
//! mutes) to apply it here, merged with what is already there.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::require_csrf;
use ferrodon_core::services::import_csv::{import_csv, ImportKind};
use ferrodon_core::{AppState, Error};

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;
use crate::extract::Params;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/import", web::get().to(show))
        .route("/settings/import", web::post().to(submit));
}

#[derive(Template)]
#[template(path = "settings/import.html")]
struct ImportPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    error: Option<&'a str>,
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    user: &SignedInUser,
    status: StatusCode,
    error: Option<&str>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(req, state, Some(&user.0)).await?;
    html_with_status(
        status,
        &chrome,
        &ImportPage {
            chrome: &chrome,
            current_tab: "import",
            error,
        },
    )
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    page(&req, &state, &user, StatusCode::OK, None).await
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    mut params: Params,
) -> UiResult<HttpResponse> {
    require_csrf(
        &user.0.session,
        &params.str("authenticity_token").unwrap_or_default(),
    )?;
    let Some(kind) = params.str("type").as_deref().and_then(ImportKind::parse) else {
        return page(
            &req,
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Choose what the file lists."),
        )
        .await;
    };
    let Some(data) = params.take_file("data").filter(|d| !d.is_empty()) else {
        return page(
            &req,
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Choose a CSV file to upload."),
        )
        .await;
    };
    let text = String::from_utf8_lossy(&data);
    match import_csv(&state, &user.0.account, kind, &text).await {
        Ok(report) => Ok(redirect_with_notice(
            "/settings/import",
            &format!(
                "Import finished: {} imported, {} being looked up on their servers, {} skipped (unknown accounts or not allowed).",
                report.imported, report.queued, report.skipped
            ),
        )),
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ").to_owned();
            page(
                &req,
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
