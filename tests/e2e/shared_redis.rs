//! Two instances on one Redis database: `REDIS_NAMESPACE` must hold for
//! every key any of their processes writes (web, streaming, workers,
//! scheduler, the queue library), so an operator can share a Redis and
//! still tell, and delete, each instance's keys.
use std::process::{Child, Command, Stdio};

use deadpool_redis::redis;
use ferrodon_core::feeds;
use ferrodon_core::jobs::{self, Job, PeriodicTask};
use ferrodon_testkit::app::{bin_dir, free_port, spawn_worker};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::own_redis::OwnRedis;
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// One instance with every process running: web and its workers, streaming,
/// a scheduler (fast schedule) and a worker for the scheduler queue.
struct Instance {
    app: TestApp,
    namespace: String,
    extra: Vec<Child>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        for child in &mut self.extra {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn boot(redis_url: &str, namespace: &str) -> Instance {
    let app =
        TestApp::spawn_with_streaming(&[("REDIS_URL", redis_url), ("REDIS_NAMESPACE", namespace)])
            .await;
    let mut env = app.env().to_vec();
    env.retain(|(k, _)| k != "FERRODON_SCHEDULE");
    env.push((
        "FERRODON_SCHEDULE".into(),
        "vacuum_queues=1s,remove_expired_mutes=1s".into(),
    ));
    env.push(("FERRODON_METRICS_PORT".into(), free_port().to_string()));
    let scheduler = Command::new(bin_dir().join("ferrodon-scheduler"))
        .env_clear()
        .envs(env.iter().cloned())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ferrodon-scheduler");
    env.retain(|(k, _)| k != "FERRODON_METRICS_PORT");
    let scheduler_queue = spawn_worker(&env, "scheduler");
    Instance {
        app,
        namespace: namespace.to_owned(),
        extra: vec![scheduler, scheduler_queue],
    }
}

/// Runs jobs on every queue the instance's own traffic reaches: a follow,
/// a post fanned out to a follower's home feed, a failing delivery that is
/// retried, periodic tasks.
async fn exercise(instance: &Instance) {
    let app = &instance.app;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let followed = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[],
        )
        .await;
    assert_eq!(followed.status(), 200);
    // Builds bob's home feed in the background.
    let home = app.get("/api/v1/timelines/home", &bob).await;
    assert_eq!(home.status(), 200);
    let status: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "shared redis")])
        .await
        .json()
        .await
        .unwrap();
    let status_id = status["id"].as_str().unwrap().to_owned();
    let feed = feeds::home_key(&app.state, bob_acct.id);
    app.eventually("the post fanned out to bob's home feed", || async {
        let mut conn = app.state.redis().await.ok()?;
        let score: Option<f64> = redis::cmd("ZSCORE")
            .arg(&feed)
            .arg(&status_id)
            .query_async(&mut *conn)
            .await
            .ok()?;
        score.map(|_| ())
    })
    .await;
    // A delivery to a closed port: fails, and is retried (scheduled set).
    jobs::enqueue(
        &app.state,
        Job::Deliver {
            sender_id: alice_acct.id,
            inbox: format!("http://127.0.0.1:{}/inbox", free_port()),
            activity: serde_json::json!({"type": "Delete", "id": "https://x.test/1"}),
        },
    )
    .await
    .unwrap();
    let history = app.state.redis_key(&format!(
        "scheduler:history:{}",
        PeriodicTask::VacuumQueues.name()
    ));
    app.eventually("the scheduler to run a periodic task", || async {
        let mut conn = app.state.redis().await.ok()?;
        let runs: i64 = redis::cmd("LLEN")
            .arg(&history)
            .query_async(&mut *conn)
            .await
            .ok()?;
        (runs > 0).then_some(())
    })
    .await;
}

async fn all_keys(url: &str) -> Vec<String> {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let mut keys = Vec::new();
    let mut cursor: u64 = 0;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut conn)
            .await
            .unwrap();
        keys.extend(batch);
        if next == 0 {
            return keys;
        }
        cursor = next;
    }
}

#[tokio::test]
async fn two_instances_on_one_redis_database_share_no_key() {
    let redis = OwnRedis::start(free_port()).await;
    let url = redis.url();
    let suffix = ferrodon_testkit::random_suffix();
    let a = boot(&url, &format!("shared_a_{suffix}")).await;
    let b = boot(&url, &format!("shared_b_{suffix}")).await;
    exercise(&a).await;
    exercise(&b).await;

    let keys = all_keys(&url).await;
    let outside: Vec<&String> = keys
        .iter()
        .filter(|k| {
            ![&a, &b]
                .iter()
                .any(|i| k.starts_with(&format!("{}:", i.namespace)))
        })
        .collect();
    assert!(
        outside.is_empty(),
        "keys outside both namespaces: {outside:?}"
    );
    // Each instance's queue workers registered, under its own namespace
    // (apalis-redis's list of queues included), so the check above had
    // something to look at.
    for instance in [&a, &b] {
        for key in ["queue:default:workers", "apalis:queues:list"] {
            let key = format!("{}:{key}", instance.namespace);
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
    }
    drop((a, b));
    drop(redis);
}
