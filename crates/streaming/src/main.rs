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

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Open client connections (WebSocket and SSE), for `/metrics`.
pub static CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// Counts one open client connection while it lives.
pub struct ConnectionGuard;

impl ConnectionGuard {
    /// Counts a connection in.
    pub fn open() -> Self {
        CONNECTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ConnectionGuard
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        CONNECTIONS.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_core::telemetry::init();
    let config = ferrodon_core::Config::from_env().context("configuration")?;
    ferrodon_core::telemetry::log_start("ferrodon-streaming", &config);
    let state = ferrodon_core::AppState::new(config).context("connecting")?;
    let hub = Arc::new(connect_hub(&state).await);
    let listener = tokio::net::TcpListener::bind((state.config.bind, state.config.streaming_port))
        .await
        .context("binding the listener")?;
    tracing::info!(
        port = state.config.streaming_port,
        "ferrodon-streaming listening"
    );
    server::run(listener, state, hub).await
}

/// The hub, once Redis answers: a streaming server started before Redis
/// (or during an outage) waits with backoff instead of exiting.
async fn connect_hub(state: &ferrodon_core::AppState) -> hub::Hub {
    let mut backoff = ferrodon_core::backoff::Backoff::new(
        std::time::Duration::from_millis(250),
        std::time::Duration::from_secs(10),
    );
    loop {
        match hub::Hub::connect(state).await {
            Ok(hub) => {
                if backoff.attempts() > 0 {
                    tracing::info!("connected to Redis pub/sub");
                }
                return hub;
            }
            Err(e) => {
                if backoff.attempts() == 0 {
                    tracing::warn!(error = %e, "Redis pub/sub unavailable; retrying with backoff");
                }
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
    }
}
