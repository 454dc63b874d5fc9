//! Queue and fan-out benchmark, run by `bench/queues` (which seeds the
//! database and sets the environment). Each figure comes with a same-run
//! Redis baseline:
//!
//! 1. N no-op jobs: bulk-enqueued, then run by one release `ferrodon-default`
//!    process; against an LPUSH pipeline of N items.
//! 2. Fan-out of one status to the author's followers (each with a built
//!    home feed): the `DistributeStatus` job, in process; against a ZADD
//!    pipeline to as many keys.
//! 3. Posting latency (the post-status service, in process, with the
//!    worker running) for an author with no followers and for the author
//!    with all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use ferrodon_core::db::queries::{accounts, follows, users};
use ferrodon_core::jobs::{queue, Job, Queue};
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::{feeds, AppState, Config};

const BATCH: usize = 1000;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

async fn lpush_baseline(state: &AppState, n: usize) -> Duration {
    let key = state.redis_key("bench:lpush");
    let mut conn = state.redis().await.unwrap();
    let payload = serde_json::to_string(&queue::Envelope::new(Job::Noop)).unwrap();
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        let mut pipe = redis::pipe();
        for _ in chunk {
            pipe.cmd("LPUSH").arg(&key).arg(&payload).ignore();
        }
        let _: () = pipe.query_async(&mut *conn).await.unwrap();
    }
    let took = started.elapsed();
    let _: () = redis::cmd("DEL")
        .arg(&key)
        .query_async(&mut *conn)
        .await
        .unwrap();
    took
}

async fn zadd_baseline(state: &AppState, keys: usize) -> Duration {
    let mut conn = state.redis().await.unwrap();
    let started = Instant::now();
    let mut pipe = redis::pipe();
    for i in 0..keys {
        pipe.cmd("ZADD")
            .arg(state.redis_key(&format!("bench:zadd:{i}")))
            .arg(1)
            .arg(1)
            .ignore();
    }
    let _: () = pipe.query_async(&mut *conn).await.unwrap();
    let took = started.elapsed();
    let mut pipe = redis::pipe();
    for i in 0..keys {
        pipe.cmd("DEL")
            .arg(state.redis_key(&format!("bench:zadd:{i}")))
            .ignore();
    }
    let _: () = pipe.query_async(&mut *conn).await.unwrap();
    took
}

async fn noop_jobs(state: &AppState, n: usize, bin_dir: &str) {
    let lpush = lpush_baseline(state, n).await;
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(BATCH) {
        queue::enqueue_many(state, Queue::Default, vec![Job::Noop; chunk.len()])
            .await
            .unwrap();
    }
    let enqueue = started.elapsed();
    let done_before = queue::stats(state, Queue::Default).await.unwrap().done;
    let mut worker = Command::new(format!("{bin_dir}/ferrodon-default"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ferrodon-default");
    let started = Instant::now();
    loop {
        let s = queue::stats(state, Queue::Default).await.unwrap();
        if s.done - done_before >= n as u64 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "jobs did not finish: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let run = started.elapsed();
    let _ = worker.kill();
    let _ = worker.wait();
    let lpush_rate = n as f64 / secs(lpush);
    let enqueue_rate = n as f64 / secs(enqueue);
    let run_rate = n as f64 / secs(run);
    println!("| {n} no-op jobs: enqueue (bulk, {BATCH} per call) | {:.2} s | {enqueue_rate:.0} jobs/s | LPUSH pipeline {lpush_rate:.0}/s | {:.2}x |", secs(enqueue), enqueue_rate / lpush_rate);
    println!("| {n} no-op jobs: run by one worker process (concurrency {}) | {:.2} s | {run_rate:.0} jobs/s | LPUSH pipeline {lpush_rate:.0}/s | {:.3}x |", state.config.worker_concurrency, secs(run), run_rate / lpush_rate);
    let vacuumed = queue::vacuum(state).await.unwrap();
    eprintln!("vacuumed {vacuumed} finished jobs");
}

async fn author(
    state: &AppState,
    name: &str,
) -> (
    ferrodon_core::db::models::User,
    ferrodon_core::db::models::Account,
) {
    let mut conn = state.conn().await.unwrap();
    let account = accounts::get_account_by_acct(&mut conn, name, None)
        .await
        .unwrap();
    let user = users::get_user_by_account_id(&mut conn, account.id)
        .await
        .unwrap();
    (user, account)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    secs(sorted[i]) * 1000.0
}

async fn fan_out(state: &AppState, bin_dir: &str) {
    let (star_user, star) = author(state, "star").await;
    let (loner_user, loner) = author(state, "loner").await;
    let mut conn = state.conn().await.unwrap();
    let followers = follows::list_local_follower_ids(&mut conn, star.id)
        .await
        .unwrap();
    drop(conn);
    let n = followers.len();
    // Every follower has a built (empty) home feed, as active users do.
    let mut redis_conn = state.redis().await.unwrap();
    for chunk in followers.chunks(BATCH) {
        let mut pipe = redis::pipe();
        for (id, _) in chunk {
            pipe.cmd("ZADD")
                .arg(feeds::home_key(state, *id))
                .arg(0)
                .arg(feeds::BUILT_MARKER)
                .ignore();
        }
        let _: () = pipe.query_async(&mut *redis_conn).await.unwrap();
    }
    drop(redis_conn);
    let zadd = zadd_baseline(state, n).await;
    let mut times = Vec::new();
    for i in 0..7 {
        let status = post_status(
            state,
            &star_user,
            &star,
            NewPost {
                text: format!("fan-out benchmark {i}"),
                ..NewPost::default()
            },
            None,
        )
        .await
        .unwrap();
        let started = Instant::now();
        ferrodon_worker::perform::perform(
            state,
            &Job::DistributeStatus {
                status_id: status.id,
                edited: false,
            },
        )
        .await
        .unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "| fan-out of one status to {n} followers' home feeds + streams (median of 7) | {:.3} s | | ZADD pipeline to {n} keys {:.3} s | {:.2}x |",
        secs(median),
        secs(zadd),
        secs(median) / secs(zadd)
    );

    // Posting latency with the worker draining the fan-out behind it.
    let mut worker = Command::new(format!("{bin_dir}/ferrodon-default"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ferrodon-default");
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Posts are spaced so the worker finishes one fan-out before the next
    // post: what is measured is the request path, not a saturated Redis
    // (two cores are shared by PostgreSQL, Redis, the worker and us).
    for (user, account, label) in [(&loner_user, &loner, "0"), (&star_user, &star, "all")] {
        let mut lat = Vec::new();
        for i in 0..100 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let started = Instant::now();
            post_status(
                state,
                user,
                account,
                NewPost {
                    text: format!("latency {i}"),
                    ..NewPost::default()
                },
                None,
            )
            .await
            .unwrap();
            lat.push(started.elapsed());
        }
        lat.sort();
        let followers = if label == "0" { 0 } else { n };
        println!(
            "| post a status, author with {followers} followers (100 posts 150 ms apart, service in process) | p50 {:.1} ms | p99 {:.1} ms | | |",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99)
        );
    }
    let _ = worker.kill();
    let _ = worker.wait();
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = args.get(1).map(String::as_str).unwrap_or("all");
    let jobs_n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let bin_dir = std::env::var("FERRODON_BIN_DIR").expect("FERRODON_BIN_DIR");
    let config = Config::from_env().expect("configuration");
    let state = AppState::new(config).expect("state");
    println!("| scenario | time | rate | same-run baseline | ratio |");
    println!("|---|---|---|---|---|");
    if scenario == "all" || scenario == "jobs" {
        noop_jobs(&state, jobs_n, &bin_dir).await;
    }
    if scenario == "all" || scenario == "fanout" {
        fan_out(&state, &bin_dir).await;
    }
}
