//! The whole newcomer path in Chromium (tests/browser/signup.mjs): sign
//! up, confirm by e-mail, sign in, authorize an app; then the app's code
//! is exchanged for a token that works.
use ferrodon_core::db::queries::rules;
use ferrodon_testkit::oauth::pkce_pair;
use ferrodon_testkit::{random_suffix, TestApp};
use serde_json::Value;

const REDIRECT: &str = "https://app.example/callback";

#[tokio::test]
async fn a_newcomer_signs_up_confirms_and_authorizes_an_app_in_chromium() {
    let app = TestApp::spawn().await;
    {
        let mut conn = app.state.conn().await.unwrap();
        rules::put_rule(&mut conn, "Be kind to each other", "")
            .await
            .unwrap();
    }
    let client: Value = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Browser Flow App"),
            ("redirect_uris", REDIRECT),
            ("scopes", "read write"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = client["client_id"].as_str().unwrap().to_owned();
    let (verifier, challenge) = pkce_pair();
    let authorize_path = format!(
        "/oauth/authorize?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &client_id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", "read")
            .append_pair("state", "flow-state")
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish()
    );
    let username = format!("newcomer{}", random_suffix());
    let email = format!("{username}@example.com");
    let scratch = std::env::temp_dir().join(format!("ferrodon-signup-{}", random_suffix()));
    std::fs::create_dir_all(&scratch).unwrap();
    let link_file = scratch.join("link");
    let code_file = scratch.join("code");

    let base = app.url("").trim_end_matches('/').to_owned();
    let flow = {
        let (base, link_file, code_file) = (base.clone(), link_file.clone(), code_file.clone());
        let (username, email, authorize_path) =
            (username.clone(), email.clone(), authorize_path.clone());
        tokio::task::spawn_blocking(move || {
            crate::browser::run_flow(
                "signup.mjs",
                &base,
                &[
                    ("SIGN_UP_USERNAME", &username),
                    ("SIGN_UP_EMAIL", &email),
                    ("SIGN_UP_PASSWORD", "a long enough password"),
                    ("LINK_FILE", link_file.to_str().unwrap()),
                    ("CODE_FILE", code_file.to_str().unwrap()),
                    ("AUTHORIZE_PATH", &authorize_path),
                    ("REDIRECT_PREFIX", REDIRECT),
                ],
            )
        })
    };
    // Hand the flow the link from the e-mail once it arrives.
    let mail = app.nth_mail_to(&email, 1).await;
    let link = mail
        .link_containing("/auth/confirmation?confirmation_token=")
        .expect("a confirmation link");
    std::fs::write(&link_file, link).unwrap();
    flow.await.expect("the browser flow");

    let reached = std::fs::read_to_string(&code_file).unwrap();
    let url = url::Url::parse(reached.trim()).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("state".into(), "flow-state".into())));
    let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &client_id),
            ("client_secret", client["client_secret"].as_str().unwrap()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = token["access_token"].as_str().expect("an access token");
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], username);
    let _ = std::fs::remove_dir_all(&scratch);
}
