//! `/settings/sessions` (the browsers signed in, with a revoke button
//! each) and `/oauth/authorized_applications` (the apps holding tokens,
//! with a revoke button each).
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use ferrodon_core::auth::web_sessions::require_csrf;
use ferrodon_core::db::queries::web_sessions;
use ferrodon_core::services::authorized_applications;
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use super::chrome::Chrome;
use super::oauth_consent::describe_scope;
use super::render::{html, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings/sessions", web::get().to(sessions))
        .route(
            "/settings/sessions/{id}/revoke",
            web::post().to(revoke_session),
        )
        .route(
            "/oauth/authorized_applications",
            web::get().to(applications),
        )
        .route(
            "/oauth/authorized_applications/{id}/revoke",
            web::post().to(revoke_application),
        );
}

struct SessionRow {
    id: i64,
    browser: String,
    ip: String,
    last_active: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "settings/sessions.html")]
struct SessionsPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    sessions: Vec<SessionRow>,
}

struct AppRow {
    id: i64,
    name: String,
    website: Option<String>,
    permissions: Vec<String>,
    authorized: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "settings/authorized_applications.html")]
struct ApplicationsPage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    applications: Vec<AppRow>,
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A short name for the browser and system in a User-Agent.
pub fn browser_name(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("Unknown browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| *name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

async fn sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    let mut conn = state.conn().await?;
    let rows = web_sessions::list_web_sessions(&mut conn, user.0.user.id).await?;
    drop(conn);
    let sessions = rows
        .into_iter()
        .map(|s| SessionRow {
            current: s.id == user.0.session.id,
            id: s.id,
            browser: browser_name(&s.user_agent),
            ip: s.ip,
            last_active: when(s.last_active_at),
        })
        .collect();
    html(
        &chrome,
        &SessionsPage {
            chrome: &chrome,
            current_tab: "sessions",
            sessions,
        },
    )
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    authenticity_token: String,
}

async fn revoke_session(
    state: web::Data<AppState>,
    user: SignedInUser,
    id: web::Path<i64>,
    form: web::Form<TokenOnly>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    let mut conn = state.conn().await?;
    if !web_sessions::delete_web_session(&mut conn, user.0.user.id, id.into_inner()).await? {
        return Err(Error::NotFound.into());
    }
    Ok(redirect_with_notice(
        "/settings/sessions",
        "The session has been signed out.",
    ))
}

async fn applications(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    let applications = authorized_applications::list(&state, user.0.user.id)
        .await?
        .into_iter()
        .map(|a| AppRow {
            id: a.application.id,
            name: a.application.name,
            website: a.application.website.filter(|w| !w.is_empty()),
            permissions: a.scopes.iter().map(|s| describe_scope(s)).collect(),
            authorized: when(a.authorized_at),
            last_used: a.last_used_at.map_or_else(|| "Never".to_owned(), when),
        })
        .collect();
    html(
        &chrome,
        &ApplicationsPage {
            chrome: &chrome,
            current_tab: "apps",
            applications,
        },
    )
}

async fn revoke_application(
    state: web::Data<AppState>,
    user: SignedInUser,
    id: web::Path<i64>,
    form: web::Form<TokenOnly>,
) -> UiResult<HttpResponse> {
    require_csrf(&user.0.session, &form.authenticity_token)?;
    authorized_applications::revoke(&state, user.0.user.id, id.into_inner()).await?;
    Ok(redirect_with_notice(
        "/oauth/authorized_applications",
        "The application no longer has access to your account.",
    ))
}
