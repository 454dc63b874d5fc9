use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn instance_documents() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let v2: Value = app
        .client
        .get(app.url("/api/v2/instance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Clients read the Mastodon version in front (and Mastodon.py parses
    // it with a regex) to decide which features the server has.
    let version = format!(
        "4.5.0 (compatible; Ferrodon {})",
        ferrodon_core::FERRODON_VERSION
    );
    assert_eq!(v2["version"], version.as_str());
    assert_eq!(
        v2["api_versions"]["mastodon"], 7,
        "Mastodon 4.5's API version"
    );
    assert!(v2["configuration"]["urls"]["streaming"]
        .as_str()
        .unwrap()
        .starts_with("ws://"));
    assert_eq!(v2["configuration"]["statuses"]["max_characters"], 500);
    let v1: Value = app
        .client
        .get(app.url("/api/v1/instance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["stats"]["user_count"], 1);
    assert_eq!(v1["version"], version.as_str());
    assert_eq!(v1["uri"], app.base_url.trim_start_matches("http://"));
    let slash = app
        .client
        .get(app.url("/api/v1/instance/"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        slash.status(),
        200,
        "a trailing slash is ignored, as in Rails"
    );
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "OK");
}

#[tokio::test]
async fn endpoints_clients_call_at_start_up_never_404() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    for path in [
        "/api/v1/preferences",
        "/api/v1/custom_emojis",
        "/api/v1/filters",
        "/api/v2/filters",
        "/api/v1/lists",
        "/api/v1/markers?timeline[]=home",
        "/api/v1/announcements",
        "/api/v1/followed_tags",
        "/api/v1/follow_requests",
        "/api/v1/conversations",
        "/api/v1/mutes",
        "/api/v1/blocks",
        "/api/v1/domain_blocks",
        "/api/v1/instance/rules",
        "/api/v1/trends/tags",
        "/api/v1/scheduled_statuses",
        "/api/v2/search?q=alice",
        "/api/v1/instance/peers",
    ] {
        let resp = app.get(path, &token).await;
        assert_eq!(resp.status(), 200, "{path}");
        let _: Value = resp
            .json()
            .await
            .unwrap_or_else(|_| panic!("{path} answers JSON"));
    }
    let prefs: Value = app
        .get("/api/v1/preferences", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(prefs["posting:default:visibility"], "public");
    let unknown = app.get("/api/v1/definitely-not-a-route", &token).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["error"],
        "Record not found"
    );
    let filters_unauth = app
        .client
        .get(app.url("/api/v2/filters"))
        .send()
        .await
        .unwrap();
    assert_eq!(filters_unauth.status(), 401);
}
