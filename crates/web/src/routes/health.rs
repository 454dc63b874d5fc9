//! `/health`: 200 when PostgreSQL and Redis answer, 503 otherwise.
use actix_web::{web, HttpResponse};
use ferrodon_core::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health));
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    if state.is_healthy().await {
        HttpResponse::Ok().content_type("text/plain").body("OK")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database or redis unavailable")
    }
}
