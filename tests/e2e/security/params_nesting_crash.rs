//! One unauthenticated request used to kill ferrodon-web: a 1.5 MB form
//! body `a[x][x]…=1` (500,000 levels) overflowed the stack in the
//! Rails-style parameter parser and aborted the process. Every way in to
//! that parser (form bodies, query strings, multipart field names) now
//! stops at Rack's 32 levels and 4096 parameters with a 400, JSON bodies
//! at serde_json's 128 levels, and the server keeps serving.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

const FORM: &str = "application/x-www-form-urlencoded";

/// `a[x][x]…=1` with `levels` brackets.
fn nested_key(levels: usize) -> String {
    format!("a{}=1", "[x]".repeat(levels))
}

/// Asserts a 400 with Mastodon's `{"error": "…"}` body naming the
/// parameters.
async fn assert_refused(response: reqwest::Response, what: &str) {
    let status = response.status().as_u16();
    let body: Value = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("{what}: no JSON body ({e})"));
    assert_eq!(status, 400, "{what}: {body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("parameters"),
        "{what}: unexpected error {body}"
    );
}

/// POSTs `body` as `content_type`, with a bearer token when given.
async fn post_raw(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: String,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("Content-Type", content_type);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .body(body)
        .send()
        .await
        .expect("an answer, not a dropped connection")
}

/// GETs the public timeline with `query`.
async fn public_timeline(app: &TestApp, query: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/timelines/public?{query}")))
        .send()
        .await
        .unwrap()
}

async fn assert_still_serving(app: &TestApp) {
    let health = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("ferrodon-web is still up");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_deeply_nested_form_body_is_a_400_not_a_crash() {
    let app = TestApp::spawn().await;
    let body = nested_key(500_000);
    assert!(body.len() > 1_500_000);
    let response = post_raw(&app, "/oauth/token", None, FORM, body).await;
    assert_refused(response, "nested form body").await;
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn nesting_through_query_strings_multipart_and_json_is_refused_too() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    let response = public_timeline(&app, &nested_key(200)).await;
    assert_refused(response, "nested query string").await;

    let field = format!("status{}", "[x]".repeat(100));
    let form = reqwest::multipart::Form::new().text(field, "hi").part(
        "file",
        reqwest::multipart::Part::bytes(b"GIF89a".to_vec()).file_name("a.gif"),
    );
    let response = app
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_refused(response, "nested multipart field name").await;

    // JSON bodies: serde_json stops at 128 levels by itself.
    let json = format!(
        "{{\"status\":\"hi\",\"a\":{}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let response = post_raw(
        &app,
        "/api/v1/statuses",
        Some(&token),
        "application/json",
        json,
    )
    .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");

    // Just under the limit still works: 31 brackets are 32 levels.
    let response = public_timeline(&app, &nested_key(31)).await;
    assert_eq!(response.status(), 200);
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn a_huge_parameter_count_is_a_400() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    // 1.5 MB of distinct keys along a real post: without a limit the
    // status is created after parsing 150,000 parameters.
    let mut body = String::from("status=hello");
    for i in 0..150_000 {
        body.push_str(&format!("&k{i}=1"));
    }
    let response = post_raw(&app, "/api/v1/statuses", Some(&token), FORM, body).await;
    assert_refused(response, "150,000 parameters").await;

    // An ordinary post is untouched.
    let response = app
        .post_form("/api/v1/statuses", &token, &[("status", "hello")])
        .await;
    assert_eq!(response.status(), 200);
    assert_still_serving(&app).await;
}
