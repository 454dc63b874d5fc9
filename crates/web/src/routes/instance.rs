//! Instance documents: `/api/v1/instance`, `/api/v2/instance` and friends.
use actix_web::{web, HttpResponse};
use ferrodon_core::entities::instance::{self, InstanceFacts};
use ferrodon_core::services::instance_settings::registrations_mode;
use ferrodon_core::AppState;
use serde_json::json;

use crate::error::ApiResult;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/instance", web::get().to(v1))
        .route("/api/v2/instance", web::get().to(v2))
        .route("/api/v1/instance/peers", web::get().to(peers))
        .route("/api/v1/instance/activity", web::get().to(peers))
        .route("/api/v1/instance/rules", web::get().to(peers))
        .route("/api/v1/instance/domain_blocks", web::get().to(peers))
        .route(
            "/api/v1/instance/extended_description",
            web::get().to(extended_description),
        )
        .route(
            "/api/v1/instance/translation_languages",
            web::get().to(translation_languages),
        );
}

async fn facts(state: &AppState) -> ApiResult<InstanceFacts> {
    let mode = registrations_mode(state).await?;
    let mut conn = state.conn().await?;
    let counts = ferrodon_core::services::instance_settings::instance_counts(&mut conn).await?;
    Ok(InstanceFacts {
        user_count: counts.0,
        status_count: counts.1,
        domain_count: 0,
        active_month: counts.2,
        registrations_mode: mode.as_str().to_owned(),
        contact_account: None,
    })
}

async fn v1(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let facts = facts(&state).await?;
    Ok(HttpResponse::Ok().json(instance::render_v1(&state.config, &facts)))
}

async fn v2(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let facts = facts(&state).await?;
    Ok(HttpResponse::Ok().json(instance::render_v2(&state.config, &facts)))
}

/// Empty lists: no peers are known until federation lands, no rules or blocks are set.
async fn peers() -> HttpResponse {
    HttpResponse::Ok().json(json!([]))
}

async fn extended_description() -> HttpResponse {
    HttpResponse::Ok().json(json!({"updated_at": null, "content": ""}))
}

async fn translation_languages() -> HttpResponse {
    HttpResponse::Ok().json(json!({}))
}
