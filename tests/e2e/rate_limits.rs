//! Mastodon's per-token API rate limit and its headers.
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn api_requests_are_limited_per_token_with_headers() {
    let app = TestApp::spawn_with(&[("FERRODON_API_RATE_LIMIT", "3")]).await;
    let (user, _, token) = local_user(&app.state, "alice").await;
    for expected_remaining in ["2", "1", "0"] {
        let resp = app.get("/api/v1/accounts/verify_credentials", &token).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-ratelimit-limit"], "3");
        assert_eq!(resp.headers()["x-ratelimit-remaining"], expected_remaining);
        let reset = resp.headers()["x-ratelimit-reset"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            reset.ends_with(".000Z") && reset.contains('T'),
            "ISO 8601 reset time: {reset}"
        );
    }
    let limited = app.get("/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    assert_eq!(
        limited.json::<Value>().await.unwrap()["error"],
        "Too many requests"
    );

    let other = token_for(&app.state, &user, "read").await;
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &other)
            .await
            .status(),
        200,
        "each token has its own budget"
    );
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert!(
        health.headers().get("x-ratelimit-limit").is_none(),
        "only /api/ is limited"
    );
}
