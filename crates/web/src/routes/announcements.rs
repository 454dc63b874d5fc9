//! `/api/v1/announcements…`: the instance's announcements, their
//! dismissal and emoji reactions.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::announcements;
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::announcements::list_announcements;
use ferrodon_core::db::AccountId;
use ferrodon_core::AppState;
use serde_json::json;

use super::path_id;
use crate::error::ApiResult;
use crate::extract::Auth;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/announcements", on::get().to(index))
        .route("/api/v1/announcements/{id}/dismiss", on::post().to(dismiss))
        .route(
            "/api/v1/announcements/{id}/reactions/{name}",
            on::put().to(react),
        )
        .route(
            "/api/v1/announcements/{id}/reactions/{name}",
            on::delete().to(unreact),
        );
}

/// Published announcements, chronologically, with the user's `read` and `me`.
async fn index(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let rows = list_announcements(&mut conn, true).await?;
    let body = announcements::render(&mut conn, &state.config, &rows, Some(me.id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    announcements::published(&mut conn, id).await?;
    ferrodon_core::db::queries::announcements::dismiss_announcement(
        &mut conn,
        AccountId::new(me.id),
        id,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The signed-in account and the announcement id of a reaction request.
fn reaction_target(auth: &Auth, raw_id: &str) -> ApiResult<(i64, i64)> {
    auth.0.require_scope(&[Scope::WriteFavourites])?;
    let (_, me) = auth.0.require_user()?;
    Ok((me.id, path_id(raw_id)?))
}

async fn react(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (me, id) = reaction_target(&auth, &path.0)?;
    announcements::react(&state, me, id, &path.1).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn unreact(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (me, id) = reaction_target(&auth, &path.0)?;
    announcements::unreact(&state, me, id, &path.1).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
