use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

#[tokio::test]
async fn markers_save_and_version_read_positions() {
    let app = TestApp::spawn().await;
    let (user, _, token) = local_user(&app.state, "alice").await;
    let none: Value = app
        .get("/api/v1/markers?timeline[]=home", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!({}));

    let saved: Value = app
        .post_form(
            "/api/v1/markers",
            &token,
            &[("home[last_read_id]", "103206604105421123")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["home"]["last_read_id"], "103206604105421123");
    assert_eq!(saved["home"]["version"], 1);
    assert!(saved.get("notifications").is_none());
    let again: Value = app
        .post_json("/api/v1/markers", &token, &json!({"home": {"last_read_id": "103206604105421200"}, "notifications": {"last_read_id": "77"}}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["home"]["version"], 2);
    assert_eq!(again["notifications"]["last_read_id"], "77");

    let only_home: Value = app
        .get("/api/v1/markers?timeline[]=home", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only_home["home"]["last_read_id"], "103206604105421200");
    assert!(only_home.get("notifications").is_none());
    let both: Value = app
        .get("/api/v1/markers", &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(both.get("home").is_some() && both.get("notifications").is_some());

    assert_eq!(
        app.post_form("/api/v1/markers", &token, &[("home[last_read_id]", "abc")])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.post_form("/api/v1/markers", &token, &[]).await.status(),
        400
    );
    let read_only = token_for(&app.state, &user, "read").await;
    assert_eq!(app.get("/api/v1/markers", &read_only).await.status(), 200);
    assert_eq!(
        app.post_form(
            "/api/v1/markers",
            &read_only,
            &[("home[last_read_id]", "5")]
        )
        .await
        .status(),
        403
    );
}
