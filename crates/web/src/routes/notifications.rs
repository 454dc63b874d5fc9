//! `/api/v1/notifications…`.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::Notification as Row;
use ferrodon_core::db::queries::notifications::{self, NotificationFilter};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::entities::notification::Notification;
use ferrodon_core::{views, AppState, Error};
use serde_json::json;

use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/notifications", on::get().to(index))
        .route("/api/v1/notifications/clear", on::post().to(clear))
        .route("/api/v1/notifications/{id}", on::get().to(show))
        .route("/api/v1/notifications/{id}/dismiss", on::post().to(dismiss));
}

async fn render(state: &AppState, rows: &[Row], viewer: i64) -> ApiResult<Vec<Notification>> {
    let mut conn = state.conn().await?;
    Ok(views::render_notifications(&mut conn, &state.config, rows, viewer).await?)
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
    let filter = filter_from(&params)?;
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
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let row = notifications::get_notification(&mut conn, AccountId::new(me.id), id).await?;
    drop(conn);
    let body = render(&state, &[row], me.id).await?;
    let one = body.into_iter().next().ok_or(Error::NotFound)?;
    Ok(HttpResponse::Ok().json(one))
}

async fn clear(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
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
    dismiss_one(&state, &auth, path_id(&path)?).await
}

/// Deletes one of the user's notifications (404 when it is not theirs).
async fn dismiss_one(state: &AppState, auth: &Auth, id: i64) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    if !notifications::delete_notification(&mut conn, AccountId::new(me.id), id).await? {
        return Err(Error::NotFound.into());
    }
    Ok(HttpResponse::Ok().json(json!({})))
}

/// `types[]`, `exclude_types[]`, `account_id` and `include_filtered` of a
/// notifications request.
pub(super) fn filter_from(params: &Params) -> ApiResult<NotificationFilter> {
    Ok(NotificationFilter {
        types: params.list("types"),
        exclude_types: params.list("exclude_types"),
        from_account_id: params.id("account_id")?,
        include_filtered: params.bool("include_filtered").unwrap_or(false),
    })
}
