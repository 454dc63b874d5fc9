//! Authorizing an application from a signed-in browser: the consent page
//! (no password), PKCE, state, deny, and out-of-band codes.
use ferrodon_testkit::browser::{form_value, Browser};
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::oauth::pkce_pair;
use ferrodon_testkit::TestApp;
use serde_json::Value;

const REDIRECT: &str = "https://app.example/callback";
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

async fn register_app(app: &TestApp) -> Value {
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Consent Client"),
            ("redirect_uris", &format!("{REDIRECT}\n{OOB}")),
            ("scopes", "read write follow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn authorize_path(client_id: &str, redirect: &str, challenge: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", "read write:statuses")
        .append_pair("state", "xyz-state")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!("/oauth/authorize?{query}")
}

fn query_of(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn exchange(
    app: &TestApp,
    client: &Value,
    code: &str,
    redirect: &str,
    verifier: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client["client_id"].as_str().unwrap()),
            ("client_secret", client["client_secret"].as_str().unwrap()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_signed_in_browser_authorizes_an_app_without_a_password() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let client = register_app(&app).await;
    let client_id = client["client_id"].as_str().unwrap();
    let (verifier, challenge) = pkce_pair();
    let path = authorize_path(client_id, REDIRECT, &challenge);
    let mut browser = Browser::new(&app.url(""));

    // Not signed in: sign in first, then back to the same request.
    let first = browser.get(&path).await;
    assert_eq!(first.status, 303);
    let sign_in_at = first.location.unwrap();
    let sign_in = browser.get(&sign_in_at).await;
    let return_to = form_value(&sign_in.body, "return_to").expect("return_to kept");
    assert_eq!(return_to, path);
    let signed_in = browser
        .post_form(
            "/auth/sign_in",
            &[
                ("authenticity_token", &sign_in.csrf_token()),
                ("login", "alice"),
                ("password", PASSWORD),
                ("return_to", &return_to),
            ],
        )
        .await;
    assert_eq!(signed_in.location.as_deref(), Some(path.as_str()));

    // The consent page: the app, the scopes in words, no password field.
    let consent = browser.get(&path).await;
    assert_eq!(consent.status, 200);
    assert!(consent.body.contains("Consent Client"));
    assert!(consent.body.contains("Read all your account&#39;s data"));
    assert!(consent.body.contains("Change your posts"));
    assert!(!consent.body.contains("name=\"password\""));
    let csp = consent.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("form-action 'self' https://app.example;"),
        "the answer may redirect to the app only: {csp}"
    );
    let token = consent.csrf_token();
    let hidden = |name: &str| form_value(&consent.body, name).unwrap_or_default();
    let form_with = |decision: &'static str, csrf: String| {
        vec![
            ("authenticity_token".to_owned(), csrf),
            ("response_type".to_owned(), hidden("response_type")),
            ("client_id".to_owned(), hidden("client_id")),
            ("redirect_uri".to_owned(), hidden("redirect_uri")),
            ("scope".to_owned(), hidden("scope")),
            ("state".to_owned(), hidden("state")),
            ("code_challenge".to_owned(), hidden("code_challenge")),
            (
                "code_challenge_method".to_owned(),
                hidden("code_challenge_method"),
            ),
            ("decision".to_owned(), decision.to_owned()),
        ]
    };

    // A forged form gives nothing.
    let forged_fields = form_with("approve", "forged".into());
    let forged_refs: Vec<(&str, &str)> = forged_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let forged = browser.post_form("/oauth/authorize", &forged_refs).await;
    assert_eq!(forged.status, 403);

    // Deny: back to the app with access_denied and the state.
    let deny_fields = form_with("deny", token.clone());
    let deny_refs: Vec<(&str, &str)> = deny_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let denied = browser.post_form("/oauth/authorize", &deny_refs).await;
    assert_eq!(denied.status, 302);
    let pairs = query_of(denied.location.as_deref().unwrap());
    assert!(pairs.contains(&("error".into(), "access_denied".into())));
    assert!(pairs.contains(&("state".into(), "xyz-state".into())));

    // Approve: a code (with the state) that needs the PKCE verifier.
    let approve_fields = form_with("approve", token.clone());
    let approve_refs: Vec<(&str, &str)> = approve_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let approved = browser.post_form("/oauth/authorize", &approve_refs).await;
    assert_eq!(approved.status, 302);
    let location = approved.location.unwrap();
    assert!(location.starts_with(REDIRECT));
    let pairs = query_of(&location);
    assert!(pairs.contains(&("state".into(), "xyz-state".into())));
    let code = pairs.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let token_body: Value = exchange(&app, &client, &code, REDIRECT, &verifier)
        .await
        .json()
        .await
        .unwrap();
    let access = token_body["access_token"]
        .as_str()
        .expect("an access token");
    assert_eq!(token_body["scope"], "read write:statuses");
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "alice");

    // Out of band: the code is shown on a page instead.
    let (oob_verifier, oob_challenge) = pkce_pair();
    let oob_path = authorize_path(client_id, OOB, &oob_challenge);
    let oob_page = browser.get(&oob_path).await;
    assert_eq!(oob_page.status, 200);
    let mut oob_fields: Vec<(String, String)> = [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|n| {
        (
            (*n).to_owned(),
            form_value(&oob_page.body, n).unwrap_or_default(),
        )
    })
    .collect();
    oob_fields.push(("authenticity_token".into(), oob_page.csrf_token()));
    oob_fields.push(("decision".into(), "approve".into()));
    let oob_refs: Vec<(&str, &str)> = oob_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let shown = browser.post_form("/oauth/authorize", &oob_refs).await;
    assert_eq!(shown.status, 200);
    let start = shown
        .body
        .find("<code id=\"code\">")
        .expect("the code on the page")
        + "<code id=\"code\">".len();
    let oob_code = &shown.body[start..start + shown.body[start..].find('<').unwrap()];
    let oob_token = exchange(&app, &client, oob_code, OOB, &oob_verifier).await;
    assert_eq!(oob_token.status(), 200);
}
