//! `ferrodonctl domains crawl`: walks the fediverse through each server's
//! `/api/v1/instance/peers`, noting which software version answers, with
//! the remote HTTP client (private addresses refused unless allowed).
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::Duration;

use tokio::task::JoinSet;

use crate::http_client::fetch_limited;
use crate::AppState;

const MAX_BYTES: u64 = 4 << 20;
const TIMEOUT: Duration = Duration::from_secs(10);

/// What one server said about itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Server {
    /// Its domain.
    pub domain: String,
    /// The `version` of its `/api/v1/instance`, when it answered.
    pub version: Option<String>,
    /// How many peers it listed.
    pub peers: usize,
}

/// Crawls breadth-first from `start` (asking at most `max_servers` servers,
/// `concurrency` at a time); returns every server that answered, by domain.
pub async fn crawl(
    state: &AppState,
    start: Vec<String>,
    concurrency: usize,
    max_servers: usize,
) -> BTreeMap<String, Server> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    for d in start {
        let d = d.trim().to_ascii_lowercase();
        if !d.is_empty() && seen.insert(d.clone()) {
            queue.push_back(d);
        }
    }
    let mut found = BTreeMap::new();
    let mut running = JoinSet::new();
    let mut asked = 0;
    loop {
        while running.len() < concurrency.max(1) && asked < max_servers {
            let Some(domain) = queue.pop_front() else {
                break;
            };
            asked += 1;
            let state = state.clone();
            running.spawn(async move { visit(&state, domain).await });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let Ok(Some((server, peers))) = joined else {
            continue;
        };
        for peer in peers {
            let peer = peer.trim().to_ascii_lowercase();
            if !peer.is_empty() && seen.insert(peer.clone()) {
                queue.push_back(peer);
            }
        }
        found.insert(server.domain.clone(), server);
    }
    found
}

async fn visit(state: &AppState, domain: String) -> Option<(Server, Vec<String>)> {
    let scheme = if state.config.dev_allow_http {
        "http"
    } else {
        "https"
    };
    let get = |path: &'static str| {
        let url = format!("{scheme}://{domain}{path}");
        async move {
            let fetched = fetch_limited(&state.http, &url, MAX_BYTES, TIMEOUT)
                .await
                .ok()?;
            serde_json::from_slice::<serde_json::Value>(&fetched.bytes).ok()
        }
    };
    let instance = get("/api/v1/instance").await?;
    let version = instance
        .get("version")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let peers: Vec<String> = get("/api/v1/instance/peers")
        .await
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    Some((
        Server {
            domain: domain.clone(),
            version,
            peers: peers.len(),
        },
        peers,
    ))
}
