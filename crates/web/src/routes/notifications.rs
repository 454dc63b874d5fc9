//! `/api/v1/notifications…`.
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::db::models::Notification as Row;
use ferrodon_core::db::queries::accounts;
use ferrodon_core::db::queries::notifications::{self, NotificationFilter};
use ferrodon_core::db::Page;
use ferrodon_core::entities::notification::Notification;
use ferrodon_core::entities::{account, timestamp};
use ferrodon_core::{views, AppState, Error};
use serde_json::json;

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/notifications", web::get().to(index))
        .route("/api/v1/notifications/clear", web::post().to(clear))
        .route("/api/v1/notifications/{id}", web::get().to(show))
        .route(
            "/api/v1/notifications/{id}/dismiss",
            web::post().to(dismiss),
        );
}

async fn render(state: &AppState, rows: &[Row], viewer: i64) -> ApiResult<Vec<Notification>> {
    let mut conn = state.conn().await?;
    let mut from_ids: Vec<i64> = rows.iter().map(|n| n.from_account_id).collect();
    from_ids.dedup();
    let from: HashMap<i64, account::Account> = accounts::get_accounts_by_ids(&mut conn, &from_ids)
        .await?
        .iter()
        .map(|a| (a.id, account::render(&state.config, a)))
        .collect();
    let status_ids: Vec<i64> = rows.iter().filter_map(|n| n.status_id).collect();
    let statuses: HashMap<String, _> =
        views::render_statuses(&mut conn, &state.config, &status_ids, Some(viewer))
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
    Ok(rows
        .iter()
        .filter_map(|n| {
            let status = match n.status_id {
                Some(id) => Some(statuses.get(&id.to_string())?.clone()),
                None => None,
            };
            Some(Notification {
                id: n.id.to_string(),
                kind: n.kind.clone(),
                created_at: timestamp(&n.created_at),
                group_key: format!("ungrouped-{}", n.id),
                account: from.get(&n.from_account_id)?.clone(),
                status,
            })
        })
        .collect())
}

async fn index(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let filter = NotificationFilter {
        types: params.list("types"),
        exclude_types: params.list("exclude_types"),
        from_account_id: params.id("account_id")?,
    };
    let mut conn = state.conn().await?;
    let rows = notifications::list_notifications(&mut conn, me.id, &filter, &page).await?;
    drop(conn);
    let keys: Vec<i64> = rows.iter().map(|n| n.id).collect();
    let body = render(&state, &rows, me.id).await?;
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let row = notifications::get_notification(&mut conn, me.id, id).await?;
    drop(conn);
    let body = render(&state, &[row], me.id).await?;
    let one = body.into_iter().next().ok_or(Error::NotFound)?;
    Ok(HttpResponse::Ok().json(one))
}

async fn clear(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["write:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    notifications::clear_notifications(&mut conn, me.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["write:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    if !notifications::delete_notification(&mut conn, me.id, id).await? {
        return Err(Error::NotFound.into());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}
