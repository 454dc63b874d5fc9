//! `/api/v1/push/subscription`: the Web Push subscription of the access token.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::webpush::subscriptions::{self, render, DataInput, SubscriptionInput, ALERTS};
use ferrodon_core::AppState;
use serde_json::{json, Map, Value};

use crate::error::ApiResult;
use crate::extract::{params_bool, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/push/subscription", on::post().to(create))
        .route("/api/v1/push/subscription", on::get().to(show))
        .route("/api/v1/push/subscription", on::put().to(update))
        .route("/api/v1/push/subscription", on::delete().to(destroy));
}

/// Checks the `push` scope and a signed-in user; returns (token id, user id).
fn authorise(auth: &Auth) -> ApiResult<(i64, i64)> {
    auth.0.require_scope(&[Scope::Push])?;
    let (user, _) = auth.0.require_user()?;
    Ok((auth.0.token_id, user.id))
}

/// `data[alerts][…]` (known types only, as booleans) and `data[policy]`.
fn data_param(params: &Params) -> DataInput {
    let data = params.get("data");
    let mut alerts = Map::new();
    if let Some(Value::Object(given)) = data.and_then(|d| d.get("alerts")) {
        for (name, value) in given {
            if ALERTS.contains(&name.as_str()) {
                alerts.insert(
                    name.clone(),
                    Value::Bool(params_bool(value).unwrap_or(false)),
                );
            }
        }
    }
    let policy = data
        .and_then(|d| d.get("policy"))
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    DataInput { alerts, policy }
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (token_id, user_id) = authorise(&auth)?;
    let subscription = params.get("subscription");
    let field = |path: &[&str]| {
        subscription
            .and_then(|s| path.iter().try_fold(s, |v, key| v.get(*key)))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let input = SubscriptionInput {
        endpoint: field(&["endpoint"]),
        p256dh: field(&["keys", "p256dh"]),
        auth: field(&["keys", "auth"]),
        standard: subscription
            .and_then(|s| s.get("standard"))
            .and_then(params_bool)
            .unwrap_or(false),
    };
    let created =
        subscriptions::subscribe(&state, token_id, user_id, &input, &data_param(&params)).await?;
    Ok(HttpResponse::Ok().json(render(&state.config, &created)))
}

async fn show(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let (token_id, _) = authorise(&auth)?;
    let found = subscriptions::show(&state, token_id).await?;
    Ok(HttpResponse::Ok().json(render(&state.config, &found)))
}

async fn update(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let (token_id, _) = authorise(&auth)?;
    let updated = subscriptions::update(&state, token_id, &data_param(&params)).await?;
    Ok(HttpResponse::Ok().json(render(&state.config, &updated)))
}

async fn destroy(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let (token_id, _) = authorise(&auth)?;
    subscriptions::unsubscribe(&state, token_id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
