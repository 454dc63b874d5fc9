//! `/api/v1/notifications/requests`: the senders whose notifications the
//! policy filtered, to accept or dismiss.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::NotificationRequest;
use ferrodon_core::db::queries::notification_requests;
use ferrodon_core::db::Page;
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::notification_requests::{accept_requests, dismiss_requests};
use ferrodon_core::{views, AppState, Error};
use serde_json::{json, Value};

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/notifications/requests", on::get().to(index))
        .route(
            "/api/v1/notifications/requests/merged",
            on::get().to(merged),
        )
        .route(
            "/api/v1/notifications/requests/accept",
            on::post().to(accept_bulk),
        )
        .route(
            "/api/v1/notifications/requests/dismiss",
            on::post().to(dismiss_bulk),
        )
        .route("/api/v1/notifications/requests/{id}", on::get().to(show))
        .route(
            "/api/v1/notifications/requests/{id}/accept",
            on::post().to(accept),
        )
        .route(
            "/api/v1/notifications/requests/{id}/dismiss",
            on::post().to(dismiss),
        );
}

/// Mastodon's NotificationRequest entities (requests whose sender is gone are skipped).
async fn render(
    state: &AppState,
    rows: &[NotificationRequest],
    viewer: i64,
) -> ApiResult<Vec<Value>> {
    let mut conn = state.conn().await?;
    let account_ids = rows.iter().map(|r| r.from_account_id).collect();
    let accounts = views::render_accounts_by_id(&mut conn, &state.config, account_ids).await?;
    let status_ids: Vec<i64> = rows.iter().filter_map(|r| r.last_status_id).collect();
    let visible = views::VisibleStatuses::check(&mut conn, &status_ids, Some(viewer)).await?;
    let statuses = views::render_statuses(&mut conn, &state.config, &visible).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let last_status = r
                .last_status_id
                .and_then(|id| statuses.iter().find(|s| s.id == id.to_string()));
            Some(json!({
                "id": r.id.to_string(),
                "created_at": timestamp(&r.created_at),
                "updated_at": timestamp(&r.updated_at),
                "account": accounts.get(&r.from_account_id)?,
                "notifications_count": r.notifications_count.to_string(),
                "last_status": last_status,
            }))
        })
        .collect())
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = notification_requests::list_requests(&mut conn, me.id, &page).await?;
    drop(conn);
    let keys: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let body = render(&state, &rows, me.id).await?;
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let rows = notification_requests::get_requests(&mut conn, me.id, &[path_id(&path)?]).await?;
    drop(conn);
    let one = render(&state, &rows, me.id).await?.into_iter().next();
    Ok(HttpResponse::Ok().json(one.ok_or(Error::NotFound)?))
}

/// Filtered notifications are kept per request from the start, so there is
/// never a migration to wait for.
async fn merged(auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    auth.0.require_user()?;
    Ok(HttpResponse::Ok().json(json!({ "merged": true })))
}

async fn accept(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    if accept_requests(&state, me.id, &[path_id(&path)?]).await? == 0 {
        return Err(Error::NotFound.into());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    if dismiss_requests(&state, me.id, &[path_id(&path)?]).await? == 0 {
        return Err(Error::NotFound.into());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}

/// `id[]`: the requests to accept; unknown ones are skipped.
async fn accept_bulk(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    accept_requests(&state, me.id, &params.id_list("id")?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// `id[]`: the requests to dismiss; unknown ones are skipped.
async fn dismiss_bulk(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    dismiss_requests(&state, me.id, &params.id_list("id")?).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
