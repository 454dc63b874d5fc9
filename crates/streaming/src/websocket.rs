//! The multiplexed WebSocket endpoint: `{"type":"subscribe","stream":…}`
//! messages in, `{"stream":[…],"event":…,"payload":…}` messages out.
use std::sync::Arc;

use ferrodon_core::auth::Authenticated;
use ferrodon_core::AppState;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;

use crate::hub::Hub;
use crate::request::RequestHead;
use crate::server::{
    authorize_stream, client_queue, with_only_media, Filter, Outgoing, Subscriptions, HEARTBEAT,
};

/// Small buffers: most connections are idle, and memory per connection is
/// what limits how many a process can hold.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(1 << 20)
        .max_message_size(Some(64 * 1024))
        .max_frame_size(Some(64 * 1024))
}

#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    stream: Option<String>,
    tag: Option<String>,
    /// Mastodon sends the list id as a string; some clients send a number.
    list: Option<serde_json::Value>,
    /// `true` (or `"true"`) narrows a public stream to statuses with media.
    only_media: Option<serde_json::Value>,
}

fn error_frame(message: &str, status: u16) -> Message {
    Message::text(serde_json::json!({ "error": message, "status": status }).to_string())
}

/// Completes the handshake and serves the client until it closes.
pub async fn serve(
    socket: TcpStream,
    head: &RequestHead,
    auth: Option<Authenticated>,
    state: &AppState,
    hub: Arc<Hub>,
) -> anyhow::Result<()> {
    let protocol = head.header("sec-websocket-protocol").map(str::to_owned);
    // The handshake callback's error type is tungstenite's; ours never fails.
    #[allow(clippy::result_large_err)]
    let echo_protocol = move |_: &Request, mut response: Response| {
        if let Some(p) = protocol
            .as_deref()
            .and_then(|p| HeaderValue::from_str(p).ok())
        {
            response.headers_mut().insert("Sec-WebSocket-Protocol", p);
        }
        Ok(response)
    };
    let mut ws =
        tokio_tungstenite::accept_hdr_async_with_config(socket, echo_protocol, Some(config()))
            .await?;
    let _counted = crate::ConnectionGuard::open();
    let mut closing = hub.closing();
    let (tx, mut rx) = client_queue();
    let mut subscriptions = Subscriptions::new(hub, tx, auth.as_ref()).await?;
    let mut filter = Box::pin(Filter::load(state, auth.as_ref())).await;
    if let Some(name) = head.param("stream") {
        let name = with_only_media(name, head.param("only_media"));
        let param = head.param("tag").or(head.param("list"));
        match Box::pin(authorize_stream(state, auth.as_ref(), name, param)).await {
            Ok(stream) => subscriptions.add(stream).await?,
            Err(e) => {
                let _ = ws.send(error_frame(&e.to_string(), 401)).await;
                let _ = ws.close(None).await;
                return Ok(());
            }
        }
    }
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let result: anyhow::Result<()> = loop {
        tokio::select! {
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(msg) = serde_json::from_str::<ClientMessage>(&text) else {
                        let _ = ws.send(error_frame("Could not parse message", 400)).await;
                        continue;
                    };
                    let Some(name) = msg.stream.as_deref() else { continue };
                    let only_media = msg.only_media.as_ref().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
                    let name = with_only_media(name, only_media.as_deref());
                    let list = msg.list.as_ref().map(|l| l.as_str().map(str::to_owned).unwrap_or_else(|| l.to_string()));
                    let param = msg.tag.as_deref().or(list.as_deref());
                    match Box::pin(authorize_stream(state, auth.as_ref(), name, param)).await {
                        Ok(stream) if msg.kind == "subscribe" => {
                            if let Err(e) = subscriptions.add(stream).await {
                                break Err(e);
                            }
                        }
                        Ok(stream) if msg.kind == "unsubscribe" => subscriptions.remove(&stream).await,
                        Ok(_) => {
                            let _ = ws.send(error_frame("Unknown message type", 400)).await;
                        }
                        Err(e) => {
                            let _ = ws.send(error_frame(&e.to_string(), 400)).await;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None => break Ok(()),
                Some(Ok(_)) => {}
                Some(Err(e)) => break Err(e.into()),
            },
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Event(frames)) => {
                    let Some(frames) = filter.prepare(frames) else {
                        continue;
                    };
                    if let Err(e) = ws.send(Message::text(frames.websocket.as_str())).await {
                        break Err(e.into());
                    }
                }
                Some(Outgoing::Overflow | Outgoing::Killed) | None => {
                    let _ = ws.close(None).await;
                    break Ok(());
                }
            },
            _ = heartbeat.tick() => {
                Box::pin(filter.refresh_if_stale(state)).await;
                if let Err(e) = ws.send(Message::Ping(Default::default())).await {
                    break Err(e.into());
                }
            }
            _ = closing.changed() => {
                // 1001 Going Away: clients reconnect (to another process).
                let frame = CloseFrame { code: CloseCode::Away, reason: "server shutting down".into() };
                let _ = ws.close(Some(frame)).await;
                break Ok(());
            }
        }
    };
    subscriptions.clear().await;
    result
}
