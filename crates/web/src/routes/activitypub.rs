//! ActivityPub GET endpoints: actors (with content negotiation against the
//! HTML pages), statuses, outboxes, collections and the instance actor.
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::federation::{documents, instance_actor, publish};
use ferrodon_core::{AppState, Error};
use serde::Deserialize;

use crate::error::ApiResult;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/actor", web::get().to(instance))
        .route("/users/{username}", web::get().to(actor))
        .route("/users/{username}/outbox", web::get().to(outbox))
        .route("/users/{username}/followers", web::get().to(followers))
        .route("/users/{username}/following", web::get().to(following))
        .route(
            "/users/{username}/collections/featured",
            web::get().to(featured),
        )
        .route("/users/{username}/statuses/{id}", web::get().to(status))
        .route(
            "/users/{username}/statuses/{id}/activity",
            web::get().to(status_activity),
        );
}

/// True when the client asks for ActivityPub JSON rather than HTML.
pub fn wants_activity_json(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("Accept")
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

/// An ActivityPub JSON answer.
pub fn activity_json(body: &serde_json::Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/activity+json; charset=utf-8")
        .insert_header(("Vary", "Accept"))
        .insert_header(("Cache-Control", "max-age=180, public"))
        .json(body)
}

fn found(document: Option<serde_json::Value>) -> ApiResult<HttpResponse> {
    document
        .map(|d| activity_json(&d))
        .ok_or_else(|| Error::NotFound.into())
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("Location", to))
        .insert_header(("Vary", "Accept"))
        .finish()
}

async fn instance(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let account = instance_actor::instance_actor(&state).await?;
    Ok(activity_json(&documents::instance_actor(
        &state.config,
        &account,
    )))
}

async fn actor(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !wants_activity_json(&req) {
        return Ok(redirect(format!("{}/@{path}", state.config.base_url())));
    }
    found(publish::actor(&state, &path).await?)
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

async fn outbox(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    found(publish::outbox(&state, &path, query.page.is_some()).await?)
}

async fn followers(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    found(publish::relationships(&state, &path, true, query.page.is_some()).await?)
}

async fn following(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    found(publish::relationships(&state, &path, false, query.page.is_some()).await?)
}

async fn featured(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    found(publish::featured(&state, &path).await?)
}

async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (username, raw_id) = path.into_inner();
    let id: i64 = raw_id.parse().map_err(|_| Error::NotFound)?;
    if !wants_activity_json(&req) {
        return Ok(redirect(format!(
            "{}/@{username}/{id}",
            state.config.base_url()
        )));
    }
    found(publish::status(&state, &username, id, false).await?)
}

async fn status_activity(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (username, raw_id) = path.into_inner();
    let id: i64 = raw_id.parse().map_err(|_| Error::NotFound)?;
    found(publish::status(&state, &username, id, true).await?)
}
