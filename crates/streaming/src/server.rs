//! Accepting connections, routing them, authenticating, and running one
//! client's subscriptions.
use ferrodon_core::auth::Scope;
use ferrodon_core::db::AccountId;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use ferrodon_core::auth::{authenticate, Authenticated};
use ferrodon_core::filters::{ActiveFilters, FilterContext};
use ferrodon_core::streaming::Stream;
use ferrodon_core::{AppState, Error};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

use crate::hub::{Frames, Hub};
use crate::request::{peek_head, RequestHead};

/// Connections one process serves at most; more are refused with 503.
const MAX_CONNECTIONS: usize = 20_000;
/// Outgoing messages buffered per client before it counts as too slow.
const CLIENT_QUEUE: usize = 64;

/// What a connection task receives from its forwarders.
pub enum Outgoing {
    /// The token the client connected with was revoked.
    Killed,
    /// An event on one of its streams, already encoded.
    Event(Arc<Frames>),
    /// The client fell too far behind.
    Overflow,
}

/// Accepts connections until SIGTERM or Ctrl-C.
pub async fn run(listener: TcpListener, state: AppState, hub: Arc<Hub>) -> anyhow::Result<()> {
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (socket, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                };
                // Events are small and latency matters more than packet count.
                let _ = socket.set_nodelay(true);
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    tokio::spawn(refuse(socket));
                    continue;
                };
                let (state, hub) = (state.clone(), hub.clone());
                tokio::spawn(async move {
                    if let Err(e) = serve(socket, state, hub).await {
                        tracing::debug!(error = %e, "streaming connection ended");
                    }
                    drop(permit);
                });
            }
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    drop(listener);
    let open = MAX_CONNECTIONS - limit.available_permits();
    tracing::info!(
        connections = open,
        "ferrodon-streaming shutting down; closing connections"
    );
    hub.close_all();
    // Every connection task holds a permit until it has said goodbye.
    let all = u32::try_from(MAX_CONNECTIONS).unwrap_or(u32::MAX);
    let limit_time = state.config.shutdown_timeout;
    if tokio::time::timeout(limit_time, limit.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(timeout = ?limit_time, "connections still open at the shutdown timeout");
    }
    Ok(())
}

async fn refuse(mut socket: TcpStream) {
    let _ = write_plain(
        &mut socket,
        "503 Service Unavailable",
        "application/json",
        r#"{"error":"Too many connections"}"#,
    )
    .await;
}

/// Writes a complete HTTP response and closes.
pub async fn write_plain(
    socket: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(response.as_bytes()).await?;
    socket.shutdown().await
}

async fn write_error(socket: &mut TcpStream, err: &Error) -> std::io::Result<()> {
    let status = match err {
        Error::Unauthorized(_) => "401 Unauthorized",
        Error::Forbidden(_) => "403 Forbidden",
        Error::NotFound => "404 Not Found",
        Error::BadRequest(_) | Error::Validation(_) => "400 Bad Request",
        Error::Unavailable(_) => "503 Service Unavailable",
        _ => "500 Internal Server Error",
    };
    if err.is_internal() {
        tracing::error!(cause = %err.chain(), "internal error");
    }
    let body = serde_json::json!({ "error": err.client_message() }).to_string();
    write_plain(socket, status, "application/json", &body).await
}

/// The stream an SSE path names.
fn sse_stream_name(path: &str) -> Option<&'static str> {
    Some(match path {
        "/api/v1/streaming/user" => "user",
        "/api/v1/streaming/user/notification" => "user:notification",
        "/api/v1/streaming/public" => "public",
        "/api/v1/streaming/public/local" => "public:local",
        "/api/v1/streaming/public/remote" => "public:remote",
        "/api/v1/streaming/public/media" => "public:media",
        "/api/v1/streaming/public/local/media" => "public:local:media",
        "/api/v1/streaming/public/remote/media" => "public:remote:media",
        "/api/v1/streaming/hashtag" => "hashtag",
        "/api/v1/streaming/hashtag/local" => "hashtag:local",
        "/api/v1/streaming/direct" => "direct",
        "/api/v1/streaming/list" => "list",
        _ => return None,
    })
}

/// The media-only variant of a public stream when `only_media` is truthy,
/// as Mastodon's streaming server maps `?only_media=true`.
pub fn with_only_media<'a>(name: &'a str, only_media: Option<&str>) -> &'a str {
    let wanted = only_media.is_some_and(|v| matches!(v, "true" | "1" | "on" | "t"));
    match (name, wanted) {
        ("public", true) => "public:media",
        ("public:local", true) => "public:local:media",
        ("public:remote", true) => "public:remote:media",
        _ => name,
    }
}

/// Resolves a requested stream for this client, checking the token's scopes
/// and, for a list, that the list is the user's.
pub async fn authorize_stream(
    state: &AppState,
    auth: Option<&Authenticated>,
    name: &str,
    param: Option<&str>,
) -> Result<Stream, Error> {
    let viewer = auth.and_then(|a| a.account_id());
    let stream = Stream::parse(name, param, viewer).ok_or_else(|| {
        if matches!(name, "user" | "user:notification" | "direct")
            || (name == "list" && viewer.is_none())
        {
            Error::Unauthorized("Missing access token".into())
        } else {
            Error::BadRequest(format!("Unknown stream type {name:?} or missing parameter"))
        }
    })?;
    if let Some(auth) = auth {
        let scopes: &[Scope] = match stream {
            Stream::UserNotification(_) => &[Scope::ReadNotifications],
            Stream::List(_) => &[Scope::ReadLists, Scope::ReadStatuses],
            _ => &[Scope::ReadStatuses],
        };
        auth.require_scope(scopes)?;
    }
    if let (Stream::List(id), Some(owner)) = (&stream, viewer) {
        let mut conn = state.conn().await?;
        ferrodon_core::db::queries::lists::get_list(&mut conn, AccountId::new(owner), *id).await?;
    }
    Ok(stream)
}

/// Prometheus metrics of this streaming process (not routed by nginx).
fn metrics(state: &AppState, hub: &Hub) -> String {
    use ferrodon_core::jobs::metrics::family;
    let (channels, listeners) = hub.counts();
    let mut out = String::new();
    family(
        &mut out,
        "ferrodon_streaming_connections",
        "Open client connections (WebSocket and SSE).",
        "gauge",
        &[(
            String::new(),
            crate::CONNECTIONS.load(std::sync::atomic::Ordering::Relaxed),
        )],
    );
    family(
        &mut out,
        "ferrodon_streaming_redis_connected",
        "1 while the Redis pub/sub connection is up.",
        "gauge",
        &[(String::new(), u64::from(hub.is_connected()))],
    );
    ferrodon_core::jobs::metrics::write_pool_gauges(&mut out, state);
    family(
        &mut out,
        "ferrodon_streaming_channels",
        "Redis channels this process is subscribed to.",
        "gauge",
        &[(String::new(), channels as u64)],
    );
    family(
        &mut out,
        "ferrodon_streaming_subscriptions",
        "Client subscriptions to those channels (a connection may hold several).",
        "gauge",
        &[(String::new(), listeners as u64)],
    );
    out
}

async fn serve(mut socket: TcpStream, state: AppState, hub: Arc<Hub>) -> anyhow::Result<()> {
    let Some(head) = peek_head(&socket).await? else {
        return Ok(());
    };
    if head.path == "/api/v1/streaming/health" || head.path == "/livez" {
        let _ = consume(&mut socket, &head).await;
        write_plain(&mut socket, "200 OK", "text/plain", "OK").await?;
        return Ok(());
    }
    if head.path == "/readyz" {
        let _ = consume(&mut socket, &head).await;
        if hub.is_connected() && Box::pin(state.is_healthy()).await {
            write_plain(&mut socket, "200 OK", "text/plain", "OK").await?;
        } else {
            let body = "database or redis unavailable";
            write_plain(&mut socket, "503 Service Unavailable", "text/plain", body).await?;
        }
        return Ok(());
    }
    if head.path == "/metrics" {
        let _ = consume(&mut socket, &head).await;
        let body = metrics(&state, &hub);
        write_plain(&mut socket, "200 OK", "text/plain; version=0.0.4", &body).await?;
        return Ok(());
    }
    let auth = match head.token() {
        None => None,
        // Boxed here and below: these database round trips happen once, but
        // inline they would size the future every open connection keeps.
        Some(token) => match Box::pin(authenticate(&state, &token)).await {
            Ok(a) => Some(a),
            Err(e) => {
                consume(&mut socket, &head).await?;
                write_error(&mut socket, &e).await?;
                return Ok(());
            }
        },
    };
    if head.path == "/api/v1/streaming" && head.is_websocket() {
        if auth.is_none() && !Box::pin(public_streams_open(&state)).await {
            consume(&mut socket, &head).await?;
            write_error(
                &mut socket,
                &Error::Unauthorized("Missing access token".into()),
            )
            .await?;
            return Ok(());
        }
        return crate::websocket::serve(socket, &head, auth, &state, hub).await;
    }
    consume(&mut socket, &head).await?;
    if head.method != "GET" {
        write_error(&mut socket, &Error::NotFound).await?;
        return Ok(());
    }
    let Some(name) = sse_stream_name(&head.path) else {
        write_error(&mut socket, &Error::NotFound).await?;
        return Ok(());
    };
    let name = with_only_media(name, head.param("only_media"));
    let param = head.param("tag").or(head.param("list"));
    match Box::pin(authorize_stream(&state, auth.as_ref(), name, param)).await {
        Ok(_) if auth.is_none() && !Box::pin(public_streams_open(&state)).await => {
            write_error(
                &mut socket,
                &Error::Unauthorized("Missing access token".into()),
            )
            .await?;
            Ok(())
        }
        Ok(stream) => crate::sse::serve(socket, stream, auth.as_ref(), &state, hub).await,
        Err(e) => {
            write_error(&mut socket, &e).await?;
            Ok(())
        }
    }
}

/// Whether signed-out clients may use the public streams (the instance's timeline preview).
async fn public_streams_open(state: &AppState) -> bool {
    ferrodon_core::services::instance_settings::timeline_preview(state)
        .await
        .unwrap_or(false)
}

/// Reads the peeked head off the socket.
async fn consume(socket: &mut TcpStream, head: &RequestHead) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut buf = vec![0u8; head.len];
    socket.read_exact(&mut buf).await.map(|_| ())
}

/// A client's subscriptions: one forwarder task per stream feeding one queue.
pub struct Subscriptions {
    hub: Arc<Hub>,
    tx: mpsc::Sender<Outgoing>,
    active: HashMap<Stream, (String, JoinHandle<()>)>,
}

impl Subscriptions {
    /// An empty set delivering into `tx`; with a token, also listens for its revocation.
    pub async fn new(
        hub: Arc<Hub>,
        tx: mpsc::Sender<Outgoing>,
        auth: Option<&Authenticated>,
    ) -> anyhow::Result<Self> {
        let mut subs = Subscriptions {
            hub,
            tx,
            active: HashMap::new(),
        };
        if let Some(auth) = auth {
            subs.add(Stream::AccessToken(auth.token_id)).await?;
        }
        Ok(subs)
    }

    /// Starts delivering a stream (no-op when already subscribed); `user`
    /// also brings the announcements every signed-in user gets.
    pub async fn add(&mut self, stream: Stream) -> anyhow::Result<()> {
        let with_announcements = matches!(stream, Stream::User(_));
        self.add_one(stream).await?;
        if with_announcements {
            self.add_one(Stream::Announcements).await?;
        }
        Ok(())
    }

    async fn add_one(&mut self, stream: Stream) -> anyhow::Result<()> {
        if self.active.contains_key(&stream) {
            return Ok(());
        }
        let sub = self.hub.subscribe(&stream).await?;
        let channel = sub.channel.clone();
        let tx = self.tx.clone();
        let for_task = stream.clone();
        let mut receiver = sub.receiver;
        let handle = tokio::spawn(async move {
            loop {
                match receiver.recv().await {
                    Ok(message) => {
                        let item = if matches!(for_task, Stream::AccessToken(_)) {
                            Outgoing::Killed
                        } else {
                            Outgoing::Event(message)
                        };
                        if tx.try_send(item).is_err() {
                            let _ = tx.try_send(Outgoing::Overflow);
                            return;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let _ = tx.try_send(Outgoing::Overflow);
                        return;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
        self.active.insert(stream, (channel, handle));
        Ok(())
    }

    /// Stops delivering a stream (and, for `user`, the announcements).
    pub async fn remove(&mut self, stream: &Stream) {
        self.remove_one(stream).await;
        if matches!(stream, Stream::User(_)) {
            self.remove_one(&Stream::Announcements).await;
        }
    }

    async fn remove_one(&mut self, stream: &Stream) {
        if let Some((channel, handle)) = self.active.remove(stream) {
            handle.abort();
            let _ = handle.await;
            self.hub.release(&channel).await;
        }
    }

    /// Stops everything (connection closing).
    pub async fn clear(&mut self) {
        let streams: Vec<Stream> = self.active.keys().cloned().collect();
        for s in streams {
            self.remove_one(&s).await;
        }
    }
}

/// How often a connection reloads the accounts its user blocks and mutes,
/// and the user's filters.
const FILTER_REFRESH: Duration = Duration::from_secs(60);

/// Holds back events about accounts the client's user blocks or mutes, or
/// that block the user, and applies the user's filters to statuses: `hide`
/// matches are held back, others get `filtered` (Mastodon's streaming
/// server does the same).
pub struct Filter {
    viewer: Option<i64>,
    hidden: std::collections::HashSet<i64>,
    filters: Option<ActiveFilters>,
    loaded_at: std::time::Instant,
}

impl Filter {
    /// Loads the hidden accounts of the signed-in user (none when signed out).
    pub async fn load(state: &AppState, auth: Option<&Authenticated>) -> Filter {
        let mut filter = Filter {
            viewer: auth.and_then(|a| a.account_id()),
            hidden: Default::default(),
            filters: None,
            loaded_at: std::time::Instant::now(),
        };
        filter.reload(state).await;
        filter
    }

    async fn reload(&mut self, state: &AppState) {
        let Some(viewer) = self.viewer else { return };
        let loaded = async {
            let mut conn = state.conn().await?;
            let hidden = ferrodon_core::db::queries::blocks_mutes::list_hidden_account_ids(
                &mut conn, viewer,
            )
            .await?;
            let filters = ActiveFilters::load(&mut conn, viewer).await?;
            Ok::<_, Error>((hidden, filters))
        }
        .await;
        match loaded {
            Ok((ids, filters)) => {
                self.hidden = ids.into_iter().collect();
                self.filters = Some(filters);
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not load blocks, mutes and filters for a stream")
            }
        }
        self.loaded_at = std::time::Instant::now();
    }

    /// Reloads when the last load is older than a minute.
    pub async fn refresh_if_stale(&mut self, state: &AppState) {
        if self.viewer.is_some() && self.loaded_at.elapsed() > FILTER_REFRESH {
            self.reload(state).await;
        }
    }

    /// True when the event may go to this client.
    pub fn allows(&self, frames: &Frames) -> bool {
        !frames.account_ids.iter().any(|id| self.hidden.contains(id))
    }

    /// The frames to send this client for an event: None to hold it back,
    /// the shared frames, or, when one of the user's filters matched a
    /// status, frames of its own with `filtered` filled in.
    pub fn prepare(&self, frames: Arc<Frames>) -> Option<Arc<Frames>> {
        if !self.allows(&frames) {
            return None;
        }
        let Some(filters) = self.filters.as_ref().filter(|f| !f.is_empty()) else {
            return Some(frames);
        };
        match filtered_frames(filters, &frames) {
            Filtered::Unchanged => Some(frames),
            Filtered::Hidden => None,
            Filtered::Marked(own) => Some(Arc::new(own)),
        }
    }
}

/// What the user's filters make of an event.
enum Filtered {
    Unchanged,
    Hidden,
    Marked(Frames),
}

/// Applies filters to a status event in the context of the stream it came on
/// (home for `user` and `list`, public for the public and hashtag streams).
fn filtered_frames(filters: &ActiveFilters, frames: &Frames) -> Filtered {
    let Ok(mut message) = serde_json::from_str::<serde_json::Value>(&frames.websocket) else {
        return Filtered::Unchanged;
    };
    let event = message["event"].as_str().unwrap_or_default().to_owned();
    if event != "update" && event != "status.update" {
        return Filtered::Unchanged;
    }
    let context = match message["stream"][0].as_str().unwrap_or_default() {
        "user" | "list" => FilterContext::Home,
        s if s.starts_with("public") || s.starts_with("hashtag") => FilterContext::Public,
        _ => return Filtered::Unchanged,
    };
    let Some(Ok(mut status)) = message["payload"]
        .as_str()
        .map(serde_json::from_str::<serde_json::Value>)
    else {
        return Filtered::Unchanged;
    };
    let verdict = filters.apply_to_json(context, &mut status);
    if verdict.hide {
        return Filtered::Hidden;
    }
    if verdict.results.is_empty() {
        return Filtered::Unchanged;
    }
    let payload = status.to_string();
    message["payload"] = serde_json::Value::String(payload.clone());
    Filtered::Marked(Frames {
        websocket: message.to_string(),
        sse: format!("event: {event}\ndata: {payload}\n\n"),
        account_ids: frames.account_ids.clone(),
    })
}

/// Heartbeat interval for idle connections (proxies drop silent ones).
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Queue for one client.
pub fn client_queue() -> (mpsc::Sender<Outgoing>, mpsc::Receiver<Outgoing>) {
    mpsc::channel(CLIENT_QUEUE)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use ferrodon_core::Config;

    #[test]
    fn only_media_narrows_public_streams_only() {
        assert_eq!(
            with_only_media("public:local", Some("true")),
            "public:local:media"
        );
        assert_eq!(with_only_media("public", Some("1")), "public:media");
        assert_eq!(
            with_only_media("public:remote", Some("false")),
            "public:remote"
        );
        assert_eq!(with_only_media("hashtag", Some("true")), "hashtag");
        assert_eq!(with_only_media("public", None), "public");
    }

    /// Every open connection keeps its task's future allocated, sized for
    /// the largest state it can be in: keep it small (memory per
    /// connection is a benchmark target).
    #[tokio::test]
    async fn a_connection_task_stays_small() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let socket = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let redis = std::env::var("FERRODON_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
        let config = Config::from_vars(
            [
                ("LOCAL_DOMAIN", "a.example".to_owned()),
                ("SECRET_KEY_BASE", "0123456789abcdef".repeat(3)),
                ("REDIS_URL", redis),
            ]
            .map(|(k, v)| (k.to_owned(), v)),
        )
        .unwrap();
        let state = AppState::new(config).unwrap();
        let hub = Arc::new(Hub::connect(&state).await.unwrap());
        let task = serve(socket, state, hub);
        let size = std::mem::size_of_val(&task);
        eprintln!("connection future: {size} bytes");
        // 7,072 bytes in a debug build before the one-off database awaits
        // were boxed, 6,256 after; this bound catches a large regression.
        assert!(size <= 8192, "a connection's future is {size} bytes");
    }
}
