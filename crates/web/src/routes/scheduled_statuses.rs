//! `/api/v1/scheduled_statuses…`: the signed-in user's statuses waiting to be posted.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::media;
use ferrodon_core::db::queries::scheduled_statuses::{self, ScheduledStatus};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::entities::scheduled_status::render;
use ferrodon_core::services::schedule_status::{parse_scheduled_at, reschedule, unschedule};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/scheduled_statuses", on::get().to(index))
        .route("/api/v1/scheduled_statuses/{id}", on::get().to(show))
        .route("/api/v1/scheduled_statuses/{id}", on::put().to(update))
        .route("/api/v1/scheduled_statuses/{id}", on::delete().to(destroy));
}

/// Renders scheduled statuses with their reserved uploads.
async fn render_all(state: &AppState, rows: &[ScheduledStatus]) -> ApiResult<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut conn = state.conn().await?;
    let media = media::media_of_scheduled_statuses(&mut conn, &ids).await?;
    Ok(rows
        .iter()
        .map(|row| render(&state.config, row, &media))
        .collect())
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let rows = scheduled_statuses::list_scheduled_statuses(&mut conn, me.id, &page).await?;
    drop(conn);
    let body = render_all(&state, &rows).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&ids)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let row =
        scheduled_statuses::get_scheduled_status(&mut conn, AccountId::new(me.id), id).await?;
    drop(conn);
    let body = render_all(&state, std::slice::from_ref(&row)).await?;
    Ok(HttpResponse::Ok().json(&body[0]))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let Some(raw) = params.nonempty("scheduled_at") else {
        return Err(Error::validation("Scheduled at can't be blank").into());
    };
    let row = reschedule(&state, me.id, id, parse_scheduled_at(&raw)?).await?;
    let body = render_all(&state, std::slice::from_ref(&row)).await?;
    Ok(HttpResponse::Ok().json(&body[0]))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    unschedule(&state, me.id, id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
