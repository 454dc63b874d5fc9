//! Server-sent events: one stream per request, as Mastodon's SSE paths.
use std::sync::Arc;

use ferrodon_core::auth::Authenticated;
use ferrodon_core::streaming::Stream;
use ferrodon_core::AppState;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::hub::Hub;
use crate::server::{client_queue, Filter, Outgoing, Subscriptions, HEARTBEAT};

/// Writes `data` as one chunk of a `Transfer-Encoding: chunked` body, so
/// clients can tell where the stream's pieces (and, with the empty chunk,
/// the stream itself) end without waiting for the connection to close.
async fn write_chunk(socket: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(b"\r\n");
    socket.write_all(&chunk).await
}

/// Streams events to an SSE client until it goes away.
pub async fn serve(
    mut socket: TcpStream,
    stream: Stream,
    auth: Option<&Authenticated>,
    state: &AppState,
    hub: Arc<Hub>,
) -> anyhow::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .await?;
    write_chunk(&mut socket, b":)\n\n").await?;
    let _counted = crate::ConnectionGuard::open();
    let mut closing = hub.closing();
    let (tx, mut rx) = client_queue();
    let mut subscriptions = Subscriptions::new(hub, tx, auth).await?;
    let mut filter = Box::pin(Filter::load(state, auth)).await;
    subscriptions.add(stream).await?;
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let mut closed = [0u8; 1];
    let result = loop {
        tokio::select! {
            message = rx.recv() => match message {
                Some(Outgoing::Event(frames)) => {
                    let Some(frames) = filter.prepare(frames) else {
                        continue;
                    };
                    if let Err(e) = write_chunk(&mut socket, frames.sse.as_bytes()).await {
                        break Err(e.into());
                    }
                }
                Some(Outgoing::Overflow | Outgoing::Killed) | None => break Ok(()),
            },
            _ = heartbeat.tick() => {
                Box::pin(filter.refresh_if_stale(state)).await;
                if let Err(e) = write_chunk(&mut socket, b":thump\n\n").await {
                    break Err(e.into());
                }
            }
            // Shutting down: end the stream cleanly (the last chunk below).
            _ = closing.changed() => break Ok(()),
            read = tokio::io::AsyncReadExt::read(&mut socket, &mut closed) => {
                // The client sends nothing on an SSE connection; a read means it closed.
                if matches!(read, Ok(0) | Err(_)) {
                    break Ok(());
                }
            }
        }
    };
    subscriptions.clear().await;
    if result.is_ok() {
        // The last, empty chunk: the stream ended on purpose.
        let _ = socket.write_all(b"0\r\n\r\n").await;
    }
    result
}
