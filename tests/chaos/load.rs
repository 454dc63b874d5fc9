//! The steady load: a poster, a follower, streaming listeners, and a fake
//! remote server whose inbox records what it is delivered.
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// What the poster saw.
#[derive(Default, Debug)]
pub struct Posted {
    /// Statuses acknowledged with 200: number → (id, ActivityPub uri).
    pub acked: BTreeMap<u64, (String, String)>,
    /// Posts given up on without a 200 (the outcome is unknown to the client).
    pub unacked: Vec<u64>,
    /// Attempts that failed and were retried (connection errors, 5xx, 429).
    pub retries: u64,
}

/// The text of post number `n` of a run.
pub fn post_text(run: &str, n: u64) -> String {
    format!("chaos {run} {n}")
}

/// Posts one public status every `every` until `stop`, each with its own
/// Idempotency-Key, retrying a post (with the same key) until it is
/// acknowledged or a minute has passed, as a careful client does.
pub async fn poster(
    base_url: String,
    token: String,
    run: String,
    every: Duration,
    stop: watch::Receiver<bool>,
) -> Posted {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut posted = Posted::default();
    let mut tick = tokio::time::interval(every);
    for n in 0u64.. {
        tick.tick().await;
        if *stop.borrow() {
            break;
        }
        let text = post_text(&run, n);
        let key = format!("{run}-{n}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let resp = client
                .post(format!("{base_url}/api/v1/statuses"))
                .bearer_auth(&token)
                .header("Idempotency-Key", &key)
                .form(&[("status", text.as_str()), ("visibility", "public")])
                .send()
                .await;
            match resp {
                Ok(r) if r.status().as_u16() == 200 => {
                    let body: serde_json::Value = r.json().await.unwrap_or_default();
                    let id = body["id"].as_str().unwrap_or_default().to_owned();
                    let uri = body["uri"].as_str().unwrap_or_default().to_owned();
                    assert!(
                        !id.is_empty() && !uri.is_empty(),
                        "200 without a status: {body}"
                    );
                    posted.acked.insert(n, (id, uri));
                    break;
                }
                // 422 after a crash mid-request: the key is still marked as
                // in progress; the client cannot know what happened.
                Ok(r) if r.status().as_u16() == 422 => {
                    posted.unacked.push(n);
                    break;
                }
                Ok(r) if r.status().is_client_error() && r.status().as_u16() != 429 => {
                    let status = r.status();
                    panic!(
                        "post {n} refused: {status} {}",
                        r.text().await.unwrap_or_default()
                    );
                }
                _ => {
                    posted.retries += 1;
                    if Instant::now() > deadline {
                        posted.unacked.push(n);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
    }
    posted
}

/// What the follower saw: ids of accounts whose follow of the target was
/// acknowledged.
pub async fn follower(
    base_url: String,
    tokens: Vec<(String, String)>,
    target_id: String,
    every: Duration,
    stop: watch::Receiver<bool>,
) -> Vec<String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut acked = Vec::new();
    let mut tick = tokio::time::interval(every);
    for (account_id, token) in tokens {
        tick.tick().await;
        if *stop.borrow() {
            break;
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let resp = client
                .post(format!("{base_url}/api/v1/accounts/{target_id}/follow"))
                .bearer_auth(&token)
                .send()
                .await;
            if matches!(&resp, Ok(r) if r.status().as_u16() == 200) {
                acked.push(account_id.clone());
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    acked
}

/// What one streaming listener saw.
#[derive(Default, Debug)]
pub struct Heard {
    /// Post numbers received, with when.
    pub posts: Vec<(u64, Instant)>,
    /// Connections opened (1 + reconnects).
    pub connections: u32,
}

/// Listens to the public stream over WebSocket until `stop`, reconnecting
/// (after 250 ms) whenever the connection drops or cannot be opened.
pub async fn listener(
    streaming_url: String,
    token: String,
    run: String,
    stop: watch::Receiver<bool>,
) -> Heard {
    let heard = Arc::new(Mutex::new(Heard::default()));
    let url = format!("{streaming_url}/api/v1/streaming?stream=public&access_token={token}");
    let prefix = format!("chaos {run} ");
    let mut stop_rx = stop.clone();
    let task = {
        let heard = heard.clone();
        async move {
            loop {
                if let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
                    heard.lock().unwrap().connections += 1;
                    while let Some(Ok(msg)) = ws.next().await {
                        let Ok(text) = msg.to_text() else { continue };
                        let Ok(frame) = serde_json::from_str::<serde_json::Value>(text) else {
                            continue;
                        };
                        if frame["event"] != "update" {
                            continue;
                        }
                        let payload = frame["payload"].as_str().unwrap_or_default();
                        let status: serde_json::Value =
                            serde_json::from_str(payload).unwrap_or_default();
                        let content = status["content"].as_str().unwrap_or_default();
                        if let Some(n) = content
                            .find(&prefix)
                            .and_then(|at| content[at + prefix.len()..].split('<').next())
                            .and_then(|n| n.trim().parse::<u64>().ok())
                        {
                            heard.lock().unwrap().posts.push((n, Instant::now()));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    tokio::select! {
        _ = task => {}
        _ = async { while !*stop_rx.borrow() { if stop_rx.changed().await.is_err() { break; } } } => {}
    }
    let taken = std::mem::take(&mut *heard.lock().unwrap());
    taken
}

/// A remote server's shared inbox: records the object ids of every
/// `Create` delivered to it (signatures are not checked: it stands in for
/// a well-behaved peer) and answers 202.
pub struct FakeInbox {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// Object ids delivered, with how many times each.
    pub received: Arc<Mutex<BTreeMap<String, u32>>>,
}

impl FakeInbox {
    /// Starts it on a free port.
    pub async fn start() -> FakeInbox {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received: Arc<Mutex<BTreeMap<String, u32>>> = Arc::default();
        let sink = received.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let sink = sink.clone();
                tokio::spawn(async move {
                    let Some(body) = read_body(&mut socket).await else {
                        return;
                    };
                    if let Ok(activity) = serde_json::from_slice::<serde_json::Value>(&body) {
                        let object = &activity["object"];
                        let id = object["id"].as_str().or(object.as_str());
                        if let (Some("Create"), Some(id)) = (activity["type"].as_str(), id) {
                            *sink.lock().unwrap().entry(id.to_owned()).or_default() += 1;
                        }
                    }
                    let _ = socket
                        .write_all(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        FakeInbox { base_url, received }
    }

    /// Object ids delivered at least once.
    pub fn delivered(&self) -> HashSet<String> {
        self.received.lock().unwrap().keys().cloned().collect()
    }

    /// Deliveries in all, repeats included.
    pub fn deliveries(&self) -> u64 {
        self.received
            .lock()
            .unwrap()
            .values()
            .map(|n| u64::from(*n))
            .sum()
    }
}

/// Reads one HTTP/1.1 request with a Content-Length body; the body.
async fn read_body(socket: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if buf.len() >= end + 4 + length {
            return Some(buf[end + 4..end + 4 + length].to_vec());
        }
    }
}

/// What the remote sender saw.
#[derive(Default, Debug)]
pub struct Sent {
    /// Deliveries the inbox accepted with 202: number → the note's id.
    pub accepted: BTreeMap<u64, String>,
    /// Deliveries never accepted within a minute of retries.
    pub given_up: Vec<u64>,
    /// Attempts answered otherwise (connection errors, 5xx, 429) and retried.
    pub retries: u64,
}

/// The id of note number `n` from `actor` in a run.
pub fn note_id(actor: &str, run: &str, n: u64) -> String {
    format!("{actor}/statuses/chaosin-{run}-{n}")
}

/// A remote server delivering a signed public `Create(Note)` to the shared
/// inbox every `every` until `stop`, retrying each delivery (freshly
/// signed) until it is accepted, as a remote server's delivery queue does.
pub async fn remote_sender(
    base_url: String,
    actor: String,
    key: ferrodon_core::apub::signatures::keys::PrivateKey,
    run: String,
    every: Duration,
    stop: watch::Receiver<bool>,
) -> Sent {
    use ferrodon_core::apub::signatures::sign::Signer;
    use ferrodon_core::apub::signatures::SignatureFormat;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let inbox = url::Url::parse(&format!("{base_url}/inbox")).unwrap();
    let key_id = format!("{actor}#main-key");
    let mut sent = Sent::default();
    let mut tick = tokio::time::interval(every);
    for n in 0u64.. {
        tick.tick().await;
        if *stop.borrow() {
            break;
        }
        let note = note_id(&actor, &run, n);
        let body = serde_json::to_vec(&serde_json::json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{note}/activity"),
            "type": "Create",
            "actor": actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "id": note,
                "type": "Note",
                "attributedTo": actor,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "content": format!("<p>chaos-in {run} {n}</p>"),
                "published": chrono::Utc::now().to_rfc3339(),
            },
        }))
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let headers = Signer {
                key_id: &key_id,
                key: &key,
            }
            .sign(
                SignatureFormat::Cavage,
                "POST",
                &inbox,
                Some(&body),
                chrono::Utc::now(),
            )
            .unwrap();
            let mut request = client
                .post(inbox.as_str())
                .header("Content-Type", "application/activity+json")
                .body(body.clone());
            for (name, value) in headers.into_iter().filter(|(n, _)| *n != "Host") {
                request = request.header(name, value);
            }
            match request.send().await {
                Ok(r) if r.status().as_u16() == 202 => {
                    sent.accepted.insert(n, note.clone());
                    break;
                }
                Ok(r) if r.status().is_client_error() && r.status().as_u16() != 429 => {
                    let status = r.status();
                    panic!(
                        "delivery {n} refused: {status} {}",
                        r.text().await.unwrap_or_default()
                    );
                }
                _ => {}
            }
            if Instant::now() > deadline {
                sent.given_up.push(n);
                break;
            }
            sent.retries += 1;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    sent
}
