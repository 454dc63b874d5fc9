//! Hostile client input on the REST API: wrong JSON types, missing fields,
//! oversized text, invalid UTF-8, path traversal in upload file names, a
//! read-only token on write endpoints, other users' private and direct
//! statuses by id, and the rate limit across two web processes. Each
//! answer is Mastodon's `{"error": …}` with the right status, and nothing
//! is stored.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

/// The status and the `error` of a refused request.
async fn refused(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap();
    let error = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error string in {body}"))
        .to_owned();
    (status, error)
}

async fn status_count(app: &TestApp) -> i64 {
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::schema::statuses::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_status_bodies_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    // Wrong types: refused (Ferrodon says 400 where Rails' strong
    // parameters would silently drop the value), never stored.
    for body in [
        json!({"status": {"nested": true}}),
        json!({"status": ["a", "b"]}),
        json!({"status": "hi", "media_ids": "not-a-list-of-ids"}),
        json!({"status": "hi", "visibility": "everyone"}),
        json!({"status": "hi", "poll": {"options": "x", "expires_in": "soon"}}),
        json!({"status": "hi", "scheduled_at": 12}),
    ] {
        let resp = app.post_json("/api/v1/statuses", &token, &body).await;
        let status = resp.status().as_u16();
        let answer: Value = resp.json().await.unwrap();
        assert!(status == 400 || status == 422, "{body}: {status} {answer}");
        assert!(answer["error"].is_string(), "{body}: {answer}");
    }
    // Missing fields (no text and no media), and over the 500-character
    // limit: Mastodon's 422.
    for body in [
        json!({}),
        json!({"spoiler_text": "cw only"}),
        json!({"status": "x".repeat(501)}),
    ] {
        let (status, error) = refused(app.post_json("/api/v1/statuses", &token, &body).await).await;
        assert_eq!(status, 422, "{body}: {error}");
        assert!(error.starts_with("Validation failed: "), "{error}");
    }
    assert_eq!(status_count(&app).await, 0);

    // Not JSON at all, JSON that is not an object, and invalid UTF-8 in
    // each body encoding.
    for (content_type, body) in [
        ("application/json", b"{\"status\": \"unterminated".to_vec()),
        ("application/json", b"[\"status\"]".to_vec()),
        ("application/json", b"{\"status\": \"\xff\xfe\"}".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"status=\xff\xfe".to_vec(),
        ),
    ] {
        let resp = post_raw(&app, "/api/v1/statuses", &token, content_type, body.clone()).await;
        let (status, error) = refused(resp).await;
        assert_eq!(
            status,
            400,
            "{content_type} {:?}: {error}",
            String::from_utf8_lossy(&body)
        );
    }
    // Percent-encoded invalid UTF-8 is not a valid status either.
    let resp = post_raw(
        &app,
        "/api/v1/statuses",
        &token,
        "application/x-www-form-urlencoded",
        b"status=%FF%FE".to_vec(),
    )
    .await;
    let status = resp.status().as_u16();
    if status == 200 {
        // Decoded leniently (U+FFFD), as Rails would reject: at least it
        // must be stored as valid text.
        let body: Value = resp.json().await.unwrap();
        assert!(body["content"].as_str().is_some());
    } else {
        assert!(status == 400 || status == 422, "{status}");
    }
    let stored = status_count(&app).await;
    assert!(stored <= 1, "{stored} statuses stored");

    // A body over the 2 MiB limit.
    let huge = format!("status={}", "x".repeat(3 << 20)).into_bytes();
    let resp = post_raw(
        &app,
        "/api/v1/statuses",
        &token,
        "application/x-www-form-urlencoded",
        huge,
    )
    .await;
    assert!(
        matches!(resp.status().as_u16(), 400 | 413),
        "{}",
        resp.status()
    );
    assert_eq!(status_count(&app).await, stored);

    // The server still serves: a normal post succeeds.
    let ok = app
        .post_form("/api/v1/statuses", &token, &[("status", "still here")])
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn upload_file_names_cannot_traverse_paths() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let marker = format!("ferrodon-traversal-{}", ferrodon_testkit::random_suffix());
    let escape = std::env::temp_dir().join(format!("{marker}.png"));
    for name in [
        format!("../../../../../../{}", escape.display()),
        format!("..%2F..%2F..%2F{marker}.png"),
        format!("/{}", escape.display()),
        format!("..\\..\\{marker}.png"),
    ] {
        let part = reqwest::multipart::Part::bytes(crate::media::png(8, 8))
            .file_name(name.clone())
            .mime_str("image/png")
            .unwrap();
        let resp = app
            .client
            .post(app.url("/api/v2/media"))
            .bearer_auth(&token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{name}: {}", resp.status());
        let media: Value = resp.json().await.unwrap();
        let url = media["url"].as_str().unwrap_or_default();
        assert!(!url.contains(".."), "{name} → {url}");
        assert!(!url.contains(&marker), "{name} → {url}");
    }
    assert!(!escape.exists(), "{} was written", escape.display());
}

#[tokio::test]
async fn read_only_tokens_cannot_write() {
    let app = TestApp::spawn().await;
    let (user, _, token) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let read_only = token_for(&app.state, &user, "read").await;
    let posted: Value = app
        .post_form("/api/v1/statuses", &token, &[("status", "mine")])
        .await
        .json()
        .await
        .unwrap();
    let id = posted["id"].as_str().unwrap();
    let before = status_count(&app).await;

    let writes: Vec<(reqwest::Method, String)> = vec![
        (reqwest::Method::POST, "/api/v1/statuses".into()),
        (reqwest::Method::DELETE, format!("/api/v1/statuses/{id}")),
        (reqwest::Method::PUT, format!("/api/v1/statuses/{id}")),
        (
            reqwest::Method::POST,
            format!("/api/v1/statuses/{id}/favourite"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/statuses/{id}/reblog"),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/statuses/{id}/bookmark"),
        ),
        (reqwest::Method::POST, format!("/api/v1/statuses/{id}/pin")),
        (
            reqwest::Method::POST,
            format!("/api/v1/accounts/{}/follow", bob.id),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/accounts/{}/block", bob.id),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/accounts/{}/mute", bob.id),
        ),
        (
            reqwest::Method::PATCH,
            "/api/v1/accounts/update_credentials".into(),
        ),
        (reqwest::Method::POST, "/api/v2/media".into()),
        (reqwest::Method::POST, "/api/v1/lists".into()),
        (reqwest::Method::POST, "/api/v2/filters".into()),
        (reqwest::Method::POST, "/api/v1/reports".into()),
        (reqwest::Method::POST, "/api/v1/notifications/clear".into()),
    ];
    for (method, path) in writes {
        let resp = app
            .client
            .request(method.clone(), app.url(&path))
            .bearer_auth(&read_only)
            .form(&[("status", "escalated"), ("title", "x"), ("account_id", "1")])
            .send()
            .await
            .unwrap();
        let (status, error) = refused(resp).await;
        assert_eq!(status, 403, "{method} {path}: {error}");
        assert_eq!(
            error, "This action is outside the authorized scopes",
            "{method} {path}"
        );
    }
    assert_eq!(status_count(&app).await, before);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &read_only)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["statuses_count"], 1, "the read scope still reads");

    // A token that differs from a real one in its last character is no
    // token: 401 with Mastodon's message.
    let mut forged = token.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'a' { 'b' } else { 'a' });
    let (status, error) = refused(
        app.get("/api/v1/accounts/verify_credentials", &forged)
            .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (401, "The access token is invalid")
    );
}

#[tokio::test]
async fn other_users_private_and_direct_statuses_are_not_found() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let (_, _, carol_token) = local_user(&app.state, "carol").await;
    let mut hidden = Vec::new();
    for (visibility, text) in [("private", "followers only"), ("direct", "@carol just us")] {
        let posted: Value = app
            .post_form(
                "/api/v1/statuses",
                &alice_token,
                &[("status", text), ("visibility", visibility)],
            )
            .await
            .json()
            .await
            .unwrap();
        hidden.push(posted["id"].as_str().unwrap().to_owned());
    }
    for id in &hidden {
        for path in [
            format!("/api/v1/statuses/{id}"),
            format!("/api/v1/statuses/{id}/context"),
            format!("/api/v1/statuses/{id}/source"),
            format!("/api/v1/statuses/{id}/history"),
            format!("/api/v1/statuses/{id}/favourited_by"),
            format!("/api/v1/statuses/{id}/reblogged_by"),
        ] {
            let (status, error) = refused(app.get(&path, &bob_token).await).await;
            assert_eq!(
                (status, error.as_str()),
                (404, "Record not found"),
                "{path}"
            );
        }
        for action in ["favourite", "reblog", "bookmark"] {
            let path = format!("/api/v1/statuses/{id}/{action}");
            let (status, _) = refused(app.post_form(&path, &bob_token, &[]).await).await;
            assert_eq!(status, 404, "{path}");
        }
        // Pinning someone else's status is Mastodon's 422 (StatusPin's
        // validation, whatever the visibility); it says nothing of the text.
        let path = format!("/api/v1/statuses/{id}/pin");
        let (status, error) = refused(app.post_form(&path, &bob_token, &[]).await).await;
        assert_eq!(status, 422, "{path}");
        assert!(
            !error.contains("just us") && !error.contains("followers only"),
            "{error}"
        );
        // Without a token at all.
        let resp = app
            .client
            .get(app.url(&format!("/api/v1/statuses/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404);
    }
    // The mentioned user does see the direct one.
    let seen = app
        .get(&format!("/api/v1/statuses/{}", hidden[1]), &carol_token)
        .await;
    assert_eq!(seen.status(), 200);
}

/// A second `ferrodon-web` on the same database and Redis namespace.
struct SecondWeb {
    child: std::process::Child,
    base_url: String,
}

impl Drop for SecondWeb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn second_web(app: &TestApp) -> SecondWeb {
    let port = ferrodon_testkit::app::free_port();
    let mut env: Vec<(String, String)> = app.env().to_vec();
    env.retain(|(k, _)| k != "PORT");
    env.push(("PORT".into(), port.to_string()));
    let child = Command::new(ferrodon_testkit::app::bin_dir().join("ferrodon-web"))
        .env_clear()
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let web = SecondWeb {
        child,
        base_url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(resp) = app
            .client
            .get(format!("{}/health", web.base_url))
            .send()
            .await
        {
            if resp.status().is_success() {
                return web;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the second ferrodon-web did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn rate_limits_hold_across_two_web_processes() {
    let app = TestApp::spawn_with(&[("FERRODON_API_RATE_LIMIT", "6")]).await;
    let second = second_web(&app).await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    // The limit counts in 5-minute windows aligned to the epoch: start well
    // inside one, so that all ten requests fall in the same window.
    let into_window = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 300;
    if into_window > 290 {
        tokio::time::sleep(Duration::from_secs(301 - into_window)).await;
    }
    let mut answers = Vec::new();
    for i in 0..10 {
        let base = if i % 2 == 0 {
            &app.base_url
        } else {
            &second.base_url
        };
        let resp = app
            .client
            .get(format!("{base}/api/v1/accounts/verify_credentials"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        answers.push(resp.status().as_u16());
    }
    // One budget of 6 for the token, whichever process answers: three
    // requests each, not six each.
    assert_eq!(answers, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
}
