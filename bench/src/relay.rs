//! The streaming baseline: the least a Redis-PUBLISH → WebSocket relay can
//! do. It subscribes to one channel and sends every message to every
//! connected client, with tungstenite's default buffers.
//!
//! Usage: ferrodon-bench-relay PORT REDIS_URL CHANNEL
use std::sync::Arc;

use deadpool_redis::redis;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(3903);
    let redis_url = args
        .next()
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".into());
    let channel = args.next().unwrap_or_else(|| "bench:relay".into());
    let (tx, _) = broadcast::channel::<Arc<str>>(256);
    let mut pubsub = redis::Client::open(redis_url)?.get_async_pubsub().await?;
    pubsub.subscribe(&channel).await?;
    let relay_tx = tx.clone();
    tokio::spawn(async move {
        let mut messages = pubsub.into_on_message();
        while let Some(msg) = messages.next().await {
            if let Ok(payload) = msg.get_payload::<String>() {
                let _ = relay_tx.send(Arc::from(payload));
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    loop {
        let (socket, _) = listener.accept().await?;
        let _ = socket.set_nodelay(true);
        let mut rx = tx.subscribe();
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(socket).await else {
                return;
            };
            while let Ok(message) = rx.recv().await {
                if ws.send(Message::text(message.to_string())).await.is_err() {
                    return;
                }
            }
        });
    }
}
