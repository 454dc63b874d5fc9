//! The fault test (issues #7 and #8): a whole instance — ferrodon-web,
//! ferrodon-streaming, a `push` worker and a worker for the other queues —
//! on a PostgreSQL and a Redis of the test's own, under a steady load of
//! posts (each delivered to a fake remote follower's inbox), signed deliveries
//! from a remote server to the shared inbox, follows and
//! streaming listeners, while the test restarts PostgreSQL, restarts Redis,
//! stops a worker with SIGTERM (a rolling restart), kills the push worker
//! mid-job and kills the web process (each restarted as a supervisor
//! would). Then it checks that nothing acknowledged was lost:
//!
//! - every status acknowledged with 200 exists, exactly once;
//! - every acknowledged status was delivered to the remote inbox (at least once);
//! - every delivery our inbox accepted (202) became exactly one status;
//! - every acknowledged follow exists;
//! - the streaming listeners heard posts made after the last fault;
//! - only the processes the test killed or stopped were ever restarted.
//!
//! FERRODON_CHAOS_SECONDS sets how long the load runs (default 30); the
//! faults are spread over it. It is `#[ignore]`d so that workspace test
//! runs leave it out; `scripts/test` runs it as a step of its own:
//! `cargo test -p ferrodon-e2e --test chaos -- --ignored --nocapture`.
//! docs/operations.md ("Fault tolerance") has the long form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod load;
mod procs;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use ferrodon_core::db::models::{NewAccount, NewFollow};
use ferrodon_core::{AppState, Config};
use ferrodon_testkit::app::{free_port, instance_env};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::own_postgres::OwnPostgres;
use ferrodon_testkit::own_redis::OwnRedis;
use tokio::sync::watch;

use procs::Proc;

/// Followers that follow the poster one by one during the run.
const FOLLOWERS: usize = 12;
/// How long everything may take to catch up once the load stopped (a
/// killed worker's jobs come back after its 30 s heartbeat timeout).
const DRAIN: Duration = Duration::from_secs(120);

fn load_seconds() -> u64 {
    std::env::var("FERRODON_CHAOS_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30)
        .max(20)
}

async fn status_of(client: &reqwest::Client, url: &str) -> Option<u16> {
    client
        .get(url)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

async fn wait_ready(client: &reqwest::Client, url: &str, proc: &Proc) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while status_of(client, url).await != Some(200) {
        assert!(
            Instant::now() < deadline,
            "{} did not become ready at {url}:\n{}",
            proc.name,
            proc.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `psql` against the test's own server; one row per line, `|` between columns.
fn psql(pg: &OwnPostgres, db: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-X", "-A", "-t", "-d", &pg.url(db), "-c", sql])
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A remote account whose shared inbox is `inbox`, following `target`.
async fn remote_follower(state: &AppState, inbox_base: &str, target: i64) {
    let domain = inbox_base.trim_start_matches("http://").to_owned();
    let mut conn = state.conn().await.unwrap();
    let account = ferrodon_core::db::queries::accounts::put_account(
        &mut conn,
        &NewAccount {
            username: "peer".into(),
            domain: Some(domain.clone()),
            display_name: "peer".into(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: format!("{inbox_base}/users/peer"),
            url: Some(format!("{inbox_base}/@peer")),
            inbox_url: format!("{inbox_base}/users/peer/inbox"),
            shared_inbox_url: format!("{inbox_base}/inbox"),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: None,
        },
    )
    .await
    .unwrap();
    ferrodon_core::db::queries::follows::put_follow(
        &mut conn,
        &NewFollow {
            account_id: account.id,
            target_account_id: target,
            show_reblogs: true,
            notify: false,
            languages: None,
            uri: Some(format!("{inbox_base}/follows/1")),
        },
    )
    .await
    .unwrap();
}

/// Waits until the push worker runs at least one job (so the kill lands
/// mid-job), for at most three seconds; whether it saw one.
async fn push_job_running(client: &reqwest::Client, metrics_port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
            .send()
            .await
        {
            let text = r.text().await.unwrap_or_default();
            let running = text
                .lines()
                .find(|l| l.starts_with("ferrodon_queue_running{queue=\"push\"}"))
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            if running > 0 {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "starts its own PostgreSQL and Redis and takes a minute: scripts/test runs it as its own step (chaos)"]
async fn nothing_acknowledged_is_lost_when_services_and_processes_fail() {
    ferrodon_core::http_client::install_crypto_provider();
    let seconds = load_seconds();
    let run = ferrodon_testkit::random_suffix();
    let logs = std::env::temp_dir().join(format!("ferrodon-chaos-{run}"));
    std::fs::create_dir_all(&logs).unwrap();
    let client = reqwest::Client::new();

    // Services of our own, so restarting them disturbs nobody else.
    let pg = OwnPostgres::start(free_port()).await;
    let redis_dir = logs.join("redis");
    std::fs::create_dir_all(&redis_dir).unwrap();
    let mut redis = Some(OwnRedis::start_durable(free_port(), &redis_dir).await);
    let redis_port = redis.as_ref().unwrap().port;
    let db_url = pg.create_migrated("ferrodon_chaos").await;

    let port = free_port();
    let streaming_port = free_port();
    let (default_metrics, push_metrics) = (free_port(), free_port());
    let mut env = instance_env(&db_url, port, &format!("chaos_{run}"));
    let overrides = [
        ("REDIS_URL", format!("redis://127.0.0.1:{redis_port}/")),
        ("STREAMING_PORT", streaming_port.to_string()),
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true".into()),
        ("FERRODON_API_RATE_LIMIT", "1000000".into()),
        ("FERRODON_JOB_RETRY_BASE", "1s".into()),
        ("FERRODON_WORKER_GIVE_UP_AFTER", "10m".into()),
        ("FERRODON_SHUTDOWN_TIMEOUT", "10s".into()),
        ("DB_POOL", "8".into()),
        (
            "RUST_LOG",
            std::env::var("FERRODON_TEST_LOG").unwrap_or_else(|_| "info".into()),
        ),
    ];
    for (k, v) in overrides {
        env.retain(|(name, _)| name != k);
        env.push((k.to_owned(), v));
    }
    let with = |k: &str, v: String| {
        let mut e = env.clone();
        e.push((k.to_owned(), v));
        e
    };
    let state = AppState::new(Config::from_vars(env.clone()).unwrap()).unwrap();
    let (alice, alice_account, alice_token) = local_user(&state, "alice").await;
    let _ = alice;
    let (_, _, lena_token) = local_user(&state, "lena").await;
    let mut followers = Vec::new();
    for i in 0..FOLLOWERS {
        let (_, account, token) = local_user(&state, &format!("fan{i}")).await;
        followers.push((account.id.to_string(), token));
    }
    let inbox = load::FakeInbox::start().await;
    remote_follower(&state, &inbox.base_url, alice_account.id).await;
    // A remote sender delivering to our inbox: its key is stored, so the
    // inbox verifies its signatures without fetching anything.
    let sender_key = ferrodon_core::apub::signatures::keys::PrivateKey::generate().unwrap();
    let sender_actor = "http://127.0.0.1:9/users/chaos-sender".to_owned();
    psql(
        &pg,
        "ferrodon_chaos",
        &format!(
            "INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, outbox_url, followers_url, public_key)
             VALUES ('chaos-sender', '127.0.0.1:9', 'Sender', '{sender_actor}', '{sender_actor}', '{sender_actor}/inbox',
                     '{sender_actor}/outbox', '{sender_actor}/followers', $pem${}$pem$)",
            sender_key.public_key_pem().unwrap()
        ),
    );

    let mut procs = vec![
        Proc::spawn(
            "web",
            "ferrodon-web",
            &[],
            env.clone(),
            logs.join("web.log"),
        ),
        Proc::spawn(
            "streaming",
            "ferrodon-streaming",
            &[],
            env.clone(),
            logs.join("streaming.log"),
        ),
        Proc::spawn(
            "worker-default",
            "ferrodon-default",
            &["--queues", "default,ingress,pull,mailers,scheduler"],
            with("FERRODON_METRICS_PORT", default_metrics.to_string()),
            logs.join("worker-default.log"),
        ),
        Proc::spawn(
            "worker-push",
            "ferrodon-push",
            &[],
            with("FERRODON_METRICS_PORT", push_metrics.to_string()),
            logs.join("worker-push.log"),
        ),
    ];
    let (web, streaming, default_worker, push_worker) = (0, 1, 2, 3);
    let base = format!("http://127.0.0.1:{port}");
    let ready_urls = [
        format!("{base}/readyz"),
        format!("http://127.0.0.1:{streaming_port}/readyz"),
        format!("http://127.0.0.1:{default_metrics}/readyz"),
        format!("http://127.0.0.1:{push_metrics}/readyz"),
    ];
    for (proc, url) in procs.iter().zip(&ready_urls) {
        wait_ready(&client, url, proc).await;
    }
    let pids: Vec<u32> = procs.iter().map(Proc::pid).collect();

    // The load.
    let (stop_tx, stop_rx) = watch::channel(false);
    let poster = tokio::spawn(load::poster(
        base.clone(),
        alice_token.clone(),
        run.clone(),
        Duration::from_millis(100),
        stop_rx.clone(),
    ));
    let follows = tokio::spawn(load::follower(
        base.clone(),
        followers,
        alice_account.id.to_string(),
        Duration::from_secs(seconds) / (FOLLOWERS as u32 + 1),
        stop_rx.clone(),
    ));
    let sender = tokio::spawn(load::remote_sender(
        base.clone(),
        sender_actor.clone(),
        sender_key,
        run.clone(),
        Duration::from_millis(200),
        stop_rx.clone(),
    ));
    let streaming_url = format!("ws://127.0.0.1:{streaming_port}");
    let listeners: Vec<_> = [alice_token.clone(), lena_token.clone()]
        .into_iter()
        .map(|token| {
            tokio::spawn(load::listener(
                streaming_url.clone(),
                token,
                run.clone(),
                stop_rx.clone(),
            ))
        })
        .collect();

    // The faults, spread over the run.
    let started = Instant::now();
    let at = |fraction: f64| Duration::from_secs_f64(seconds as f64 * fraction);
    let until = |t: Duration| async move {
        tokio::time::sleep(t.saturating_sub(started.elapsed())).await;
    };
    let mut report: Vec<String> = Vec::new();

    until(at(0.15)).await;
    pg.stop();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let live = status_of(&client, &format!("{base}/livez")).await;
    let ready = status_of(&client, &format!("{base}/readyz")).await;
    let worker_ready = status_of(&client, &ready_urls[push_worker]).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg.start_again().await;
    report.push(format!(
        "PostgreSQL down 3 s: web /livez {live:?}, /readyz {ready:?}, push worker /readyz {worker_ready:?}"
    ));
    assert_eq!(live, Some(200), "liveness must not depend on the database");
    assert_eq!(
        ready,
        Some(503),
        "readiness must fail while the database is down"
    );
    assert_eq!(
        worker_ready,
        Some(503),
        "worker readiness must fail while the database is down"
    );

    until(at(0.35)).await;
    let restarted = redis.take().unwrap().restart().await;
    redis = Some(restarted);
    report.push("Redis killed (SIGKILL) and restarted on its AOF".into());

    until(at(0.5)).await;
    let term_started = Instant::now();
    let exit = procs[default_worker].terminate(Duration::from_secs(20));
    report.push(format!(
        "worker-default stopped with SIGTERM: exit {exit:?} after {:.1} s",
        term_started.elapsed().as_secs_f64()
    ));
    assert!(
        exit.is_some_and(|s| s.success()),
        "a worker must exit 0 on SIGTERM within its shutdown timeout:\n{}",
        procs[default_worker].log_tail()
    );
    procs[default_worker].restart();

    until(at(0.6)).await;
    let mid_job = push_job_running(&client, push_metrics).await;
    procs[push_worker].kill();
    report.push(format!(
        "worker-push killed (SIGKILL), a job running: {mid_job}"
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    procs[push_worker].restart();

    until(at(0.8)).await;
    procs[web].kill();
    report.push("web killed (SIGKILL)".into());
    tokio::time::sleep(Duration::from_secs(1)).await;
    procs[web].restart();
    let last_fault = Instant::now();

    until(at(1.0)).await;
    let _ = stop_tx.send(true);
    let posted = poster.await.unwrap();
    let followed = follows.await.unwrap();
    let sent = sender.await.unwrap();
    let mut heard = Vec::new();
    for l in listeners {
        heard.push(l.await.unwrap());
    }

    // Deliveries catch up (retries, the killed worker's jobs handed out again).
    let acked_uris: HashSet<String> = posted.acked.values().map(|(_, uri)| uri.clone()).collect();
    let drain_started = Instant::now();
    while !acked_uris.is_subset(&inbox.delivered()) && drain_started.elapsed() < DRAIN {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let drained_in = drain_started.elapsed();
    let delivered = inbox.delivered();
    let undelivered: Vec<&String> = acked_uris.difference(&delivered).collect();

    // What the database holds.
    let rows = psql(
        &pg,
        "ferrodon_chaos",
        &format!("SELECT id, text FROM statuses WHERE text LIKE 'chaos {run} %'"),
    );
    let mut by_text: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in rows.lines().filter(|l| !l.is_empty()) {
        let (id, text) = line.split_once('|').unwrap();
        by_text
            .entry(text.to_owned())
            .or_default()
            .push(id.to_owned());
    }
    let missing: Vec<u64> = posted
        .acked
        .iter()
        .filter(|(n, (id, _))| {
            by_text
                .get(&load::post_text(&run, **n))
                .is_none_or(|ids| !ids.contains(id))
        })
        .map(|(n, _)| *n)
        .collect();
    let duplicated: Vec<&String> = by_text
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(t, _)| t)
        .collect();
    // Every delivery the inbox accepted became exactly one status (the
    // ingress queue drains after the load; give it the drain time too).
    let stored_notes = |pg: &OwnPostgres| -> BTreeMap<String, usize> {
        let rows = psql(
            pg,
            "ferrodon_chaos",
            &format!("SELECT uri FROM statuses WHERE uri LIKE '%/statuses/chaosin-{run}-%'"),
        );
        let mut counts = BTreeMap::new();
        for uri in rows.lines().filter(|l| !l.is_empty()) {
            *counts.entry(uri.to_owned()).or_insert(0) += 1;
        }
        counts
    };
    let ingest_started = Instant::now();
    let mut notes = stored_notes(&pg);
    while sent.accepted.values().any(|uri| !notes.contains_key(uri))
        && ingest_started.elapsed() < DRAIN
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
        notes = stored_notes(&pg);
    }
    let unstored: Vec<&String> = sent
        .accepted
        .values()
        .filter(|uri| !notes.contains_key(*uri))
        .collect();
    let notes_twice = notes.values().filter(|n| **n > 1).count();
    let follow_rows = psql(
        &pg,
        "ferrodon_chaos",
        &format!(
            "SELECT account_id FROM follows WHERE target_account_id = {}",
            alice_account.id
        ),
    );
    let follow_rows: HashSet<&str> = follow_rows.lines().collect();
    let lost_follows: Vec<&String> = followed
        .iter()
        .filter(|id| !follow_rows.contains(id.as_str()))
        .collect();

    // The restarted push worker counted its deliveries and their queue wait.
    let push_text = client
        .get(format!("http://127.0.0.1:{push_metrics}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sample = |prefix: &str| -> u64 {
        push_text
            .lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let delivered_metric =
        sample("ferrodon_federation_deliveries_total{domain=\"127.0.0.1\",outcome=\"success\"}");
    let waits_metric = sample("ferrodon_job_wait_seconds_count{queue=\"push\"}");

    // The scheduler (in the default worker) holds its lease again.
    let leader_deadline = Instant::now() + Duration::from_secs(40);
    let leading = loop {
        let text = match client
            .get(format!("http://127.0.0.1:{default_metrics}/metrics"))
            .send()
            .await
        {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.lines().any(|l| l == "ferrodon_scheduler_leader 1") {
            break true;
        }
        if Instant::now() > leader_deadline {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };

    let mut unexpected = Vec::new();
    let planned = [
        (web, 1),
        (streaming, 0),
        (default_worker, 1),
        (push_worker, 1),
    ];
    for (i, restarts) in planned {
        let p = &mut procs[i];
        let alive = p.alive();
        if !alive || p.restarts != restarts || (restarts == 0 && p.pid() != pids[i]) {
            unexpected.push(format!(
                "{} (restarts {}, alive {alive})",
                p.name, p.restarts
            ));
        }
    }

    println!(
        "\n== fault test: {seconds} s of load, run {run} (logs in {})",
        logs.display()
    );
    for line in &report {
        println!("  fault: {line}");
    }
    println!(
        "  posts: {} acknowledged, {} not acknowledged (outcome unknown to the client), {} retried attempts",
        posted.acked.len(),
        posted.unacked.len(),
        posted.retries
    );
    println!(
        "  statuses in the database: {} distinct, {} duplicated, {} acknowledged but missing",
        by_text.len(),
        duplicated.len(),
        missing.len()
    );
    println!(
        "  deliveries: {} of {} acknowledged statuses delivered ({} deliveries in all, {} repeats), caught up {:.1} s after the load",
        acked_uris.len() - undelivered.len(),
        acked_uris.len(),
        inbox.deliveries(),
        inbox.deliveries().saturating_sub(delivered.len() as u64),
        drained_in.as_secs_f64()
    );
    println!(
        "  inbox: {} deliveries accepted (202), {} given up after a minute of retries, {} retried attempts; {} stored, {} accepted but not stored, {} stored twice",
        sent.accepted.len(),
        sent.given_up.len(),
        sent.retries,
        notes.len(),
        unstored.len(),
        notes_twice
    );
    println!("  scheduler leading after the faults: {leading}");
    println!(
        "  push worker metrics since its restart: {delivered_metric} successful deliveries, {waits_metric} jobs started"
    );
    println!(
        "  follows: {} acknowledged, {} missing",
        followed.len(),
        lost_follows.len()
    );
    for (i, h) in heard.iter().enumerate() {
        let after = h.posts.iter().filter(|(_, t)| *t > last_fault).count();
        println!(
            "  streaming listener {i}: {} posts heard ({after} after the last fault), {} connection(s)",
            h.posts.len(),
            h.connections
        );
    }
    println!(
        "  processes: {}",
        procs
            .iter()
            .map(|p| format!("{} restarted {}×", p.name, p.restarts))
            .collect::<Vec<_>>()
            .join(", ")
    );

    assert!(
        posted.acked.len() > seconds as usize,
        "too few posts were acknowledged: {posted:?}"
    );
    assert!(
        missing.is_empty(),
        "acknowledged statuses missing: {missing:?}"
    );
    assert!(
        duplicated.is_empty(),
        "statuses stored twice: {duplicated:?}"
    );
    assert!(
        undelivered.is_empty(),
        "{} acknowledged statuses never delivered, e.g. {:?}\n{}",
        undelivered.len(),
        undelivered.iter().take(3).collect::<Vec<_>>(),
        procs[push_worker].log_tail()
    );
    assert!(
        sent.accepted.len() > seconds as usize,
        "too few inbox deliveries were accepted: {sent:?}"
    );
    assert!(
        unstored.is_empty(),
        "{} accepted inbox deliveries never stored, e.g. {:?}",
        unstored.len(),
        unstored.iter().take(3).collect::<Vec<_>>()
    );
    assert_eq!(notes_twice, 0, "inbox deliveries stored twice");
    assert!(
        lost_follows.is_empty(),
        "acknowledged follows missing: {lost_follows:?}"
    );
    for (i, h) in heard.iter().enumerate() {
        assert!(
            h.posts.iter().any(|(_, t)| *t > last_fault),
            "streaming listener {i} heard nothing after the faults:\n{}",
            procs[streaming].log_tail()
        );
    }
    assert!(
        leading,
        "the scheduler did not hold its lease after the faults"
    );
    assert!(
        delivered_metric > 0 && waits_metric >= delivered_metric,
        "push worker metrics: {delivered_metric} deliveries, {waits_metric} waits:\n{push_text}"
    );
    assert!(
        unexpected.is_empty(),
        "processes restarted or died unexpectedly: {unexpected:?}"
    );
    drop(procs);
    drop(redis);
    let _ = std::fs::remove_dir_all(PathBuf::from(&logs));
}
