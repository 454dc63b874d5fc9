//! Queue workers and the scheduler, as real processes on real Redis:
//! home-feed fan-out, retries and dead letters, vacuuming, scheduler
//! election and take-over, and Redis restarts and stalls.
use ferrodon_core::db::AccountId;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use ferrodon_core::db::queries::maintenance;
use ferrodon_core::feeds;
use ferrodon_core::jobs::queue::{self as jobqueue, QueueStats};
use ferrodon_core::jobs::{self, Job, PeriodicTask, Queue};
use ferrodon_testkit::app::{bin_dir, free_port, spawn_worker};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::own_redis::OwnRedis;
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn redis_cmd<T: redis::FromRedisValue>(app: &TestApp, cmd: &mut redis::Cmd) -> T {
    let mut conn = app.state.redis().await.unwrap();
    cmd.query_async(&mut *conn).await.unwrap()
}

async fn stats(app: &TestApp, queue: Queue) -> QueueStats {
    jobqueue::stats(&app.state, queue).await.unwrap()
}

async fn in_feed(app: &TestApp, account_id: i64, status_id: &str) -> bool {
    let score: Option<f64> = redis_cmd(
        app,
        redis::cmd("ZSCORE")
            .arg(feeds::home_key(&app.state, account_id))
            .arg(status_id),
    )
    .await;
    score.is_some()
}

async fn home_ids(app: &TestApp, token: &str) -> Vec<String> {
    let page: Vec<Value> = app
        .get("/api/v1/timelines/home", token)
        .await
        .json()
        .await
        .unwrap();
    page.iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(app: &TestApp, token: &str, text: &str) -> String {
    let status: Value = app
        .post_form("/api/v1/statuses", token, &[("status", text)])
        .await
        .json()
        .await
        .unwrap();
    status["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn home_feeds_are_built_filled_merged_and_emptied_by_the_default_queue() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    let before_follow = post(&app, &carol, "carol was here first").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;

    // The first read has no feed: it is answered from PostgreSQL and the
    // feed is built in the background.
    assert!(home_ids(&app, &bob).await.is_empty());
    let feed = feeds::home_key(&app.state, bob_acct.id);
    app.eventually("bob's feed to be built", || async {
        let exists: bool = redis_cmd(&app, redis::cmd("EXISTS").arg(&feed)).await;
        exists.then_some(())
    })
    .await;

    let first = post(&app, &alice, "into bob's feed").await;
    app.eventually("fan-out to bob's feed", || async {
        in_feed(&app, bob_acct.id, &first).await.then_some(())
    })
    .await;
    assert_eq!(home_ids(&app, &bob).await, vec![first.clone()]);

    // Following merges the followed account's recent statuses.
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    app.eventually("carol's status merged into bob's feed", || async {
        in_feed(&app, bob_acct.id, &before_follow)
            .await
            .then_some(())
    })
    .await;
    assert_eq!(
        home_ids(&app, &bob).await,
        vec![first.clone(), before_follow.clone()]
    );

    // Unfollowing hides at once (read rules), deleting removes from the feed.
    app.post_form(
        &format!("/api/v1/accounts/{}/unfollow", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    assert_eq!(home_ids(&app, &bob).await, vec![first.clone()]);
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{first}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert!(home_ids(&app, &bob).await.is_empty());
    app.eventually("the deleted status to leave bob's feed", || async {
        (!in_feed(&app, bob_acct.id, &first).await).then_some(())
    })
    .await;
    // The author's own feed got the status too (synchronously, on post).
    let _ = alice_acct;
}

#[tokio::test]
async fn failing_jobs_back_off_become_dead_letters_and_can_be_retried() {
    let app = TestApp::spawn_with(&[
        ("FERRODON_JOB_MAX_ATTEMPTS", "3"),
        ("FERRODON_JOB_RETRY_BASE", "1s"),
    ])
    .await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, _) = local_user(&app.state, "bob").await;
    post(&app, &alice, "something to merge").await;
    // A feed key of the wrong type makes every merge fail in Redis.
    let feed = feeds::home_key(&app.state, bob_acct.id);
    let _: () = redis_cmd(&app, redis::cmd("SET").arg(&feed).arg("not a sorted set")).await;
    let started = Instant::now();
    jobs::enqueue(
        &app.state,
        Job::MergeIntoHomeFeed {
            account_id: bob_acct.id,
            target_account_id: alice_acct.id,
        },
    )
    .await
    .unwrap();
    let dead = app
        .eventually("the job to become a dead letter", || async {
            let dead = jobqueue::list_dead(&app.state, Queue::Default, 10)
                .await
                .unwrap();
            (!dead.is_empty()).then_some(dead)
        })
        .await;
    let took = started.elapsed();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        dead[0].envelope.failures, 3,
        "three attempts, then given up"
    );
    assert!(
        dead[0]
            .envelope
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("WRONGTYPE"),
        "{:?}",
        dead[0].envelope.last_error
    );
    // Two waits of 1 s and 2 s, each at least 75 % of that.
    assert!(
        took >= Duration::from_millis(2250),
        "retried too fast: {took:?}"
    );
    // apalis-redis's own retry and dead set were never used.
    let apalis_dead: u64 = redis_cmd(
        &app,
        redis::cmd("SCARD").arg(jobqueue::queue_config(&app.state, Queue::Default).dead_jobs_set()),
    )
    .await;
    assert_eq!(apalis_dead, 0);
    assert_eq!(stats(&app, Queue::Default).await.dead, 1);
    let listing = app.ctl(&["queues", "dead", "default"]);
    assert!(listing.contains("merge_into_home_feed") && listing.contains("attempts=3"));

    // The operator mends the cause and retries: the job runs and succeeds.
    let _: () = redis_cmd(&app, redis::cmd("DEL").arg(&feed)).await;
    let done_before = stats(&app, Queue::Default).await.done;
    let out = app.ctl(&["queues", "retry", "default"]);
    assert!(out.contains("default: 1 dead jobs queued again"), "{out}");
    app.eventually("the retried job to finish", || async {
        let s = stats(&app, Queue::Default).await;
        (s.done > done_before && s.pending == 0 && s.dead == 0).then_some(())
    })
    .await;
    let table = app.ctl(&["queues", "stats"]);
    assert!(table.lines().any(|l| l.starts_with("default")), "{table}");
}

#[tokio::test]
async fn vacuum_deletes_finished_jobs_but_not_waiting_ones() {
    let app = TestApp::spawn().await;
    let config = jobqueue::queue_config(&app.state, Queue::Default);
    jobqueue::enqueue_many(&app.state, Queue::Default, vec![Job::Noop; 25])
        .await
        .unwrap();
    app.eventually("25 no-op jobs to finish", || async {
        (stats(&app, Queue::Default).await.done >= 25).then_some(())
    })
    .await;
    // A job due in an hour must survive the vacuum.
    jobqueue::enqueue_at(
        &app.state,
        jobqueue::Envelope::new(Job::Noop),
        Some(Duration::from_secs(3600)),
    )
    .await
    .unwrap();
    let removed = jobqueue::vacuum(&app.state).await.unwrap();
    assert!(removed >= 25, "removed {removed}");
    let data: u64 = redis_cmd(&app, redis::cmd("HLEN").arg(config.job_data_hash())).await;
    assert_eq!(data, 1, "only the waiting job's data is left");
    let s = stats(&app, Queue::Default).await;
    assert_eq!((s.done, s.scheduled), (0, 1));
}

fn spawn_scheduler(app: &TestApp, extra: &[(&str, String)]) -> Child {
    let mut env: Vec<(String, String)> = app.env().to_vec();
    for (k, v) in extra {
        env.retain(|(name, _)| name != k);
        env.push(((*k).to_owned(), v.clone()));
    }
    Command::new(bin_dir().join("ferrodon-scheduler"))
        .env_clear()
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ferrodon-scheduler")
}

async fn metrics(port: u16) -> Option<String> {
    let resp = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .ok()?;
    resp.text().await.ok()
}

/// The value of one sample (`name{labels}`) in a Prometheus exposition.
fn sample(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
}

async fn is_leader(port: u16) -> Option<bool> {
    let text = metrics(port).await?;
    Some(sample(&text, "ferrodon_scheduler_leader")? == 1)
}

async fn run_history(app: &TestApp, task: PeriodicTask) -> Vec<u64> {
    let key = app
        .state
        .redis_key(&format!("scheduler:history:{}", task.name()));
    let mut runs: Vec<u64> = redis_cmd(app, redis::cmd("LRANGE").arg(key).arg(0).arg(-1)).await;
    runs.sort_unstable();
    runs
}

fn assert_once_per_period(runs: &[u64], period_ms: u64) {
    for pair in runs.windows(2) {
        assert!(
            pair[1] - pair[0] >= period_ms,
            "two runs {} ms apart in a {period_ms} ms period: {runs:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test]
async fn one_scheduler_acts_and_a_standby_takes_over_within_a_lease() {
    let app = TestApp::spawn().await;
    let schedule = "remove_expired_mutes=1s,vacuum_queues=1s,remove_stale_tokens=1s".to_owned();
    let ports = [free_port(), free_port()];
    let mut schedulers: Vec<Child> = ports
        .iter()
        .map(|port| {
            spawn_scheduler(
                &app,
                &[
                    ("FERRODON_SCHEDULE", schedule.clone()),
                    ("FERRODON_SCHEDULER_LEASE", "2s".into()),
                    ("FERRODON_METRICS_PORT", port.to_string()),
                ],
            )
        })
        .collect();
    // An expired mute for the periodic task to remove.
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::queries::blocks_mutes::put_mute(
        &mut conn,
        AccountId::new(alice.id),
        AccountId::new(bob.id),
        true,
        Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(
        maintenance::count_expired_mutes(&mut app.state.conn().await.unwrap())
            .await
            .unwrap(),
        1
    );

    let leaders = app
        .eventually("a leader", || async {
            let a = is_leader(ports[0]).await?;
            let b = is_leader(ports[1]).await?;
            (a || b).then_some((a, b))
        })
        .await;
    assert!(leaders.0 != leaders.1, "exactly one leader: {leaders:?}");
    let leader = usize::from(leaders.1);
    app.eventually("the expired mute to be removed", || async {
        let mut conn = app.state.conn().await.ok()?;
        let n = maintenance::count_expired_mutes(&mut conn).await.ok()?;
        (n == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let runs = run_history(&app, PeriodicTask::RemoveExpiredMutes).await;
    assert!(runs.len() >= 3, "the task ran every second: {runs:?}");
    assert_once_per_period(&runs, 1000);

    // Kill the leader: the standby takes over within one lease (2 s) plus a tick.
    schedulers[leader].kill().unwrap();
    schedulers[leader].wait().unwrap();
    let killed_at = Instant::now();
    let standby = 1 - leader;
    app.eventually("the standby to take over", || async {
        is_leader(ports[standby]).await?.then_some(())
    })
    .await;
    let took = killed_at.elapsed();
    // One lease (2 s) plus a renewal tick (0.67 s), with slack for a busy machine.
    assert!(
        took <= Duration::from_millis(4000),
        "take-over took {took:?}"
    );
    let before = run_history(&app, PeriodicTask::RemoveExpiredMutes)
        .await
        .len();
    app.eventually("the new leader to run the task", || async {
        (run_history(&app, PeriodicTask::RemoveExpiredMutes)
            .await
            .len()
            > before)
            .then_some(())
    })
    .await;
    assert_once_per_period(
        &run_history(&app, PeriodicTask::RemoveExpiredMutes).await,
        1000,
    );
    assert_once_per_period(&run_history(&app, PeriodicTask::VacuumQueues).await, 1000);
    for child in &mut schedulers {
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[tokio::test]
async fn queued_jobs_survive_a_redis_restart_and_workers_reconnect() {
    let dir = std::env::temp_dir().join(format!(
        "ferrodon-redis-{}",
        ferrodon_testkit::random_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let redis = OwnRedis::start_durable(free_port(), &dir).await;
    let url = redis.url();
    let app = TestApp::spawn_with(&[("REDIS_URL", url.as_str())]).await;
    // Jobs on a queue nobody serves yet stay queued across the restart.
    for _ in 0..5 {
        jobs::enqueue(
            &app.state,
            Job::Periodic {
                task: PeriodicTask::RemoveExpiredMutes,
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(stats(&app, Queue::Scheduler).await.pending, 5);
    let redis = redis.restart().await;
    assert_eq!(
        app.eventually("Redis to answer again", || async {
            jobqueue::stats(&app.state, Queue::Scheduler).await.ok()
        })
        .await
        .pending,
        5,
        "the queued jobs were kept"
    );
    // The running default worker reconnects by itself and serves new jobs.
    jobs::enqueue(&app.state, Job::Noop).await.unwrap();
    app.eventually(
        "the default worker to run a job after the restart",
        || async {
            let s = jobqueue::stats(&app.state, Queue::Default).await.ok()?;
            (s.done >= 1 && s.pending == 0).then_some(())
        },
    )
    .await;
    // A worker for the scheduler queue runs the five kept jobs (and, as it
    // wins the election, periodic ones of its own).
    let port = free_port();
    let mut env = app.env().to_vec();
    env.push(("FERRODON_METRICS_PORT".into(), port.to_string()));
    let mut worker = spawn_worker(&env, "scheduler");
    app.eventually("the kept jobs to run", || async {
        let text = metrics(port).await?;
        let ran = sample(&text, "ferrodon_jobs_processed_total{queue=\"scheduler\"}")?;
        let s = jobqueue::stats(&app.state, Queue::Scheduler).await.ok()?;
        (ran >= 5 && s.pending == 0).then_some(())
    })
    .await;
    let _ = worker.kill();
    let _ = worker.wait();
    drop(redis);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_worker_exits_non_zero_when_redis_stalls_too_long() {
    let redis = OwnRedis::start(free_port()).await;
    let url = redis.url();
    let app = TestApp::spawn_with(&[("REDIS_URL", url.as_str())]).await;
    let mut env = app.env().to_vec();
    env.push(("FERRODON_WORKER_GIVE_UP_AFTER".into(), "1s".into()));
    let mut worker = spawn_worker(&env, "pull");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(worker.try_wait().unwrap().is_none(), "worker is running");
    redis.freeze();
    let frozen_at = Instant::now();
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        if frozen_at.elapsed() > Duration::from_secs(30) {
            redis.thaw();
            panic!("the worker did not exit while Redis was stalled");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    redis.thaw();
    assert_eq!(status.code(), Some(1), "exit status {status:?}");
}

#[tokio::test]
async fn web_metrics_count_requests_and_show_queue_depth() {
    let app = TestApp::spawn().await;
    jobqueue::enqueue_at(
        &app.state,
        jobqueue::Envelope::new(Job::Noop),
        Some(Duration::from_secs(3600)),
    )
    .await
    .unwrap();
    let missing = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let unknown_status = app
        .client
        .get(app.url("/api/v1/statuses/12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_status.status(), 404);
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> u64 {
        sample(&text, name).unwrap_or_else(|| panic!("no {name} in:\n{text}"))
    };
    assert!(value("ferrodon_http_requests_total{status=\"4xx\"}") >= 1);
    assert_eq!(value("ferrodon_queue_scheduled{queue=\"default\"}"), 1);
    assert_eq!(value("ferrodon_queue_dead{queue=\"default\"}"), 0);
    assert!(value("ferrodon_pool_max_connections{pool=\"database\"}") >= 1);
    assert_eq!(value("ferrodon_pool_waiting{pool=\"database\"}"), 0);
    // Latency by route pattern (never the raw path: one series per id would explode).
    assert_eq!(
        value("ferrodon_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/statuses/{id}\",status=\"404\"}"),
        1
    );
    assert_eq!(
        value("ferrodon_http_request_duration_seconds_bucket{method=\"GET\",route=\"unmatched\",status=\"404\",le=\"+Inf\"}"),
        1
    );
    assert!(!text.contains("12345"), "{text}");
}

#[tokio::test]
async fn feeds_keep_the_newest_items_and_their_built_marker() {
    let app = TestApp::spawn().await;
    let key = feeds::home_key(&app.state, 42);
    let mut conn = app.state.redis().await.unwrap();
    // Redis forgets scripts on restart: adding must load it again by itself.
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut *conn)
        .await
        .unwrap();
    // A missing feed is not started by fan-out.
    let took = feeds::add_to_feeds(&mut *conn, std::slice::from_ref(&key), &[1, 2, 3])
        .await
        .unwrap();
    assert_eq!(took, 0);
    let exists: bool = redis::cmd("EXISTS")
        .arg(&key)
        .query_async(&mut *conn)
        .await
        .unwrap();
    assert!(!exists);

    feeds::replace_feed(&mut *conn, &key, &[]).await.unwrap();
    let ids: Vec<i64> = (1..=(feeds::MAX_ITEMS as i64 + 5)).collect();
    for chunk in ids.chunks(100) {
        feeds::add_to_feeds(&mut *conn, std::slice::from_ref(&key), chunk)
            .await
            .unwrap();
    }
    let members: Vec<String> = redis::cmd("ZRANGE")
        .arg(&key)
        .arg(0)
        .arg(-1)
        .query_async(&mut *conn)
        .await
        .unwrap();
    assert_eq!(members.len(), feeds::MAX_ITEMS + 1);
    assert_eq!(members[0], feeds::BUILT_MARKER);
    assert_eq!(members[1], "6", "the five oldest were trimmed");
    assert_eq!(members.last().unwrap(), &ids.last().unwrap().to_string());
}

#[tokio::test]
async fn a_backlog_of_retries_coming_due_at_once_does_not_stop_the_queue() {
    // apalis-redis's fetch promotes every due retry with one Lua unpack,
    // which fails past ~8,000 ids; our promoter moves them in batches.
    let app = TestApp::spawn().await;
    let n = 9_000u64;
    for _ in 0..n {
        jobqueue::enqueue_at(
            &app.state,
            jobqueue::Envelope::new(Job::Noop),
            Some(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    }
    // As if the workers had been down for an hour: every retry is due now.
    let scheduled = jobqueue::queue_config(&app.state, Queue::Default).scheduled_jobs_set();
    let _: u64 = redis_cmd(
        &app,
        redis::cmd("ZUNIONSTORE")
            .arg(&scheduled)
            .arg(1)
            .arg(&scheduled)
            .arg("WEIGHTS")
            .arg(0),
    )
    .await;
    assert_eq!(stats(&app, Queue::Default).await.pending, n);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let s = stats(&app, Queue::Default).await;
        if s.done >= n {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the backlog was not worked off: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A remote inbox that takes `delay` to answer each POST: sends the
/// moment a request arrived, then the moment it answered 202.
async fn slow_inbox(
    delay: Duration,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<&'static str>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/inbox", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = socket.read(&mut buf).await;
                let _ = tx.send("received");
                tokio::time::sleep(delay).await;
                let reply =
                    b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                if socket.write_all(reply).await.is_ok() {
                    let _ = tx.send("answered");
                }
            });
        }
    });
    (url, rx)
}

/// What happened when a push worker got SIGTERM while its one delivery
/// waited `inbox_delay` for the remote inbox's answer.
struct Stopped {
    took: Duration,
    exit: std::process::ExitStatus,
    answered: bool,
    stats: QueueStats,
}

async fn sigterm_during_a_delivery(shutdown_timeout: &str, inbox_delay: Duration) -> Stopped {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    // A worker of our own on a namespace of its own, so the instance's
    // worker cannot take the job.
    let namespace = format!("graceful_{}", ferrodon_testkit::random_suffix());
    let mut env: Vec<(String, String)> = app
        .env()
        .iter()
        .filter(|(k, _)| k != "REDIS_NAMESPACE")
        .cloned()
        .collect();
    env.push(("REDIS_NAMESPACE".into(), namespace));
    env.push(("FERRODON_SHUTDOWN_TIMEOUT".into(), shutdown_timeout.into()));
    let state =
        ferrodon_core::AppState::new(ferrodon_core::Config::from_vars(env.clone()).unwrap())
            .unwrap();
    let (inbox, mut events) = slow_inbox(inbox_delay).await;
    let mut worker = spawn_worker(&env, "push");
    let activity =
        serde_json::json!({"type": "Delete", "id": "https://x.test/1", "actor": alice.uri});
    jobs::enqueue(
        &state,
        Job::Deliver {
            sender_id: alice.id,
            inbox,
            activity,
        },
    )
    .await
    .unwrap();
    let received = tokio::time::timeout(Duration::from_secs(20), events.recv()).await;
    assert_eq!(received.ok().flatten(), Some("received"));

    let asked = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = worker.try_wait().unwrap() {
            break exit;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(25),
            "the worker did not exit"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let took = asked.elapsed();
    Stopped {
        took,
        exit,
        answered: events.try_recv().ok() == Some("answered"),
        stats: jobqueue::stats(&state, Queue::Push).await.unwrap(),
    }
}

#[tokio::test]
async fn a_worker_finishes_its_running_job_before_exiting_on_sigterm() {
    let stopped = sigterm_during_a_delivery("20s", Duration::from_secs(3)).await;
    assert!(stopped.exit.success(), "exit status {:?}", stopped.exit);
    // It waited for the answer, and the job is finished, not left running.
    assert!(stopped.answered);
    assert!(
        stopped.took >= Duration::from_secs(2),
        "exited after {:?}: it did not wait for its job",
        stopped.took
    );
    let s = stopped.stats;
    assert_eq!(
        (s.pending, s.scheduled, s.running, s.dead),
        (0, 0, 0, 0),
        "{s:?}"
    );
}

#[tokio::test]
async fn a_job_outlasting_the_shutdown_timeout_stays_in_the_queue() {
    let stopped = sigterm_during_a_delivery("1s", Duration::from_secs(8)).await;
    assert!(stopped.exit.success(), "exit status {:?}", stopped.exit);
    assert!(
        stopped.took < Duration::from_secs(5),
        "exited after {:?}, past its 1 s shutdown timeout",
        stopped.took
    );
    assert!(!stopped.answered);
    // Still the worker's: the next worker of the queue hands it out again.
    assert_eq!(stopped.stats.running, 1, "{:?}", stopped.stats);
}
