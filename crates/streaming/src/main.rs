//! `ferrodon-streaming`: Mastodon's streaming API over WebSocket and SSE.
//!
//! ```text
//!  web/workers ─PUBLISH─▶ Redis ─(one pub/sub connection)─▶ Hub ─broadcast─▶ connection tasks ─▶ clients
//! ```
//! Each process holds one Redis pub/sub connection and subscribes to a
//! channel while at least one client listens to it.
mod hub;
mod request;
mod server;
mod sse;
mod websocket;

use std::sync::Arc;

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_core::telemetry::init();
    let config = ferrodon_core::Config::from_env().context("configuration")?;
    let state = ferrodon_core::AppState::new(config).context("connecting")?;
    let hub = Arc::new(
        hub::Hub::connect(&state)
            .await
            .context("connecting to Redis pub/sub")?,
    );
    let listener = tokio::net::TcpListener::bind((state.config.bind, state.config.streaming_port))
        .await
        .context("binding the listener")?;
    tracing::info!(
        port = state.config.streaming_port,
        "ferrodon-streaming listening"
    );
    server::run(listener, state, hub).await
}
