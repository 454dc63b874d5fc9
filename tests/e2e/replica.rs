//! REPLICA_DATABASE_URL: the read-mostly API answers come from the replica,
//! a user's own writes are read back from the primary, and a replica that
//! cannot be reached costs nothing but falling back to the primary.
use ferrodon_core::db::models::Visibility;
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::{AppState, Config};
use ferrodon_testkit::app::{free_port, instance_env};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::{TestApp, TestDb};
use serde_json::{json, Value};

async fn public_texts(app: &TestApp) -> Vec<String> {
    let resp = app.get("/api/v1/timelines/public", "").await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .map(|s| s["content"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn post(app: &TestApp, token: &str, text: &str) -> String {
    let resp = app
        .post_json("/api/v1/statuses", token, &json!({ "status": text }))
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn public_reads_come_from_the_replica_and_own_writes_from_the_primary() {
    // A stand-in replica: a database of its own holding a status the
    // primary does not have, so where each answer came from is visible.
    let replica = TestDb::new().await;
    let env = instance_env(
        &replica.url,
        free_port(),
        &format!("replica_{}", ferrodon_testkit::random_suffix()),
    );
    let replica_state = AppState::new(Config::from_vars(env).unwrap()).unwrap();
    let (user, account, _) = local_user(&replica_state, "onreplica").await;
    post_status(
        &replica_state,
        &user,
        &account,
        NewPost {
            text: "only on the replica".into(),
            visibility: Some(Visibility::Public),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();

    let app = TestApp::spawn_with(&[("REPLICA_DATABASE_URL", replica.url.as_str())]).await;
    let (_, _, token) = local_user(&app.state, "onprimary").await;
    let id = post(&app, &token, "written to the primary").await;

    let texts = public_texts(&app).await;
    assert!(
        texts.iter().any(|t| t.contains("only on the replica")),
        "the public timeline is read from the replica: {texts:?}"
    );
    assert!(!texts.iter().any(|t| t.contains("written to the primary")));
    // The author reads their new status back at once, from the primary.
    let resp = app.get(&format!("/api/v1/statuses/{id}"), &token).await;
    assert_eq!(resp.status(), 200);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "onprimary");
}

#[tokio::test]
async fn an_unreachable_replica_falls_back_to_the_primary() {
    let app = TestApp::spawn_with(&[(
        "REPLICA_DATABASE_URL",
        "postgres://ferrodon:ferrodon@127.0.0.1:1/nowhere",
    )])
    .await;
    let (_, _, token) = local_user(&app.state, "dora").await;
    post(&app, &token, "still public").await;
    let texts = public_texts(&app).await;
    assert!(
        texts.iter().any(|t| t.contains("still public")),
        "{texts:?}"
    );
}
