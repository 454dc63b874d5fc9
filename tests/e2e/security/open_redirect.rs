//! Signing in with `return_to=/%09/evil.example` answered
//! `303 Location: /<TAB>/evil.example`, which browsers read as
//! `//evil.example`: an open redirect from our sign-in page (the two-factor
//! step too, and a signed-in visitor was sent on at once). Every such
//! redirect now goes through one check that keeps only a same-origin path
//! after URL normalisation, and falls back to the home timeline.
use ferrodon_core::auth::{totp, two_factor};
use ferrodon_testkit::browser::{Browser, PageResponse};
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;

/// Where a browser lands when `return_to` is refused.
const HOME: &str = "/home";

/// `return_to` values that lead (or once decoded, could lead) off-site.
const HOSTILE: &[&str] = &[
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    " //evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%09/evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/.//evil.example",
    "/..//evil.example",
];

async fn app() -> TestApp {
    TestApp::spawn_with(&[("FERRODON_AUTH_RATE_LIMIT", "1000")]).await
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn assert_lands_home(response: &PageResponse, hostile: &str) {
    assert_eq!(response.status, 303, "{hostile:?}: {}", response.body);
    assert_eq!(
        response.location.as_deref(),
        Some(HOME),
        "return_to {hostile:?}"
    );
}

async fn sign_in_returning_to(browser: &mut Browser, return_to: &str) -> PageResponse {
    browser
        .submit(
            "/auth/sign_in",
            "/auth/sign_in",
            &[
                ("login", "alice"),
                ("password", PASSWORD),
                ("return_to", return_to),
            ],
        )
        .await
}

#[tokio::test]
async fn signing_in_never_redirects_off_site() {
    let app = app().await;
    local_user(&app.state, "alice").await;

    // The attack as reported: the link's return_to survives the sign-in form.
    let mut browser = Browser::new(&app.url(""));
    let page = browser
        .get("/auth/sign_in?return_to=/%09/evil.example")
        .await;
    assert_eq!(page.status, 200);
    let response = sign_in_returning_to(&mut browser, "/\t/evil.example").await;
    assert_lands_home(&response, "/%09/evil.example");

    for hostile in HOSTILE {
        let mut browser = Browser::new(&app.url(""));
        let response = sign_in_returning_to(&mut browser, hostile).await;
        assert_lands_home(&response, hostile);
    }

    // A signed-in visitor following a crafted link is not sent off either.
    for hostile in HOSTILE {
        let response = browser
            .get(&format!("/auth/sign_in?return_to={}", encoded(hostile)))
            .await;
        assert_lands_home(&response, hostile);
    }

    // A path on this server is still where the browser goes back to.
    let mut browser = Browser::new(&app.url(""));
    let response = sign_in_returning_to(&mut browser, "/settings/preferences?tab=1").await;
    assert_eq!(
        response.location.as_deref(),
        Some("/settings/preferences?tab=1")
    );
}

#[tokio::test]
async fn the_two_factor_step_never_redirects_off_site() {
    let app = app().await;
    let (user, _, _) = local_user(&app.state, "alice").await;
    let setup = two_factor::begin_setup(&app.state, user.id, "alice")
        .await
        .unwrap();
    let secret = totp::base32_decode(&setup.secret).unwrap();
    let step = totp::step_at(chrono::Utc::now().timestamp() as u64);
    let code = format!("{:06}", totp::code_for_step(&secret, step));
    // Recovery codes: each is good once (a TOTP code only once a step).
    let recovery_codes = two_factor::confirm_setup(&app.state, user.id, &code)
        .await
        .unwrap();
    assert!(recovery_codes.len() >= 3);

    for (hostile, code) in [
        "/\t/evil.example",
        "/%2F%2Fevil.example",
        "/.//evil.example",
    ]
    .into_iter()
    .zip(&recovery_codes)
    {
        let mut phone = Browser::new(&app.url(""));
        let halfway = sign_in_returning_to(&mut phone, hostile).await;
        assert_eq!(halfway.location.as_deref(), Some("/auth/sign_in/otp"));
        let done = phone
            .submit("/auth/sign_in/otp", "/auth/sign_in/otp", &[("code", code)])
            .await;
        assert_lands_home(&done, hostile);
    }
}
