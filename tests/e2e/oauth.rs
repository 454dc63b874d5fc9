//! The OAuth flows a client app goes through.
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::oauth::pkce_pair;
use ferrodon_testkit::TestApp;
use serde_json::Value;

const REDIRECT: &str = "https://app.example/callback";

async fn register_app(app: &TestApp, scopes: &str) -> Value {
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "E2E Client"),
            ("redirect_uris", REDIRECT),
            ("scopes", scopes),
            ("website", "https://app.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Signs in on the HTML form and returns the Location the browser is sent to.
async fn authorize(
    app: &TestApp,
    client_id: &str,
    challenge: Option<&str>,
    password: &str,
) -> reqwest::Response {
    let mut form = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", REDIRECT),
        ("scope", "read write"),
        ("state", "xyz-state"),
        ("login", "alice@example.com"),
        ("password", password),
        ("decision", "approve"),
    ];
    if let Some(c) = challenge {
        form.push(("code_challenge", c));
        form.push(("code_challenge_method", "S256"));
    }
    app.client
        .post(app.url("/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

fn code_from(resp: &reqwest::Response) -> String {
    assert_eq!(resp.status(), 302, "authorize should redirect");
    let location = resp.headers()["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    assert!(location.starts_with(REDIRECT));
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("state".into(), "xyz-state".into())));
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .expect("code in redirect")
}

#[tokio::test]
async fn authorization_code_with_pkce_signs_in() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let client = register_app(&app, "read write follow").await;
    let client_id = client["client_id"].as_str().unwrap();
    let client_secret = client["client_secret"].as_str().unwrap();
    assert_eq!(client["redirect_uris"][0], REDIRECT);

    let (verifier, challenge) = pkce_pair();
    let page = app
        .client
        .get(app.url("/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("scope", "read write"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    // Without a browser session the page sends us to sign in first, and back.
    assert_eq!(page.status(), 303);
    let location = page.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/auth/sign_in?return_to=%2Foauth%2Fauthorize%3F"),
        "{location}"
    );

    let wrong = authorize(&app, client_id, Some(&challenge), "not the password").await;
    assert_eq!(wrong.status(), 200, "a wrong password re-shows the form");
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("Invalid email or password"));

    let code = code_from(&authorize(&app, client_id, Some(&challenge), PASSWORD).await);
    let bad = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<Value>().await.unwrap()["error"], "invalid_grant");

    // The failed attempt consumed the code; a fresh one with the right verifier works.
    let code = code_from(&authorize(&app, client_id, Some(&challenge), PASSWORD).await);
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    let access = token["access_token"].as_str().unwrap();

    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["source"]["privacy"], "public");

    let reuse = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 400, "a code is good for one exchange");

    let revoke = app
        .client
        .post(app.url("/oauth/revoke"))
        .form(&[
            ("token", access),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);
    let after = app.get("/api/v1/accounts/verify_credentials", access).await;
    assert_eq!(after.status(), 401);
    assert_eq!(
        after.json::<Value>().await.unwrap()["error"],
        "The access token is invalid"
    );
}

#[tokio::test]
async fn client_credentials_and_disabled_password_grant() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let client = register_app(&app, "read write").await;
    let id = client["client_id"].as_str().unwrap();
    let secret = client["client_secret"].as_str().unwrap();
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "read")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_token = token["access_token"].as_str().unwrap();
    let verify: Value = app
        .get("/api/v1/apps/verify_credentials", app_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verify["name"], "E2E Client");
    assert!(
        verify.get("client_secret").is_none(),
        "the secret is shown only once"
    );
    let no_user = app
        .get("/api/v1/accounts/verify_credentials", app_token)
        .await;
    assert_eq!(no_user.status(), 422);

    let wrong_secret = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), 401);
    assert_eq!(
        wrong_secret.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let password = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", id),
            ("client_secret", secret),
            ("username", "alice@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(password.status(), 400);
    assert_eq!(
        password.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );

    let discovery: Value = app
        .client
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["code_challenge_methods_supported"][0], "S256");
    assert!(!discovery["grant_types_supported"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g == "password"));
}

#[tokio::test]
async fn password_grant_works_when_enabled() {
    let app = TestApp::spawn_with(&[("FERRODON_ENABLE_PASSWORD_GRANT", "true")]).await;
    local_user(&app.state, "alice").await;
    let client = register_app(&app, "read").await;
    let resp = app
        .client
        .post(app.url("/oauth/token"))
        .json(&serde_json::json!({"grant_type": "password", "client_id": client["client_id"], "client_secret": client["client_secret"], "username": "alice", "password": PASSWORD, "scope": "read"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let token: Value = resp.json().await.unwrap();
    let me = app
        .get(
            "/api/v1/accounts/verify_credentials",
            token["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn app_registration_is_validated() {
    let app = TestApp::spawn().await;
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[("client_name", "x"), ("redirect_uris", "not a uri")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Validation failed"));
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "x"),
            ("redirect_uris", REDIRECT),
            ("scopes", "read everything"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
}
