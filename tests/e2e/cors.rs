//! CORS as Mastodon's `config/initializers/cors.rb` allows it: web clients
//! on another origin may call the API, the token endpoints, discovery
//! documents and RSS feeds; the HTML pages, cookie-session forms and the
//! authorization page stay closed to them.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use reqwest::Method;

const ORIGIN: &str = "https://elk.example";

async fn preflight(app: &TestApp, path: &str, method: &str, headers: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .unwrap()
}

async fn get_from_elsewhere(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap()
}

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    resp.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn api_token_and_discovery_are_open_to_other_origins() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    // The preflight a browser sends before a client posts with a token.
    let resp = preflight(
        &app,
        "/api/v1/statuses",
        "POST",
        "authorization,content-type,idempotency-key",
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some("*"));
    let methods = header(&resp, "access-control-allow-methods").unwrap();
    for m in ["POST", "PUT", "DELETE", "GET", "PATCH"] {
        assert!(methods.contains(m), "{methods}");
    }
    assert_eq!(
        header(&resp, "access-control-allow-headers"),
        Some("authorization,content-type,idempotency-key")
    );
    assert_eq!(header(&resp, "access-control-max-age"), Some("7200"));
    assert!(header(&resp, "access-control-allow-credentials").is_none());
    assert!(resp.text().await.unwrap().is_empty());

    // The real request: readable, with the paging and rate-limit headers exposed.
    for _ in 0..2 {
        app.post_form("/api/v1/statuses", &token, &[("status", "hello")])
            .await;
    }
    let resp = app
        .client
        .get(app.url("/api/v1/timelines/home?limit=1"))
        .bearer_auth(&token)
        .header("Origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some("*"));
    let exposed = header(&resp, "access-control-expose-headers").unwrap();
    for h in [
        "Link",
        "X-RateLimit-Reset",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
    ] {
        assert!(exposed.contains(h), "{exposed}");
    }
    assert!(resp.headers().contains_key("link"));
    assert!(header(&resp, "vary").unwrap().contains("Origin"));

    // Errors are readable too (a client must see the 401's body).
    let resp = get_from_elsewhere(&app, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(resp.status(), 401);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some("*"));

    // Without Origin, nothing is added (as rack-cors).
    let resp = app
        .client
        .get(app.url("/api/v1/instance"))
        .send()
        .await
        .unwrap();
    assert!(header(&resp, "access-control-allow-origin").is_none());
    assert!(header(&resp, "vary").unwrap_or_default().contains("Origin"));

    // Token and revocation: POST only.
    for path in ["/oauth/token", "/oauth/revoke"] {
        let resp = preflight(&app, path, "POST", "content-type").await;
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(header(&resp, "access-control-allow-origin"), Some("*"));
        assert_eq!(header(&resp, "access-control-allow-methods"), Some("POST"));
        let resp = preflight(&app, path, "DELETE", "content-type").await;
        assert!(
            header(&resp, "access-control-allow-origin").is_none(),
            "{path}: DELETE is not allowed"
        );
    }

    // Discovery documents and the RSS feed, read with GET.
    for path in [
        "/.well-known/nodeinfo",
        "/.well-known/host-meta",
        "/nodeinfo/2.0",
        "/@alice.rss",
    ] {
        let resp = get_from_elsewhere(&app, path).await;
        assert_eq!(
            header(&resp, "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_and_session_forms_stay_closed_to_other_origins() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    for path in [
        "/",
        "/@alice",
        "/auth/sign_in",
        "/settings/profile",
        "/home",
        "/oauth/authorize?client_id=x&redirect_uri=urn:ietf:wg:oauth:2.0:oob&response_type=code",
        "/users/alice",
    ] {
        let resp = get_from_elsewhere(&app, path).await;
        assert!(
            header(&resp, "access-control-allow-origin").is_none(),
            "{path} must not be readable cross-origin"
        );
    }
    for path in ["/auth/sign_in", "/oauth/authorize", "/settings/profile"] {
        let resp = preflight(&app, path, "POST", "content-type").await;
        assert!(
            header(&resp, "access-control-allow-origin").is_none(),
            "{path}: no preflight answer"
        );
    }
}
