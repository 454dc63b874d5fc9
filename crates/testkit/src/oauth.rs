//! OAuth helpers for tests: PKCE pairs, app tokens, API sign-up.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A (verifier, S256 challenge) pair.
pub fn pkce_pair() -> (String, String) {
    let verifier = format!("{}{}", crate::random_suffix(), crate::random_suffix()).repeat(2);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Registers an app and returns its `client_credentials` token with `write`
/// scope, as a client does before `POST /api/v1/accounts`.
pub async fn app_token(app: &crate::TestApp) -> String {
    app_token_with_scope(app, "write").await
}

/// Registers an app (`read write`) and returns a `client_credentials`
/// token (no user) with `scope`.
pub async fn app_token_with_scope(app: &crate::TestApp, scope: &str) -> String {
    let client: serde_json::Value = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Signup"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "read write"),
        ])
        .send()
        .await
        .expect("register app")
        .json()
        .await
        .expect("app JSON");
    let token: serde_json::Value = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            (
                "client_id",
                client["client_id"].as_str().expect("client_id"),
            ),
            (
                "client_secret",
                client["client_secret"].as_str().expect("client_secret"),
            ),
            ("scope", scope),
        ])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token JSON");
    token["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Signs up through `POST /api/v1/accounts` with an app token and returns
/// the (still unconfirmed) user's access token.
pub async fn sign_up(app: &crate::TestApp, app_token: &str, username: &str, email: &str) -> String {
    let resp = app
        .post_form(
            "/api/v1/accounts",
            app_token,
            &[
                ("username", username),
                ("email", email),
                ("password", "a fine password"),
                ("agreement", "true"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 200, "sign-up failed");
    let body: serde_json::Value = resp.json().await.expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Registers an app (`POST /api/v1/apps`) and returns its JSON, with
/// `client_id` and `client_secret`.
pub async fn register_app(app: &crate::TestApp, name: &str, scopes: &str) -> serde_json::Value {
    app.client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", name),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", scopes),
        ])
        .send()
        .await
        .expect("register app")
        .json()
        .await
        .expect("app JSON")
}

/// `POST /oauth/token` with `grant_type=password` (the instance must run
/// with `FERRODON_ENABLE_PASSWORD_GRANT=true`).
pub async fn password_grant(
    app: &crate::TestApp,
    client: &serde_json::Value,
    login: &str,
    password: &str,
    scope: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            (
                "client_id",
                client["client_id"].as_str().expect("client_id"),
            ),
            (
                "client_secret",
                client["client_secret"].as_str().expect("client_secret"),
            ),
            ("username", login),
            ("password", password),
            ("scope", scope),
        ])
        .send()
        .await
        .expect("token request")
}
