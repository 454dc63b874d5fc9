//! `/api/v2/notifications` (Mastodon 4.3 grouped notifications), unread
//! counts and the notification policy.
//!
//! Ferrodon does not merge notifications yet: every notification is its own
//! group (`group_key` "ungrouped-<id>"), which Mastodon's API allows and
//! clients render correctly.
use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::db::queries::markers::list_markers;
use ferrodon_core::db::queries::notifications;
use ferrodon_core::db::Page;
use ferrodon_core::{views, AppState, Error};
use serde_json::{json, Value};

use super::notifications::filter_from;
use super::{json_page, path_id};
use crate::error::ApiResult;
use crate::extract::{page_from, Auth, Params};

/// Most notifications counted for an unread count, as Mastodon caps it.
const UNREAD_CAP: i64 = 1000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v2/notifications", web::get().to(index))
        .route(
            "/api/v2/notifications/unread_count",
            web::get().to(unread_count),
        )
        .route(
            "/api/v1/notifications/unread_count",
            web::get().to(unread_count),
        )
        .route("/api/v2/notifications/policy", web::get().to(policy))
        .route("/api/v1/notifications/requests", web::get().to(requests))
        .route("/api/v2/notifications/{group_key}", web::get().to(show))
        .route(
            "/api/v2/notifications/{group_key}/dismiss",
            web::post().to(dismiss),
        );
}

/// Builds the grouped response: one group per notification, with the
/// accounts and statuses it references listed once.
async fn grouped(
    state: &AppState,
    rows: &[ferrodon_core::db::models::Notification],
    viewer: i64,
) -> ApiResult<Value> {
    let mut conn = state.conn().await?;
    let rendered = views::render_notifications(&mut conn, &state.config, rows, viewer).await?;
    let mut accounts = BTreeMap::new();
    let mut statuses = BTreeMap::new();
    let groups: Vec<Value> = rendered
        .into_iter()
        .map(|n| {
            let status_id = n.status.as_ref().map(|s| s.id.clone());
            let account_id = n.account.id.clone();
            accounts.insert(
                account_id.clone(),
                serde_json::to_value(&n.account).unwrap_or(Value::Null),
            );
            if let Some(s) = &n.status {
                accounts.insert(
                    s.account.id.clone(),
                    serde_json::to_value(&s.account).unwrap_or(Value::Null),
                );
                statuses.insert(s.id.clone(), serde_json::to_value(s).unwrap_or(Value::Null));
            }
            json!({
                "group_key": n.group_key,
                "notifications_count": 1,
                "type": n.kind,
                "most_recent_notification_id": n.id,
                "page_min_id": n.id,
                "page_max_id": n.id,
                "latest_page_notification_at": n.created_at,
                "sample_account_ids": [account_id],
                "status_id": status_id,
            })
        })
        .collect();
    Ok(json!({
        "accounts": accounts.into_values().collect::<Vec<_>>(),
        "statuses": statuses.into_values().collect::<Vec<_>>(),
        "notification_groups": groups,
    }))
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
    let mut conn = state.conn().await?;
    let rows =
        notifications::list_notifications(&mut conn, me.id, &filter_from(&params)?, &page).await?;
    drop(conn);
    let keys: Vec<i64> = rows.iter().map(|n| n.id).collect();
    let body = grouped(&state, &rows, me.id).await?;
    Ok(json_page(&state, &req, &body, Page::cursors(&keys)))
}

fn notification_id(group_key: &str) -> ApiResult<i64> {
    let raw = group_key
        .strip_prefix("ungrouped-")
        .ok_or(Error::NotFound)?;
    path_id(raw)
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let id = notification_id(&path)?;
    let mut conn = state.conn().await?;
    let row = notifications::get_notification(&mut conn, me.id, id).await?;
    drop(conn);
    Ok(HttpResponse::Ok().json(grouped(&state, &[row], me.id).await?))
}

async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    super::notifications::dismiss_one(&state, &auth, notification_id(&path)?).await
}

/// Notifications newer than the user's `notifications` marker (all when none), capped.
async fn unread_count(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    let (_, me) = auth.0.require_user()?;
    let limit = params.i64("limit")?.unwrap_or(100).clamp(1, UNREAD_CAP);
    let mut conn = state.conn().await?;
    let marker = list_markers(&mut conn, me.id, &["notifications".to_owned()]).await?;
    let since = marker.first().map(|m| m.last_read_id);
    let page = Page::new(None, since, None, Some(limit), limit, UNREAD_CAP);
    let rows =
        notifications::list_notifications(&mut conn, me.id, &filter_from(&params)?, &page).await?;
    Ok(HttpResponse::Ok().json(json!({ "count": rows.len() })))
}

/// Ferrodon filters no notifications yet: everything is accepted.
async fn policy(auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    Ok(HttpResponse::Ok().json(json!({
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "summary": { "pending_requests_count": 0, "pending_notifications_count": 0 }
    })))
}

/// Nothing is filtered, so there are no notification requests.
async fn requests(auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&["read:notifications"])?;
    Ok(HttpResponse::Ok().json(json!([])))
}
