//! `/settings/export`: the user's follows, blocks, mutes and domain
//! blocks as Mastodon-compatible CSV downloads, and an archive of their
//! posts.
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::services::export_csv::{export_csv, FILES};
use ferrodon_core::AppState;

use super::chrome::Chrome;
use super::render::html;
use super::session::SignedInUser;
use super::UiResult;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/export", web::get().to(show))
        .route("/settings/export/archive", web::get().to(archive))
        .route("/settings/exports/{file}", web::get().to(download));
}

#[derive(Template)]
#[template(path = "settings/export.html")]
struct ExportPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    files: &'a [&'a str],
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &ExportPage {
            chrome: &chrome,
            current_tab: "export",
            files: FILES,
        },
    )
}

/// The archive of the user's posts (`actor.json` and `outbox.json`).
async fn archive(state: web::Data<AppState>, user: SignedInUser) -> UiResult<HttpResponse> {
    let body =
        ferrodon_core::services::export_archive::build_archive(&state, &user.0.account).await?;
    let name = format!(
        "archive-{}-{}.tar.gz",
        user.0.account.username,
        chrono::Utc::now().format("%Y%m%d")
    );
    Ok(HttpResponse::Ok()
        .content_type("application/gzip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body))
}

async fn download(
    state: web::Data<AppState>,
    user: SignedInUser,
    file: web::Path<String>,
) -> UiResult<HttpResponse> {
    let body = export_csv(&state, user.0.account.id, &file).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.as_str()),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body))
}
