//! The process's one Redis pub/sub connection, shared by every client.
//!
//! A channel is subscribed while at least one client listens to it; each
//! message is handed to that channel's broadcast sender. When Redis goes
//! away the reader reconnects with backoff, swaps in the new connection and
//! subscribes again to every channel that still has listeners.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deadpool_redis::redis::aio::{PubSubSink, PubSubStream};
use deadpool_redis::redis::{self, Msg};
use ferrodon_core::streaming::{Event, Stream};
use ferrodon_core::AppState;
use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};

use ferrodon_core::backoff::Backoff;

/// Messages a slow client may fall behind by before it is dropped.
const CHANNEL_CAPACITY: usize = 256;

/// One event, encoded once for every client of its channel.
#[derive(Debug)]
pub struct Frames {
    /// The WebSocket text frame: `{"stream":[…],"event":…,"payload":…}`.
    pub websocket: String,
    /// The SSE frame: `event: …\ndata: …\n\n`.
    pub sse: String,
    /// Accounts the event is about, for per-client block and mute filtering.
    pub account_ids: Vec<i64>,
}

impl Frames {
    /// Encodes a Redis message for the stream it arrived on; None when it is not an event.
    pub fn encode(stream: &Stream, raw: &str) -> Option<Frames> {
        let event: Event = serde_json::from_str(raw).ok()?;
        let mut names = vec![stream.name().to_owned()];
        names.extend(stream.param());
        let websocket =
            serde_json::json!({ "stream": names, "event": event.event, "payload": event.payload })
                .to_string();
        let sse = format!("event: {}\ndata: {}\n\n", event.event, event.payload);
        Some(Frames {
            websocket,
            sse,
            account_ids: event.account_ids,
        })
    }
}

struct Channel {
    stream: Stream,
    sender: broadcast::Sender<Arc<Frames>>,
}

type Senders = Mutex<HashMap<String, Channel>>;

struct Inner {
    senders: Senders,
    sink: tokio::sync::Mutex<PubSubSink>,
    /// False while the pub/sub connection is lost.
    connected: AtomicBool,
}

/// Shared fan-out from Redis channels to connection tasks.
pub struct Hub {
    inner: Arc<Inner>,
    namespace: String,
    /// Turns true when the process shuts down: every connection says goodbye.
    closing: watch::Sender<bool>,
}

/// A client's hold on one channel: drop the receiver, then call [`Hub::release`].
pub struct Subscription {
    /// Events on the channel.
    pub receiver: broadcast::Receiver<Arc<Frames>>,
    /// The namespaced channel, for [`Hub::release`].
    pub channel: String,
}

impl Hub {
    /// Opens the pub/sub connection and starts the reader.
    pub async fn connect(state: &AppState) -> anyhow::Result<Hub> {
        let client = redis::Client::open(state.config.redis_url.expose())?;
        let (sink, stream) = open_pubsub(&client).await?.split();
        let inner = Arc::new(Inner {
            senders: Mutex::default(),
            sink: tokio::sync::Mutex::new(sink),
            connected: AtomicBool::new(true),
        });
        tokio::spawn(read_loop(client, stream, inner.clone()));
        Ok(Hub {
            inner,
            namespace: state.redis_key(""),
            closing: watch::channel(false).0,
        })
    }

    /// Whether the Redis pub/sub connection is up (events flow).
    pub fn is_connected(&self) -> bool {
        self.inner.connected.load(Ordering::Relaxed)
    }

    /// Turns true when the server shuts down; connections then close.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Tells every connection to close.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Channels this process listens to, and listeners over all of them.
    pub fn counts(&self) -> (usize, usize) {
        match self.inner.senders.lock() {
            Ok(senders) => (
                senders.len(),
                senders.values().map(|c| c.sender.receiver_count()).sum(),
            ),
            Err(_) => (0, 0),
        }
    }

    /// Listens to a stream, subscribing in Redis if nobody in this process did yet.
    pub async fn subscribe(&self, stream: &Stream) -> anyhow::Result<Subscription> {
        let full = format!("{}{}", self.namespace, stream.channel());
        let (receiver, new) = {
            let mut senders = self
                .inner
                .senders
                .lock()
                .map_err(|_| anyhow::anyhow!("hub lock poisoned"))?;
            match senders.get(&full) {
                Some(channel) => (channel.sender.subscribe(), false),
                None => {
                    let (sender, rx) = broadcast::channel(CHANNEL_CAPACITY);
                    let channel = Channel {
                        stream: stream.clone(),
                        sender,
                    };
                    senders.insert(full.clone(), channel);
                    (rx, true)
                }
            }
        };
        if new {
            self.inner.sink.lock().await.subscribe(&full).await?;
        }
        Ok(Subscription {
            receiver,
            channel: full,
        })
    }

    /// Called after a subscription's receiver was dropped: unsubscribes in
    /// Redis when nobody in this process listens to the channel any more.
    pub async fn release(&self, channel: &str) {
        let channel = channel.to_owned();
        let last = match self.inner.senders.lock() {
            Ok(mut senders) => match senders.get(&channel) {
                Some(c) if c.sender.receiver_count() == 0 => {
                    senders.remove(&channel);
                    true
                }
                _ => false,
            },
            Err(_) => false,
        };
        if last {
            if let Err(e) = self.inner.sink.lock().await.unsubscribe(&channel).await {
                tracing::debug!(error = %e, "unsubscribe failed");
            }
        }
    }
}

/// Encodes a message once and hands it to every local listener of its channel.
fn dispatch(senders: &Senders, msg: Msg) {
    let Ok(payload) = msg.get_payload::<String>() else {
        return;
    };
    if let Ok(senders) = senders.lock() {
        if let Some(channel) = senders.get(msg.get_channel_name()) {
            if let Some(frames) = Frames::encode(&channel.stream, &payload) {
                let _ = channel.sender.send(Arc::new(frames));
            }
        }
    }
}

async fn read_loop(client: redis::Client, mut stream: PubSubStream, inner: Arc<Inner>) {
    loop {
        while let Some(msg) = stream.next().await {
            dispatch(&inner.senders, msg);
        }
        inner.connected.store(false, Ordering::Relaxed);
        tracing::warn!("Redis pub/sub connection lost; reconnecting");
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        stream = loop {
            tokio::time::sleep(backoff.next_delay()).await;
            match resubscribe(&client, &inner).await {
                Ok(new_stream) => break new_stream,
                Err(e) => tracing::debug!(error = %e, "reconnecting to Redis pub/sub failed"),
            }
        };
        inner.connected.store(true, Ordering::Relaxed);
    }
}

/// Opens a pub/sub connection, giving up after
/// [`ferrodon_core::state::REDIS_TIMEOUT`] (an unreachable host must not hang
/// the reconnect loop).
async fn open_pubsub(client: &redis::Client) -> anyhow::Result<redis::aio::PubSub> {
    let timeout = ferrodon_core::state::REDIS_TIMEOUT;
    Ok(tokio::time::timeout(timeout, client.get_async_pubsub()).await??)
}

/// Opens a new pub/sub connection and subscribes it to every live channel,
/// holding the sink lock so no subscription slips in between.
async fn resubscribe(client: &redis::Client, inner: &Inner) -> anyhow::Result<PubSubStream> {
    let (mut sink, stream) = open_pubsub(client).await?.split();
    let mut slot = inner.sink.lock().await;
    let channels: Vec<String> = inner
        .senders
        .lock()
        .map(|s| s.keys().cloned().collect())
        .map_err(|_| anyhow::anyhow!("hub lock poisoned"))?;
    for channel in &channels {
        sink.subscribe(channel).await?;
    }
    *slot = sink;
    tracing::info!(channels = channels.len(), "resubscribed to Redis pub/sub");
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_mastodon_shaped() {
        let raw = r#"{"event":"update","payload":"{\"id\":\"1\"}"}"#;
        let frames = Frames::encode(&Stream::Hashtag("rust".into()), raw).unwrap();
        let ws: serde_json::Value = serde_json::from_str(&frames.websocket).unwrap();
        assert_eq!(ws["stream"], serde_json::json!(["hashtag", "rust"]));
        assert_eq!(ws["event"], "update");
        assert_eq!(ws["payload"], r#"{"id":"1"}"#);
        assert_eq!(frames.sse, "event: update\ndata: {\"id\":\"1\"}\n\n");
        assert!(Frames::encode(&Stream::Public, "not json").is_none());
    }
}
