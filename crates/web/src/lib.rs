//! Ferrodon's HTTP layer. Handlers parse, authenticate, call one core
//! service or query, and render; they hold no SQL and no business rules.
#![warn(missing_docs)]

pub mod error;
pub mod extract;
pub mod link_header;
pub mod metrics;
pub mod middleware;
pub mod routes;
pub mod ui;

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};
use ferrodon_core::AppState;

pub use error::ApiError;

/// A bound, not yet running, web server.
pub struct Server {
    server: actix_web::dev::Server,
    port: u16,
}

impl Server {
    /// Binds BIND:PORT from the configuration (port 0 picks a free port).
    pub fn bind(state: AppState) -> std::io::Result<Self> {
        let listener = TcpListener::bind((state.config.bind, state.config.port))?;
        Self::listen(state, listener)
    }

    /// Serves on an already-bound listener.
    pub fn listen(state: AppState, listener: TcpListener) -> std::io::Result<Self> {
        let port = listener.local_addr()?.port();
        let workers = state.config.web_concurrency;
        let shutdown_timeout = state.config.shutdown_timeout.as_secs();
        let data = web::Data::new(state);
        let http_metrics = web::Data::new(metrics::HttpMetrics::default());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(http_metrics.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(1 << 20)
                        .error_handler(error::json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .wrap(actix_web::middleware::from_fn(middleware::api_rate_limit))
                .wrap(actix_web::middleware::from_fn(middleware::ip_access))
                // Outside the limits, so a 429 or 403 is readable cross-origin.
                .wrap(actix_web::middleware::from_fn(middleware::cors::cors))
                .wrap(actix_web::middleware::from_fn(metrics::count_requests))
                // The path only (%U), never the query string: clients may put
                // `access_token=` there, and secrets must not reach the logs.
                .wrap(
                    actix_web::middleware::Logger::new("%{r}a %{METHOD}xi %U %s %b %Dms")
                        .custom_request_replace("METHOD", |req| req.method().to_string())
                        .exclude("/health")
                        .exclude("/livez")
                        .exclude("/readyz")
                        .exclude("/metrics"),
                )
                // Rails ignores a trailing slash and clients rely on it (Mastodon.py asks for `/api/v1/instance/`).
                .wrap(actix_web::middleware::NormalizePath::trim())
                .configure(routes::configure)
                .configure(metrics::configure)
                .default_service(web::to(routes::not_found))
        })
        .workers(workers)
        .shutdown_timeout(shutdown_timeout)
        .listen(listener)?
        .run();
        Ok(Server { server, port })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM / SIGINT, then stops accepting connections and
    /// finishes in-flight requests (for at most FERRODON_SHUTDOWN_TIMEOUT).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}
