//! The one stylesheet every page loads.
use actix_web::{web, HttpResponse};

const CSS: &str = include_str!("../../assets/ferrodon.css");

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/ferrodon.css", web::get().to(stylesheet));
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(CSS)
}
