//! Probes. `/livez`: the process answers (it checks nothing else, so a
//! database outage never gets the web process restarted). `/readyz`: 200
//! when PostgreSQL and Redis answer, 503 otherwise. `/health` is `/readyz`
//! under Mastodon's name.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::AppState;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/livez", on::get().to(livez))
        .route("/readyz", on::get().to(readyz))
        .route("/health", on::get().to(readyz));
}

async fn livez() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("OK")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.is_healthy().await {
        HttpResponse::Ok().content_type("text/plain").body("OK")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database or redis unavailable")
    }
}
