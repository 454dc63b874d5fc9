//! Soak run (issue #8), started by `bench/soak`, which creates the database
//! and the environment. For SOAK_MINUTES it keeps a steady federated load on
//! every Ferrodon process at once:
//!
//! - signed `Create(Note)` deliveries from remote senders to `POST /inbox`
//!   (SOAK_INBOX_RATE per second), stored by `ferrodon-ingress` and spread
//!   by `ferrodon-default`;
//! - local posts through the API (SOAK_POST_RATE per second), each delivered
//!   by `ferrodon-push` to SOAK_FOLLOWERS remote followers, every follower
//!   with its own inbox on a loopback sink in this process;
//! - follows and unfollows between local accounts through the API;
//! - SOAK_STREAMS WebSocket subscribers of the public stream on
//!   `ferrodon-streaming`.
//!
//! Every SOAK_SAMPLE_SECS it records each process's resident memory. At the
//! end it prints the memory growth per hour of each process after the
//! warm-up (least squares over the samples), the latency from an inbox
//! delivery to its arrival on the public stream and from a local post to
//! its arrival in a remote inbox (the queues' lag, end to end), and the
//! counts: sent, accepted, stored, delivered, streamed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::process::Child;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrodon_bench::procs::{env, env_or, free_port, psql, rss_kib, spawn, stop, wait_for_health};
use ferrodon_bench::senders::{generate_keys, presign, seed_senders};
use ferrodon_core::{AppState, Config};
use futures_util::StreamExt;

/// Load and sampling settings, from SOAK_* variables.
struct Settings {
    minutes: f64,
    warmup_secs: u64,
    sample_secs: u64,
    inbox_rate: f64,
    post_rate: f64,
    followers: usize,
    streams: usize,
    posters: usize,
}

impl Settings {
    fn from_env() -> Settings {
        let float = |name: &str, default: f64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Settings {
            minutes: float("SOAK_MINUTES", 30.0),
            warmup_secs: env_or("SOAK_WARMUP_SECS", 300) as u64,
            sample_secs: env_or("SOAK_SAMPLE_SECS", 10) as u64,
            inbox_rate: float("SOAK_INBOX_RATE", 10.0),
            post_rate: float("SOAK_POST_RATE", 1.0),
            followers: env_or("SOAK_FOLLOWERS", 20),
            streams: env_or("SOAK_STREAMS", 20),
            posters: env_or("SOAK_POSTERS", 4),
        }
    }
}

/// When each status (by ActivityPub id) was sent or posted, and the
/// latencies measured against those times.
#[derive(Default)]
struct Clock {
    sent: Mutex<HashMap<String, Instant>>,
    stream_ms: Mutex<Vec<f64>>,
    delivery_ms: Mutex<Vec<f64>>,
}

impl Clock {
    fn start(&self, uri: String) {
        self.sent.lock().unwrap().insert(uri, Instant::now());
    }

    fn since(&self, uri: &str) -> Option<f64> {
        let sent = self.sent.lock().unwrap();
        sent.get(uri).map(|t| t.elapsed().as_secs_f64() * 1000.0)
    }
}

/// The remote followers' inboxes: counts deliveries and times them.
struct Sink {
    port: u16,
    deliveries: Arc<AtomicU64>,
}

impl Sink {
    fn start(clock: Arc<Clock>) -> Sink {
        use actix_web::{web, App, HttpResponse, HttpServer};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let deliveries = Arc::new(AtomicU64::new(0));
        let counter = deliveries.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(move || {
                    let (counter, clock) = (counter.clone(), clock.clone());
                    App::new().route(
                        "/inbox/{n}",
                        web::post().to(move |body: web::Bytes| {
                            let (counter, clock) = (counter.clone(), clock.clone());
                            async move {
                                counter.fetch_add(1, Ordering::Relaxed);
                                let activity: serde_json::Value =
                                    serde_json::from_slice(&body).unwrap_or_default();
                                let object = &activity["object"];
                                let uri = object["id"].as_str().or(object.as_str());
                                if activity["type"] == "Create" {
                                    if let Some(ms) = uri.and_then(|u| clock.since(u)) {
                                        clock.delivery_ms.lock().unwrap().push(ms);
                                    }
                                }
                                HttpResponse::Accepted().finish()
                            }
                        }),
                    )
                })
                .workers(1)
                .listen(listener)
                .unwrap()
                .run()
                .await
                .unwrap();
            });
        });
        Sink { port, deliveries }
    }
}

/// Remote followers 1..=n of every poster, each with its own inbox on the sink.
fn seed_followers(sink_port: u16, n: usize) {
    let host = format!("127.0.0.1:{sink_port}");
    psql(&format!(
        "INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, shared_inbox_url, followers_url)
         SELECT 'follower' || g, '{host}', 'Follower ' || g,
                'http://{host}/users/follower' || g, 'http://{host}/@follower' || g,
                'http://{host}/inbox/' || g, '', 'http://{host}/users/follower' || g || '/followers'
         FROM generate_series(1, {n}) g;
         INSERT INTO follows (account_id, target_account_id)
         SELECT f.id, p.id FROM accounts f, accounts p
         WHERE f.domain = '{host}' AND p.domain IS NULL AND p.username LIKE 'soaker%';
         ANALYZE accounts; ANALYZE follows;"
    ));
}

/// Counters of the streaming subscribers.
#[derive(Default)]
struct StreamStats {
    events: AtomicU64,
    reconnects: AtomicU64,
}

/// One subscriber of the public stream; subscriber 0 times the statuses.
async fn subscribe(url: String, timing: bool, clock: Arc<Clock>, stats: Arc<StreamStats>) {
    let mut first = true;
    loop {
        if !first {
            stats.reconnects.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        first = false;
        let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await else {
            continue;
        };
        let (_, mut read) = ws.split();
        while let Some(Ok(msg)) = read.next().await {
            let Ok(text) = msg.to_text() else { continue };
            let event: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if event["event"] != "update" {
                continue;
            }
            stats.events.fetch_add(1, Ordering::Relaxed);
            if timing {
                let status: serde_json::Value = event["payload"]
                    .as_str()
                    .and_then(|p| serde_json::from_str(p).ok())
                    .unwrap_or_default();
                if let Some(ms) = status["uri"].as_str().and_then(|u| clock.since(u)) {
                    clock.stream_ms.lock().unwrap().push(ms);
                }
            }
        }
    }
}

/// Counts of the load generators.
#[derive(Default)]
struct LoadStats {
    inbox_sent: AtomicUsize,
    inbox_accepted: AtomicUsize,
    posts_sent: AtomicUsize,
    posts_ok: AtomicUsize,
    follows_sent: AtomicUsize,
    follows_ok: AtomicUsize,
}

/// Calls `tick(n)` `rate` times a second until `until`.
async fn steady<F, Fut>(rate: f64, until: Instant, mut tick: F)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    if rate <= 0.0 {
        return;
    }
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n = 0;
    while Instant::now() < until {
        interval.tick().await;
        tokio::spawn(tick(n));
        n += 1;
    }
}

/// The slope of y over x (least squares), in y units per x unit.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let var: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if var == 0.0 {
        0.0
    } else {
        cov / var
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn sorted(values: &Mutex<Vec<f64>>) -> Vec<f64> {
    let mut v = values.lock().unwrap().clone();
    v.sort_by(f64::total_cmp);
    v
}

struct Process {
    name: &'static str,
    child: Child,
}

fn start_processes(web_port: u16, streaming_port: u16) -> Vec<Process> {
    let mut procs = vec![Process {
        name: "ferrodon-web",
        child: spawn("ferrodon-web", &[("PORT", web_port.to_string())]),
    }];
    procs.push(Process {
        name: "ferrodon-streaming",
        child: spawn(
            "ferrodon-streaming",
            &[("STREAMING_PORT", streaming_port.to_string())],
        ),
    });
    for name in [
        "ferrodon-ingress",
        "ferrodon-default",
        "ferrodon-push",
        "ferrodon-pull",
        "ferrodon-mailers",
        "ferrodon-scheduler",
    ] {
        procs.push(Process {
            name,
            child: spawn(name, &[("FERRODON_METRICS_PORT", free_port().to_string())]),
        });
    }
    procs
}

#[tokio::main]
async fn main() {
    let settings = Settings::from_env();
    let config = Config::from_env().expect("configuration");
    let state = AppState::new(config).expect("state");
    let clock = Arc::new(Clock::default());
    let sink = Sink::start(clock.clone());

    let keys = generate_keys(8);
    let senders = 200;
    seed_senders(senders, &keys);
    let mut tokens = Vec::new();
    for i in 0..settings.posters {
        let (_, _, token) =
            ferrodon_testkit::factories::local_user(&state, &format!("soaker{i}")).await;
        tokens.push(token);
    }
    seed_followers(sink.port, settings.followers);
    let ids: Vec<String> = psql(
        "SELECT id FROM accounts WHERE domain IS NULL AND username LIKE 'soaker%' ORDER BY username",
    )
    .lines()
    .map(str::to_owned)
    .collect();

    let web_port: u16 = env("PORT").parse().unwrap();
    let streaming_port: u16 = env("STREAMING_PORT").parse().unwrap();
    let mut procs = start_processes(web_port, streaming_port);
    wait_for_health(web_port).await;
    tokio::time::sleep(Duration::from_secs(1)).await;

    let stream_stats = Arc::new(StreamStats::default());
    for i in 0..settings.streams {
        let url = format!(
            "ws://127.0.0.1:{streaming_port}/api/v1/streaming?stream=public&access_token={}",
            tokens[0]
        );
        tokio::spawn(subscribe(url, i == 0, clock.clone(), stream_stats.clone()));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    let started = Instant::now();
    let until = started + Duration::from_secs_f64(settings.minutes * 60.0);
    let load = Arc::new(LoadStats::default());
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{web_port}");
    let inbox = url::Url::parse(&format!("{base}/inbox")).unwrap();
    let keys = Arc::new(keys);
    let run = format!("soak{}-", std::process::id());

    let inbox_load = {
        let (client, load, clock, keys, run) = (
            client.clone(),
            load.clone(),
            clock.clone(),
            keys.clone(),
            run.clone(),
        );
        steady(settings.inbox_rate, until, move |n| {
            let (client, load, clock, keys, inbox, run) = (
                client.clone(),
                load.clone(),
                clock.clone(),
                keys.clone(),
                inbox.clone(),
                run.clone(),
            );
            async move {
                let delivery = presign(&keys, senders, 20, &inbox, &run, n..n + 1)
                    .pop()
                    .unwrap();
                let activity: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
                clock.start(activity["object"]["id"].as_str().unwrap().to_owned());
                let mut request = client.post(inbox.as_str()).body(delivery.body);
                for (name, value) in &delivery.headers {
                    request = request.header(*name, value);
                }
                request = request.header("Content-Type", "application/activity+json");
                load.inbox_sent.fetch_add(1, Ordering::Relaxed);
                if let Ok(resp) = request.send().await {
                    if resp.status().as_u16() == 202 {
                        load.inbox_accepted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };
    let post_load = {
        let (client, load, clock, tokens, base) = (
            client.clone(),
            load.clone(),
            clock.clone(),
            tokens.clone(),
            base.clone(),
        );
        steady(settings.post_rate, until, move |n| {
            let (client, load, clock) = (client.clone(), load.clone(), clock.clone());
            let token = tokens[n % tokens.len()].clone();
            let url = format!("{base}/api/v1/statuses");
            async move {
                load.posts_sent.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let Ok(resp) = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "status": format!("soak post {n}") }))
                    .send()
                    .await
                else {
                    return;
                };
                if resp.status() != 200 {
                    return;
                }
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                if let Some(uri) = body["uri"].as_str() {
                    load.posts_ok.fetch_add(1, Ordering::Relaxed);
                    clock.sent.lock().unwrap().insert(uri.to_owned(), sent);
                }
            }
        })
    };
    let follow_load = {
        let (client, load, tokens, ids, base) = (
            client.clone(),
            load.clone(),
            tokens.clone(),
            ids.clone(),
            base.clone(),
        );
        steady(0.5, until, move |n| {
            let (client, load) = (client.clone(), load.clone());
            let token = tokens[n % tokens.len()].clone();
            let target = &ids[(n + 1) % ids.len()];
            // Every other round for a pair undoes the previous one.
            let verb = if (n / tokens.len()) % 2 == 0 {
                "follow"
            } else {
                "unfollow"
            };
            let url = format!("{base}/api/v1/accounts/{target}/{verb}");
            async move {
                load.follows_sent.fetch_add(1, Ordering::Relaxed);
                if let Ok(resp) = client.post(&url).bearer_auth(&token).send().await {
                    if resp.status() == 200 {
                        load.follows_ok.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        })
    };
    let sampler = {
        let pids: Vec<u32> = procs.iter().map(|p| p.child.id()).collect();
        let every = Duration::from_secs(settings.sample_secs);
        async move {
            let mut samples: Vec<(f64, Vec<u64>)> = Vec::new();
            while Instant::now() < until {
                samples.push((
                    started.elapsed().as_secs_f64(),
                    pids.iter().map(|p| rss_kib(*p)).collect(),
                ));
                tokio::time::sleep(every).await;
            }
            samples
        }
    };
    let (_, _, _, samples) = tokio::join!(inbox_load, post_load, follow_load, sampler);

    // Let the last requests finish and the queues drain: every post
    // delivered to every follower.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let expected_deliveries = (load.posts_ok.load(Ordering::Relaxed) * settings.followers) as u64;
    let drain_started = Instant::now();
    while sink.deliveries.load(Ordering::Relaxed) < expected_deliveries
        && drain_started.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stored_remote: usize = psql(&format!(
        "SELECT count(*) FROM statuses WHERE uri LIKE '%/statuses/{run}%'"
    ))
    .parse()
    .unwrap_or(0);
    let alive: Vec<bool> = procs
        .iter_mut()
        .map(|p| matches!(p.child.try_wait(), Ok(None)))
        .collect();

    report(
        &settings,
        &procs,
        &alive,
        &samples,
        &load,
        stored_remote,
        sink.deliveries.load(Ordering::Relaxed),
        expected_deliveries,
        &stream_stats,
        &clock,
    );
    for p in procs {
        stop(p.child);
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    settings: &Settings,
    procs: &[Process],
    alive: &[bool],
    samples: &[(f64, Vec<u64>)],
    load: &LoadStats,
    stored_remote: usize,
    delivered: u64,
    expected_deliveries: u64,
    streams: &StreamStats,
    clock: &Clock,
) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "Soak: {:.0} min; inbox {}/s, posts {}/s to {} remote followers each, a follow or unfollow every 2 s, {} public-stream subscribers; memory sampled every {} s, growth fitted after a {} s warm-up.",
        settings.minutes,
        settings.inbox_rate,
        settings.post_rate,
        settings.followers,
        settings.streams,
        settings.sample_secs,
        settings.warmup_secs
    );
    println!();
    println!("| process | RSS after warm-up (MiB) | RSS at end (MiB) | max (MiB) | growth (MiB/hour) | still running |");
    println!("|---|---|---|---|---|---|");
    let after: Vec<&(f64, Vec<u64>)> = samples
        .iter()
        .filter(|(t, _)| *t >= settings.warmup_secs as f64)
        .collect();
    for (i, p) in procs.iter().enumerate() {
        let series: Vec<(f64, f64)> = after.iter().map(|(t, v)| (t / 3600.0, mib(v[i]))).collect();
        let first = series.first().map_or(f64::NAN, |p| p.1);
        let last = series.last().map_or(f64::NAN, |p| p.1);
        let max = samples.iter().map(|(_, v)| mib(v[i])).fold(0.0, f64::max);
        println!(
            "| {} | {first:.1} | {last:.1} | {max:.1} | {:+.2} | {} |",
            p.name,
            slope(&series),
            if alive[i] { "yes" } else { "**no**" }
        );
    }
    println!();
    let stream = sorted(&clock.stream_ms);
    let delivery = sorted(&clock.delivery_ms);
    println!("| latency (ms) | samples | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (what, v) in [
        (
            "inbox POST → public stream (ingress + default queues)",
            &stream,
        ),
        (
            "local post → remote inbox (default + push queues)",
            &delivery,
        ),
    ] {
        println!(
            "| {what} | {} | {:.0} | {:.0} | {:.0} |",
            v.len(),
            percentile(v, 50.0),
            percentile(v, 99.0),
            v.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!();
    let accepted = load.inbox_accepted.load(Ordering::Relaxed);
    println!("| count | value |");
    println!("|---|---|");
    for (what, value) in [
        (
            "inbox deliveries sent",
            load.inbox_sent.load(Ordering::Relaxed).to_string(),
        ),
        ("… accepted (202)", accepted.to_string()),
        ("… stored as statuses", stored_remote.to_string()),
        (
            "local posts sent",
            load.posts_sent.load(Ordering::Relaxed).to_string(),
        ),
        (
            "… created (200)",
            load.posts_ok.load(Ordering::Relaxed).to_string(),
        ),
        (
            "deliveries expected (posts × followers)",
            expected_deliveries.to_string(),
        ),
        ("… received by the remote inboxes", delivered.to_string()),
        (
            "follows/unfollows sent",
            load.follows_sent.load(Ordering::Relaxed).to_string(),
        ),
        (
            "… answered 200",
            load.follows_ok.load(Ordering::Relaxed).to_string(),
        ),
        (
            "statuses timed on the public stream",
            stream.len().to_string(),
        ),
        (
            "stream events received, all subscribers",
            streams.events.load(Ordering::Relaxed).to_string(),
        ),
        (
            "stream reconnects",
            streams.reconnects.load(Ordering::Relaxed).to_string(),
        ),
    ] {
        println!("| {what} | {value} |");
    }
    if let Ok(path) = std::env::var("SOAK_CSV") {
        let mut csv = String::from("seconds");
        for p in procs {
            csv.push_str(&format!(",{}_kib", p.name));
        }
        csv.push('\n');
        for (t, v) in samples {
            csv.push_str(&format!("{t:.0}"));
            for kib in v {
                csv.push_str(&format!(",{kib}"));
            }
            csv.push('\n');
        }
        std::fs::write(&path, csv).unwrap();
        println!();
        println!("Samples written to {path}");
    }
}
