//! `ferrodon-web`: the HTTP server (Mastodon REST API, OAuth, HTML pages).
//! `ferrodon-web --routes` prints the API routes (`METHOD PATH` a line) and exits.
use anyhow::Context;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("--routes") {
        for route in ferrodon_web::routes::listed() {
            println!("{} {}", route.method, route.path);
        }
        return Ok(());
    }
    ferrodon_core::telemetry::init();
    let config = ferrodon_core::Config::from_env().context("configuration")?;
    ferrodon_core::telemetry::log_start("ferrodon-web", &config);
    let state = ferrodon_core::AppState::new(config).context("connecting")?;
    let server = ferrodon_web::Server::bind(state).context("binding the listener")?;
    tracing::info!(port = server.port(), "ferrodon-web listening");
    server.run().await.context("serving")?;
    Ok(())
}
