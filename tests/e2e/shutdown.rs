//! ferrodon-web on SIGTERM: requests in flight are answered, new
//! connections are refused, and the process exits 0.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use ferrodon_testkit::app::{bin_dir, free_port};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;

#[tokio::test]
async fn web_answers_requests_in_flight_before_exiting_on_sigterm() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let port = free_port();
    let mut env = app.env().to_vec();
    env.retain(|(k, _)| k != "PORT");
    env.push(("PORT".into(), port.to_string()));
    env.push(("FERRODON_SHUTDOWN_TIMEOUT".into(), "20s".into()));
    let mut web = Command::new(bin_dir().join("ferrodon-web"))
        .env_clear()
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !matches!(app.client.get(format!("{base}/livez")).send().await, Ok(r) if r.status() == 200)
    {
        assert!(Instant::now() < deadline, "web never came up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A slow request: a post whose Idempotency-Key another request still
    // holds waits for it (5 s) before answering 422.
    let key = "held-by-another-request";
    let held = app
        .state
        .redis_key(&format!("idempotency:status:{}:{key}", alice.id));
    let mut conn = app.state.redis().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg(&held)
        .arg("pending")
        .arg("EX")
        .arg(60)
        .query_async(&mut *conn)
        .await
        .unwrap();
    let slow = tokio::spawn({
        let client = app.client.clone();
        let url = format!("{base}/api/v1/statuses");
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .form(&[("status", "hello")])
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let asked = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &web.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let late = app.client.get(format!("{base}/livez")).send().await;
    assert!(
        late.is_err(),
        "a new connection was accepted after SIGTERM: {late:?}"
    );

    let answer = slow
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(answer.status(), 422);
    let exit = tokio::task::spawn_blocking(move || web.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(
        asked.elapsed() >= Duration::from_secs(3),
        "exited {:?} after SIGTERM, before its request was done",
        asked.elapsed()
    );
}
