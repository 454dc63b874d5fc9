//! The benchmark baseline: an actix-web handler that returns a fixed body
//! (a real 20-status home timeline page captured from Ferrodon), so the
//! ratio against `ferrodon-web` measures what our work costs on top of
//! actix, nginx and the JSON bytes themselves.
//!
//! Usage: ferrodon-bench-baseline PORT BODY_FILE
use actix_web::{web, App, HttpResponse, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(3900);
    let path = args.next().unwrap_or_else(|| "bench-body.json".into());
    let body = web::Bytes::from(std::fs::read(&path)?);
    let workers = std::env::var("WEB_CONCURRENCY")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(2);
    HttpServer::new(move || {
        let body = body.clone();
        App::new()
            .route(
                "/api/v1/timelines/home",
                web::get().to(move || {
                    let body = body.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(body)
                    }
                }),
            )
            .route(
                "/api/v1/statuses",
                web::post().to(|| async {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body("{}")
                }),
            )
    })
    .workers(workers)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
