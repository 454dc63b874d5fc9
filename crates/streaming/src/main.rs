//! `ferrodon-streaming`: the streaming API server.
//!
//! This first cut serves the health check that nginx, load balancers and
//! clients probe; the WebSocket and SSE streams arrive with the streaming
//! issue, and until then stream requests get a clear 503 JSON error so
//! clients fall back to polling, as they do when Mastodon's streaming is down.
use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_core::telemetry::init();
    let config = ferrodon_core::Config::from_env().context("configuration")?;
    let listener = TcpListener::bind((config.bind, config.streaming_port))
        .await
        .context("binding the listener")?;
    tracing::info!(port = config.streaming_port, "ferrodon-streaming listening");
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (socket, _) = accepted?;
                tokio::spawn(async move {
                    if let Err(e) = serve(socket).await {
                        tracing::debug!(error = %e, "streaming connection ended");
                    }
                });
            }
            _ = shutdown_signal() => {
                tracing::info!("ferrodon-streaming shutting down");
                return Ok(());
            }
        }
    }
}

async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

async fn serve(mut socket: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 8192];
    let n = socket.read(&mut buf).await?;
    let head = String::from_utf8_lossy(&buf[..n]);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or(path);
    let (status, content_type, body) = if path == "/api/v1/streaming/health" {
        ("200 OK", "text/plain", "OK".to_owned())
    } else {
        (
            "503 Service Unavailable",
            "application/json",
            r#"{"error":"Streaming is not available on this server yet"}"#.to_owned(),
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(response.as_bytes()).await?;
    socket.shutdown().await
}
