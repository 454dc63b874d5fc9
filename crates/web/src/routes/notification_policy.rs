//! `/api/v2/notifications/policy` and its Mastodon 4.3 v1 form
//! `/api/v1/notifications/policy` (`filter_*` booleans).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::models::{NotificationPolicy, PolicyChoice};
use ferrodon_core::db::queries::notification_requests;
use ferrodon_core::services::notification_policy::{settings, update_policy};
use ferrodon_core::AppState;
use serde_json::{json, Map, Value};

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v2/notifications/policy", on::get().to(show_v2))
        .route("/api/v2/notifications/policy", on::put().to(update_v2))
        .route("/api/v2/notifications/policy", on::patch().to(update_v2))
        .route("/api/v1/notifications/policy", on::get().to(show_v1))
        .route("/api/v1/notifications/policy", on::put().to(update_v1))
        .route("/api/v1/notifications/policy", on::patch().to(update_v1));
}

/// The settings the v1 form exposes, as `filter_*` booleans.
const V1_SETTINGS: &[&str] = &[
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
];

/// `summary {pending_requests_count, pending_notifications_count}`.
async fn summary(state: &AppState, account_id: i64) -> ApiResult<Value> {
    let mut conn = state.conn().await?;
    let (requests, notifications) =
        notification_requests::summarize_requests(&mut conn, account_id).await?;
    Ok(json!({
        "pending_requests_count": requests,
        "pending_notifications_count": notifications,
    }))
}

/// Mastodon's NotificationPolicy entity.
fn render_v2(policy: &NotificationPolicy, summary: Value) -> Value {
    let mut body: Map<String, Value> = settings(policy)
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    body.insert("summary".into(), summary);
    Value::Object(body)
}

/// Mastodon's V1::NotificationPolicy entity: anything but `accept` filters.
fn render_v1(policy: &NotificationPolicy, summary: Value) -> Value {
    let mut body: Map<String, Value> = settings(policy)
        .iter()
        .filter(|(name, _)| V1_SETTINGS.contains(name))
        .map(|(name, value)| {
            let key = name.replacen("for_", "filter_", 1);
            (key, json!(*value != PolicyChoice::Accept))
        })
        .collect();
    body.insert("summary".into(), summary);
    Value::Object(body)
}

async fn current(state: &AppState, auth: &Auth) -> ApiResult<(NotificationPolicy, Value)> {
    auth.0.require_scope(&[Scope::ReadNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let policy = notification_requests::get_policy(&mut conn, me.id).await?;
    drop(conn);
    Ok((policy, summary(state, me.id).await?))
}

async fn show_v2(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let (policy, summary) = current(&state, &auth).await?;
    Ok(HttpResponse::Ok().json(render_v2(&policy, summary)))
}

async fn show_v1(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let (policy, summary) = current(&state, &auth).await?;
    Ok(HttpResponse::Ok().json(render_v1(&policy, summary)))
}

/// Applies the changes and answers with the policy and its summary.
async fn update(
    state: &AppState,
    auth: &Auth,
    changes: &[(&str, String)],
) -> ApiResult<(NotificationPolicy, Value)> {
    auth.0.require_scope(&[Scope::WriteNotifications])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let policy = update_policy(&mut conn, me.id, changes).await?;
    drop(conn);
    Ok((policy, summary(state, me.id).await?))
}

async fn update_v2(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    let changes: Vec<(&str, String)> = settings(&NotificationPolicy::default_for(0))
        .iter()
        .filter_map(|(name, _)| Some((*name, params.str(name)?)))
        .collect();
    let (policy, summary) = update(&state, &auth, &changes).await?;
    Ok(HttpResponse::Ok().json(render_v2(&policy, summary)))
}

async fn update_v1(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    let changes: Vec<(&str, String)> = V1_SETTINGS
        .iter()
        .filter_map(|name| {
            let filter = params.bool(&name.replacen("for_", "filter_", 1))?;
            Some((*name, if filter { "filter" } else { "accept" }.to_owned()))
        })
        .collect();
    let (policy, summary) = update(&state, &auth, &changes).await?;
    Ok(HttpResponse::Ok().json(render_v1(&policy, summary)))
}
