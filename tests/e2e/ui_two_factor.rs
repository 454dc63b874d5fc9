//! Two-factor sign-in: turning it on with a code from an app, signing in
//! with a code or a recovery code, the password grant refused, turning
//! it off.
use ferrodon_core::auth::totp;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::oauth::{password_grant, register_app};
use ferrodon_testkit::TestApp;

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {html}"))
        + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

fn code_at(secret: &[u8], step: u64) -> String {
    format!("{:06}", totp::code_for_step(secret, step))
}

fn now_step() -> u64 {
    totp::step_at(chrono::Utc::now().timestamp() as u64)
}

/// Signs in with the password; returns the second step's response.
async fn password_step(browser: &mut Browser) -> ferrodon_testkit::browser::PageResponse {
    browser
        .submit(
            "/auth/sign_in",
            "/auth/sign_in",
            &[("login", "alice"), ("password", PASSWORD)],
        )
        .await
}

#[tokio::test]
async fn two_factor_sign_in_with_a_code_or_a_recovery_code() {
    let app = TestApp::spawn_with(&[("FERRODON_ENABLE_PASSWORD_GRANT", "true")]).await;
    local_user(&app.state, "alice").await;
    let client = register_app(&app, "Password App", "read").await;
    assert_eq!(
        password_grant(&app, &client, "alice", PASSWORD, "read")
            .await
            .status(),
        200
    );

    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let off = browser.get("/settings/otp_authentication").await;
    assert!(off.body.contains("Set up two-factor authentication"));
    let setup = browser
        .submit(
            "/settings/otp_authentication",
            "/settings/otp_authentication",
            &[],
        )
        .await;
    assert_eq!(setup.status, 200);
    let secret_text = between(&setup.body, "<code id=\"otp-secret\">", "<").to_owned();
    let uri = between(&setup.body, "<code id=\"otp-uri\">", "<")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret_text}")),
        "{uri}"
    );
    let secret = totp::base32_decode(&secret_text).unwrap();
    assert_eq!(secret.len(), 20);

    // A wrong code does not turn it on.
    let wrong = browser
        .submit(
            "/settings/otp_authentication",
            "/settings/otp_authentication/confirm",
            &[("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Two-factor code is invalid"));
    let step = now_step();
    let on = browser
        .submit(
            "/settings/otp_authentication",
            "/settings/otp_authentication/confirm",
            &[("code", &code_at(&secret, step))],
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    let codes: Vec<String> = on
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);

    // The password grant is refused now, as in Mastodon.
    let refused = password_grant(&app, &client, "alice", PASSWORD, "read").await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json::<serde_json::Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    // Signing in: the password alone gives no session, only the code step.
    let mut phone = Browser::new(&app.url(""));
    let halfway = password_step(&mut phone).await;
    assert_eq!(halfway.status, 303);
    assert_eq!(halfway.location.as_deref(), Some("/auth/sign_in/otp"));
    assert!(phone.cookie("_ferrodon_session").is_none());
    let bad = phone
        .submit(
            "/auth/sign_in/otp",
            "/auth/sign_in/otp",
            &[("code", "123456")],
        )
        .await;
    assert_eq!(bad.status, 401);
    assert!(phone.cookie("_ferrodon_session").is_none());
    // The code used to turn it on cannot be replayed; the next one works.
    let replay = phone
        .submit(
            "/auth/sign_in/otp",
            "/auth/sign_in/otp",
            &[("code", &code_at(&secret, step))],
        )
        .await;
    assert_eq!(replay.status, 401);
    let ok = phone
        .submit(
            "/auth/sign_in/otp",
            "/auth/sign_in/otp",
            &[("code", &code_at(&secret, step + 1))],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert!(phone.cookie("_ferrodon_session").is_some());

    // A recovery code works once.
    let mut laptop = Browser::new(&app.url(""));
    password_step(&mut laptop).await;
    let recovered = laptop
        .submit(
            "/auth/sign_in/otp",
            "/auth/sign_in/otp",
            &[("code", &codes[0])],
        )
        .await;
    assert_eq!(recovered.status, 303);
    let mut thief = Browser::new(&app.url(""));
    password_step(&mut thief).await;
    let again = thief
        .submit(
            "/auth/sign_in/otp",
            "/auth/sign_in/otp",
            &[("code", &codes[0])],
        )
        .await;
    assert_eq!(again.status, 401);

    // The password-on-the-form authorize path refuses two-factor users.
    let legacy = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&[
            ("response_type", "code"),
            ("client_id", client["client_id"].as_str().unwrap()),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
            ("scope", "read"),
            ("login", "alice"),
            ("password", PASSWORD),
            ("decision", "approve"),
        ])
        .send()
        .await
        .unwrap();
    assert!(legacy
        .text()
        .await
        .unwrap()
        .contains("uses two-factor authentication"));

    // Turning it off needs a code; then the password is enough again.
    let not_off = browser
        .submit(
            "/settings/otp_authentication",
            "/settings/otp_authentication/disable",
            &[("code", "nope")],
        )
        .await;
    assert_eq!(not_off.status, 422);
    let off = browser
        .submit(
            "/settings/otp_authentication",
            "/settings/otp_authentication/disable",
            &[("code", &codes[1])],
        )
        .await;
    assert_eq!(off.status, 303);
    assert_eq!(
        password_grant(&app, &client, "alice", PASSWORD, "read")
            .await
            .status(),
        200
    );
    let mut plain = Browser::new(&app.url(""));
    plain.sign_in("alice", PASSWORD).await;
}
