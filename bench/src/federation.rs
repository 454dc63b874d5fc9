//! Federation benchmark, run by `bench/federation` (which creates the
//! database, the local accounts and the environment). Each figure comes
//! with a same-run baseline:
//!
//! 1. `ingest`: signed `Create(Note)` deliveries from remote senders stored
//!    in the database (real RSA keys, so no actor fetch), pre-signed, then
//!    fired at `POST /inbox` of a release `ferrodon-web` over many
//!    connections: accepted (202) per second with no ingress worker; then
//!    release `ferrodon-ingress` drains that backlog: statuses stored per
//!    second; then both at once. Against `pgbench` running an INSERT-only
//!    script at the ingress worker's concurrency.
//! 2. `deliver`: one status by a local author fanned out to N remote
//!    followers, each with its own inbox on a loopback sink (this process),
//!    by a release `ferrodon-push`: deliveries per second, and the CPU the
//!    push worker used. Against RSA-2048 signatures per second on one core.
//! 3. `sign`: the signing baseline alone, and what a delivery's key
//!    handling costs (PEM parsing per job).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrodon_bench::procs::{env, env_or, free_port, psql, spawn, stop, wait_for_health, CpuSplit};
use ferrodon_bench::senders::{generate_keys, presign, seed_senders, Presigned};
use ferrodon_core::apub::signatures::keys::{PrivateKey, PublicKey, SignatureAlgorithm};
use ferrodon_core::db::queries::{accounts, users};
use ferrodon_core::jobs::{queue, Job, Queue};
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::{AppState, Config};

// ---------------------------------------------------------------- signing

/// A draft-cavage signing string as a delivery to a loopback inbox has it.
fn typical_signing_string() -> String {
    "(request-target): post /inbox/1234\nhost: 127.0.0.1:41234\ndate: Tue, 24 Nov 2026 12:00:00 GMT\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=".to_owned()
}

/// Runs `f` on this thread for about `secs`; calls per second.
fn rate(secs: f64, mut f: impl FnMut()) -> f64 {
    for _ in 0..20 {
        f();
    }
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed().as_secs_f64() < secs {
        for _ in 0..10 {
            f();
        }
        n += 10;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

/// Same-run baselines of one core: RSA-2048 PKCS#1 v1.5 SHA-256 signing
/// with a parsed key, the PEM parse a delivery does first, both together,
/// and verification (what the inbox does per request).
struct SignRates {
    sign: f64,
    parse: f64,
    parse_and_sign: f64,
    verify_pem: f64,
}

fn sign_rates(secs: f64) -> SignRates {
    let key = PrivateKey::generate().unwrap();
    let pem = key.to_pkcs8_pem().unwrap();
    let public_pem = key.public_key_pem().unwrap();
    let text = typical_signing_string();
    let signature = key.sign_rsa_sha256(text.as_bytes()).unwrap();
    SignRates {
        sign: rate(secs, || {
            std::hint::black_box(key.sign_rsa_sha256(text.as_bytes()).unwrap());
        }),
        parse: rate(secs, || {
            std::hint::black_box(PrivateKey::from_pem(&pem).unwrap());
        }),
        parse_and_sign: rate(secs, || {
            let k = PrivateKey::from_pem(&pem).unwrap();
            std::hint::black_box(k.sign_rsa_sha256(text.as_bytes()).unwrap());
        }),
        verify_pem: rate(secs, || {
            let k = PublicKey::from_pem(&public_pem).unwrap();
            k.verify(
                SignatureAlgorithm::RsaPkcs1v15Sha256,
                text.as_bytes(),
                &signature,
            )
            .unwrap();
        }),
    }
}

fn print_sign_rates(r: &SignRates) {
    println!("| one core, aws-lc-rs | per second | µs each |");
    println!("|---|---|---|");
    for (what, v) in [
        ("RSA-2048 PKCS#1 v1.5 SHA-256 sign, key parsed once", r.sign),
        ("PrivateKey::from_pem (PKCS#8, 2048 bits)", r.parse),
        (
            "from_pem + sign (each Deliver job, before keys were cached)",
            r.parse_and_sign,
        ),
        (
            "PublicKey::from_pem + verify (what the inbox does)",
            r.verify_pem,
        ),
    ] {
        println!("| {what} | {v:.0} | {:.0} |", 1e6 / v);
    }
}

// ---------------------------------------------------------------- ingest

/// `n` deliveries signed on all cores.
fn presign_all(
    keys: &[PrivateKey],
    senders: usize,
    tags: usize,
    inbox: &url::Url,
    batch: &str,
    n: usize,
) -> Vec<Presigned> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * per).min(n)..((t + 1) * per).min(n);
                s.spawn(move || presign(keys, senders, tags, inbox, batch, range))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

struct Fired {
    took: Duration,
    accepted: usize,
    other: Vec<(u16, usize)>,
}

/// Sends every request over `connections` concurrent connections.
async fn fire(inbox: &str, requests: Vec<Presigned>, connections: usize) -> Fired {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let codes: Arc<Vec<AtomicUsize>> = Arc::new((0..600).map(|_| AtomicUsize::new(0)).collect());
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (client, requests, next, codes) = (
                client.clone(),
                requests.clone(),
                next.clone(),
                codes.clone(),
            );
            let inbox = inbox.to_owned();
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(req) = requests.get(i) else { break };
                    let mut builder = client
                        .post(&inbox)
                        .header("Content-Type", "application/activity+json");
                    for (name, value) in &req.headers {
                        builder = builder.header(*name, value);
                    }
                    let code = match builder.body(req.body.clone()).send().await {
                        Ok(resp) => {
                            let code = resp.status().as_u16();
                            let _ = resp.bytes().await;
                            code
                        }
                        Err(_) => 599,
                    };
                    codes[usize::from(code).min(599)].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let took = started.elapsed();
    let accepted = codes[202].load(Ordering::Relaxed);
    let other = codes
        .iter()
        .enumerate()
        .filter(|(code, n)| *code != 202 && n.load(Ordering::Relaxed) > 0)
        .map(|(code, n)| (code as u16, n.load(Ordering::Relaxed)))
        .collect();
    Fired {
        took,
        accepted,
        other,
    }
}

/// Transactions committed and rows written in the benchmark database so
/// far, once PostgreSQL has flushed its statistics (an idle backend flushes
/// within 10 s).
fn db_activity() -> (f64, f64) {
    std::thread::sleep(Duration::from_millis(10_500));
    let row = psql(
        "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()",
    );
    let mut v = row.split('|').map(|x| x.parse::<f64>().unwrap_or(0.0));
    (v.next().unwrap_or(0.0), v.next().unwrap_or(0.0))
}

fn remote_statuses() -> usize {
    psql("SELECT count(*) FROM statuses WHERE NOT local")
        .parse()
        .unwrap()
}

/// Waits until `target` remote statuses are stored: the ingress queue's
/// finished count tells when to look (cheap to poll), the statuses table
/// has the last word. Returns when the last row was seen.
async fn wait_for_statuses(state: &AppState, done_before: u64, jobs: usize, target: usize) {
    let started = Instant::now();
    loop {
        let s = queue::stats(state, Queue::Ingress).await.unwrap();
        if s.done + s.dead - done_before >= jobs as u64 && remote_statuses() >= target {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(900),
            "statuses were not all stored: {s:?}, {} rows",
            remote_statuses()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// pgbench, INSERT-only into a scratch table, `clients` clients, 10 s.
fn pgbench(clients: usize) -> f64 {
    psql(
        "DROP TABLE IF EXISTS bench_pgbench_writes;
         CREATE TABLE bench_pgbench_writes (id bigserial PRIMARY KEY, account_id bigint NOT NULL, uri text NOT NULL, content text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());",
    );
    let dir = std::env::temp_dir().join(format!("ferrodon-bench-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("insert.sql");
    std::fs::write(
        &script,
        "\\set a random(1, 1000000)\n\
         INSERT INTO bench_pgbench_writes (account_id, uri, content) VALUES (:a, 'http://127.0.0.1:9/users/sender' || :a || '/statuses/' || :a, '<p>Benchmark note: a sentence or two of text, as a typical post has.</p>');\n",
    )
    .unwrap();
    let out = Command::new("pgbench")
        .args([
            "-n",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            "10",
            "-f",
        ])
        .arg(&script)
        .arg(env("DATABASE_URL"))
        .stderr(Stdio::null())
        .output()
        .expect("pgbench");
    let _ = std::fs::remove_dir_all(&dir);
    psql("DROP TABLE bench_pgbench_writes");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text}"))
}

fn refused(f: &Fired) -> String {
    if f.other.is_empty() {
        "0".to_owned()
    } else {
        f.other
            .iter()
            .map(|(c, k)| format!("{k}×{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn ingest(state: &AppState) {
    let n = env_or("BENCH_REQUESTS", 20_000);
    let senders = env_or("BENCH_SENDERS", 1_000);
    let key_count = env_or("BENCH_KEYS", 16).clamp(1, senders);
    let connections = env_or("BENCH_CONNECTIONS", 64);
    let tags = env_or("BENCH_TAGS", 100);
    let ingress_concurrency = state.config.worker_concurrency;

    eprintln!("generating {key_count} RSA keys, seeding {senders} senders...");
    let keys = generate_keys(key_count);
    seed_senders(senders, &keys);

    let port = free_port();
    let web = spawn("ferrodon-web", &[("PORT", port.to_string())]);
    let web_pid = web.id();
    wait_for_health(port).await;
    let inbox = format!("http://127.0.0.1:{port}/inbox");
    let inbox_url = url::Url::parse(&inbox).unwrap();

    let split = CpuSplit::start(&[]);
    let tps = pgbench(ingress_concurrency);
    let pgbench_cpu = split.cores();

    // 1. The web process alone: accept, queue, answer.
    eprintln!("signing {n} deliveries...");
    let started = Instant::now();
    let batch = presign_all(&keys, senders, tags, &inbox_url, "a", n);
    let signing = started.elapsed();
    let before = remote_statuses();
    let done_before = queue::stats(state, Queue::Ingress).await.unwrap().done;
    let db_before = db_activity();
    let split = CpuSplit::start(&[Some(web_pid), None]);
    let fired = fire(&inbox, batch, connections).await;
    let accept_cpu = split.cores();
    let db_accept = db_activity();
    let accept_rate = fired.accepted as f64 / fired.took.as_secs_f64();

    // 2. Release ingress workers drain that backlog.
    let worker = spawn("ferrodon-ingress", &[]);
    let worker_pid = worker.id();
    let split = CpuSplit::start(&[Some(web_pid), Some(worker_pid)]);
    let started = Instant::now();
    wait_for_statuses(state, done_before, fired.accepted, before + fired.accepted).await;
    let drain = started.elapsed();
    let drain_cpu = split.cores();
    let db_drain = db_activity();
    let persist_rate = fired.accepted as f64 / drain.as_secs_f64();

    // 3. Both at once: accept and store, timed until the last row.
    eprintln!("signing {n} more deliveries...");
    let batch = presign_all(&keys, senders, tags, &inbox_url, "b", n);
    let before = remote_statuses();
    let done_before = queue::stats(state, Queue::Ingress).await.unwrap().done;
    let split = CpuSplit::start(&[Some(web_pid), Some(worker_pid)]);
    let started = Instant::now();
    let both = fire(&inbox, batch, connections).await;
    wait_for_statuses(state, done_before, both.accepted, before + both.accepted).await;
    let end_to_end = started.elapsed();
    let both_cpu = split.cores();
    let both_accept_rate = both.accepted as f64 / both.took.as_secs_f64();
    let both_rate = both.accepted as f64 / end_to_end.as_secs_f64();
    stop(worker);
    stop(web);

    let stats = queue::stats(state, Queue::Ingress).await.unwrap();
    eprintln!(
        "signed {n} in {:.1} s; ingress queue after: {stats:?}",
        signing.as_secs_f64()
    );
    println!(
        "{n} signed Create(Note) deliveries per phase from {senders} senders ({key_count} RSA-2048 keys), {} hashtags, {connections} connections, ferrodon-web WEB_CONCURRENCY={}, one ferrodon-ingress FERRODON_WORKER_CONCURRENCY={ingress_concurrency}",
        match tags {
            0 => "no".to_owned(),
            1 => "one shared".to_owned(),
            t => format!("one of {t}"),
        },
        env("WEB_CONCURRENCY")
    );
    println!();
    println!("| phase | time | rate | not 202 | same-run baseline | ratio |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| accept: POST /inbox → 202, no ingress worker | {:.2} s | {accept_rate:.0} accepted/s | {} | target 5,000/s | {:.2}x |",
        fired.took.as_secs_f64(),
        refused(&fired),
        accept_rate / 5000.0
    );
    println!(
        "| persist: ferrodon-ingress drains the {} queued | {:.2} s | {persist_rate:.0} statuses/s | | pgbench INSERT, {ingress_concurrency} clients: {tps:.0} tps | {:.2}x |",
        fired.accepted,
        drain.as_secs_f64(),
        persist_rate / tps
    );
    println!(
        "| both at once: accept while ingress stores, until the last row | {:.2} s | {both_rate:.0} statuses/s (accepted at {both_accept_rate:.0}/s) | {} | pgbench {tps:.0} tps | {:.2}x |",
        end_to_end.as_secs_f64(),
        refused(&both),
        both_rate / tps
    );
    println!();
    println!("| CPU, cores used | web | ingress | PostgreSQL | Redis | load generator | machine |");
    println!("|---|---|---|---|---|---|---|");
    for (phase, c) in [
        ("accept", &accept_cpu),
        ("persist", &drain_cpu),
        ("both", &both_cpu),
    ] {
        println!(
            "| {phase} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            c[0], c[1], c[2], c[3], c[4], c[5]
        );
    }
    let per = |cores: f64, rate: f64| cores * 1e6 / rate;
    println!();
    println!(
        "CPU per status: accept {:.0} µs in web, {:.0} µs machine-wide; persist {:.0} µs in ingress, {:.0} µs in PostgreSQL, {:.0} µs machine-wide",
        per(accept_cpu[0], accept_rate),
        per(accept_cpu[5], accept_rate),
        per(drain_cpu[1], persist_rate),
        per(drain_cpu[2], persist_rate),
        per(drain_cpu[5], persist_rate)
    );
    println!(
        "pgbench: {:.0} µs machine-wide per INSERT (1 transaction, 1 row written)",
        per(pgbench_cpu[3], tps)
    );
    let accepted = fired.accepted.max(1) as f64;
    println!(
        "PostgreSQL per status: accept {:.1} transactions, {:.1} rows written; persist {:.1} transactions, {:.1} rows written",
        (db_accept.0 - db_before.0) / accepted,
        (db_accept.1 - db_before.1) / accepted,
        (db_drain.0 - db_accept.0) / accepted,
        (db_drain.1 - db_accept.1) / accepted
    );
}

// ---------------------------------------------------------------- deliver

/// The loopback sink: counts POSTs to /inbox/N and answers 202.
struct Sink {
    port: u16,
    hits: Arc<Vec<AtomicU32>>,
    distinct: Arc<AtomicUsize>,
    total: Arc<AtomicU64>,
    unsigned: Arc<AtomicU64>,
}

impl Sink {
    fn start(size: usize) -> Sink {
        use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits: Arc<Vec<AtomicU32>> = Arc::new((0..=size).map(|_| AtomicU32::new(0)).collect());
        let distinct = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicU64::new(0));
        let unsigned = Arc::new(AtomicU64::new(0));
        let counters = (
            hits.clone(),
            distinct.clone(),
            total.clone(),
            unsigned.clone(),
        );
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                HttpServer::new(move || {
                    let (hits, distinct, total, unsigned) = counters.clone();
                    App::new().route(
                        "/inbox/{n}",
                        web::post().to(
                            move |req: HttpRequest, path: web::Path<usize>, _body: web::Bytes| {
                                let (hits, distinct, total, unsigned) = (
                                    hits.clone(),
                                    distinct.clone(),
                                    total.clone(),
                                    unsigned.clone(),
                                );
                                async move {
                                    total.fetch_add(1, Ordering::Relaxed);
                                    if !req.headers().contains_key("signature") {
                                        unsigned.fetch_add(1, Ordering::Relaxed);
                                    }
                                    if let Some(slot) = hits.get(path.into_inner()) {
                                        if slot.fetch_add(1, Ordering::Relaxed) == 0 {
                                            distinct.fetch_add(1, Ordering::Relaxed);
                                        }
                                    }
                                    HttpResponse::Accepted().finish()
                                }
                            },
                        ),
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
        Sink {
            port,
            hits,
            distinct,
            total,
            unsigned,
        }
    }

    fn reset(&self) {
        for h in self.hits.iter() {
            h.store(0, Ordering::Relaxed);
        }
        self.distinct.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.unsigned.store(0, Ordering::Relaxed);
    }
}

/// Makes followers 1..=n of `star` (creating the accounts up to n), each
/// with its own inbox on the sink.
fn seed_followers(sink_port: u16, from: usize, to: usize) {
    let host = format!("127.0.0.1:{sink_port}");
    psql(&format!(
        "INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, shared_inbox_url, followers_url)
         SELECT 'follower' || g, '{host}', 'Follower ' || g,
                'http://{host}/users/follower' || g, 'http://{host}/@follower' || g,
                'http://{host}/inbox/' || g, '', 'http://{host}/users/follower' || g || '/followers'
         FROM generate_series({from}, {to}) g;
         INSERT INTO follows (account_id, target_account_id)
         SELECT a.id, (SELECT id FROM accounts WHERE username = 'star' AND domain IS NULL)
         FROM accounts a WHERE a.domain = '{host}' AND a.username LIKE 'follower%'
           AND substr(a.username, 9)::int BETWEEN {from} AND {to};
         ANALYZE accounts; ANALYZE follows;"
    ));
}

async fn deliver(state: &AppState) {
    let sizes: Vec<usize> = std::env::var("BENCH_FOLLOWERS")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let max = sizes.iter().copied().max().unwrap_or(0);
    let sink = Sink::start(max);
    let rates = sign_rates(2.0);

    let mut conn = state.conn().await.unwrap();
    let star = accounts::get_account_by_acct(&mut conn, "star", None)
        .await
        .unwrap();
    let star_user = users::get_user_by_account_id(&mut conn, star.id)
        .await
        .unwrap();
    drop(conn);

    let worker = spawn("ferrodon-push", &[]);
    let worker_pid = worker.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let concurrency = state.config.worker_concurrency;
    println!(
        "Push worker: one ferrodon-push process, FERRODON_WORKER_CONCURRENCY={concurrency}, {} runtime threads (cores)",
        std::thread::available_parallelism().map_or(2, |n| n.get())
    );
    println!();
    println!("| followers (own inboxes) | time to the last delivery | deliveries/s | push worker CPU | sign rate × cores used | ratio | target |");
    println!("|---|---|---|---|---|---|---|");
    let mut seeded = 0;
    let mut splits = Vec::new();
    for &n in &sizes {
        if n > seeded {
            seed_followers(sink.port, seeded + 1, n);
            seeded = n;
        }
        sink.reset();
        let split = CpuSplit::start(&[Some(worker_pid)]);
        let started = Instant::now();
        let status = post_status(
            state,
            &star_user,
            &star,
            NewPost {
                text: format!("Delivery benchmark to {n} followers, with a #hashtag and a link https://example.com/"),
                ..NewPost::default()
            },
            None,
        )
        .await
        .unwrap();
        // The status's fan-out job, run here: it queues one Deliver per inbox.
        ferrodon_worker::perform::perform(
            state,
            &Job::DistributeStatus {
                status_id: status.id,
                edited: false,
            },
        )
        .await
        .unwrap();
        let queued = started.elapsed();
        loop {
            if sink.distinct.load(Ordering::Relaxed) >= n {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "only {} of {n} inboxes reached",
                sink.distinct.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let took = started.elapsed();
        let cpu = split.cores();
        let cores = cpu[0];
        let used = cores * took.as_secs_f64();
        let per_sec = n as f64 / took.as_secs_f64();
        let expected = rates.sign * cores;
        splits.push((n, cpu));
        eprintln!(
            "{n}: queued in {:.3} s; {} POSTs ({} unsigned)",
            queued.as_secs_f64(),
            sink.total.load(Ordering::Relaxed),
            sink.unsigned.load(Ordering::Relaxed)
        );
        println!(
            "| {n} | {:.2} s | {per_sec:.0} | {used:.2} CPU-s, {cores:.2} cores ({:.0} µs per delivery) | {:.0} × {cores:.2} = {expected:.0}/s | {:.2}x | 0.6x |",
            took.as_secs_f64(),
            used * 1e6 / n as f64,
            rates.sign,
            per_sec / expected
        );
    }
    stop(worker);
    println!();
    println!("| CPU, cores used | push | PostgreSQL | Redis | sink + bench | machine |");
    println!("|---|---|---|---|---|---|");
    for (n, c) in &splits {
        println!(
            "| {n} followers | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            c[0], c[1], c[2], c[3], c[4]
        );
    }
    println!();
    print_sign_rates(&rates);
    let vacuumed = queue::vacuum(state).await.unwrap();
    eprintln!("vacuumed {vacuumed} finished jobs");
}

#[tokio::main]
async fn main() {
    let scenario = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    if scenario == "sign" {
        print_sign_rates(&sign_rates(3.0));
        return;
    }
    let config = Config::from_env().expect("configuration");
    let state = AppState::new(config).expect("state");
    if scenario == "all" || scenario == "ingest" {
        ingest(&state).await;
        println!();
    }
    if scenario == "all" || scenario == "deliver" {
        deliver(&state).await;
    }
}
