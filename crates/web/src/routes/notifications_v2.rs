//! `/api/v2/notifications` (Mastodon 4.3 grouped notifications) and the
//! unread counts.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::NotificationKind;
use ferrodon_core::db::queries::markers::list_markers;
use ferrodon_core::db::queries::notifications;
use ferrodon_core::db::Page;
use ferrodon_core::notification_groups::{self, ExpandAccounts, Groups, PageRange};
use ferrodon_core::services::notify::GROUPABLE_KINDS;
use ferrodon_core::{views, AppState, Error};
use serde_json::json;

use super::json_page;
use super::notifications::filter_from;
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

/// Most notifications (or groups) counted for an unread count, as Mastodon caps it.
const UNREAD_CAP: i64 = 1000;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v2/notifications", on::get().to(index))
        .route(
            "/api/v2/notifications/unread_count",
            on::get().to(unread_count_v2),
        )
        .route(
            "/api/v1/notifications/unread_count",
            on::get().to(unread_count_v1),
        )
        .route("/api/v2/notifications/{group_key}", on::get().to(show))
        .route(
            "/api/v2/notifications/{group_key}/accounts",
            on::get().to(accounts),
        )
        .route(
            "/api/v2/notifications/{group_key}/dismiss",
            on::post().to(dismiss),
        );
}

/// `grouped_types[]`: the groupable types to group (all when absent).
fn grouped_types(params: &Params) -> Vec<NotificationKind> {
    let asked = params.list("grouped_types");
    GROUPABLE_KINDS
        .iter()
        .copied()
        .filter(|kind| asked.is_empty() || asked.iter().any(|a| a == kind.as_str()))
        .collect()
}

/// `expand_accounts`: `full` (the default) or `partial_avatars`.
fn expand_accounts(params: &Params) -> ApiResult<ExpandAccounts> {
    match params.str("expand_accounts").as_deref() {
        None | Some("full") => Ok(ExpandAccounts::Full),
        Some("partial_avatars") => Ok(ExpandAccounts::PartialAvatars),
        Some(other) => Err(Error::BadRequest(format!(
            "Invalid value for 'expand_accounts': '{other}', allowed values are 'full' and 'partial_avatars'"
        ))
        .into()),
    }
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
    let grouped = grouped_types(&params);
    let expand = expand_accounts(&params)?;
    let mut conn = state.conn().await?;
    let heads = notifications::list_notification_groups(
        &mut conn,
        me.id,
        &filter_from(&params)?,
        &grouped,
        &page,
    )
    .await?;
    let groups = Groups {
        heads: &heads,
        grouped_types: &grouped,
        range: Some(PageRange::of(&heads, &page)),
        expand,
    };
    let body = notification_groups::render(&mut conn, &state.config, me.id, &groups).await?;
    let keys: Vec<i64> = heads.iter().map(|n| n.id).collect();
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
    let head = notifications::get_group_head(&mut conn, me.id, &path).await?;
    let grouped = GROUPABLE_KINDS.to_vec();
    let groups = Groups {
        heads: std::slice::from_ref(&head),
        grouped_types: &grouped,
        range: None,
        expand: ExpandAccounts::Full,
    };
    let body = notification_groups::render(&mut conn, &state.config, me.id, &groups).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The senders of a group's notifications, newest first, paged by notification.
async fn accounts(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = notifications::list_group_notifications(&mut conn, me.id, &path, &page).await?;
    let ids: Vec<i64> = rows.iter().map(|n| n.from_account_id).collect();
    let rendered = views::render_accounts_by_id(&mut conn, &state.config, ids.clone()).await?;
    let body: Vec<_> = ids.iter().filter_map(|id| rendered.get(id)).collect();
    let keys: Vec<i64> = rows.iter().map(|n| n.id).collect();
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

/// Deletes every notification of the group (nothing to delete is fine, as in Mastodon).
async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    notifications::delete_group(&mut conn, me.id, &path).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The page an unread count walks: newer than the user's `notifications`
/// marker (everything without one), `limit` at most.
async fn unread_page(state: &AppState, account_id: i64, params: &Params) -> ApiResult<Page> {
    let limit = params.i64("limit")?.unwrap_or(100).clamp(1, UNREAD_CAP);
    let mut conn = state.conn().await?;
    let marker = list_markers(&mut conn, account_id, &["notifications".to_owned()]).await?;
    let since = marker.first().map(|m| m.last_read_id);
    Ok(Page::new(None, None, since, Some(limit), limit, UNREAD_CAP))
}

/// Unread notifications, capped.
async fn unread_count_v1(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let page = unread_page(&state, me.id, &params).await?;
    let mut conn = state.conn().await?;
    let rows =
        notifications::list_notifications(&mut conn, me.id, &filter_from(&params)?, &page).await?;
    Ok(HttpResponse::Ok().json(json!({ "count": rows.len() })))
}

/// Unread notification groups (`grouped_types[]` as for the list), capped.
async fn unread_count_v2(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let page = unread_page(&state, me.id, &params).await?;
    let mut conn = state.conn().await?;
    let rows = notifications::list_notification_groups(
        &mut conn,
        me.id,
        &filter_from(&params)?,
        &grouped_types(&params),
        &page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "count": rows.len() })))
}
