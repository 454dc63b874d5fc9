//! Signing in and out of the server's own pages in a (scripted) browser.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;

#[tokio::test]
async fn a_person_signs_in_and_out_with_a_session_cookie() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let mut browser = Browser::new(&app.url(""));

    let page = browser.get("/auth/sign_in").await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("<form method=\"post\" action=\"/auth/sign_in\">"));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"));
    assert!(browser.cookie("_ferrodon_csrf").is_some());

    // A wrong password shows the form again with the error, no session.
    let token = page.csrf_token();
    let wrong = browser
        .post_form(
            "/auth/sign_in",
            &[
                ("authenticity_token", &token),
                ("login", "alice@example.com"),
                ("password", "not it"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Invalid email or password."));
    assert!(wrong.body.contains("value=\"alice@example.com\""));
    assert!(browser.cookie("_ferrodon_session").is_none());

    // Right password: a session cookie, HttpOnly and SameSite, and a redirect.
    let ok = browser
        .post_form(
            "/auth/sign_in",
            &[
                ("authenticity_token", &token),
                ("login", "ALICE"),
                ("password", PASSWORD),
                ("return_to", "/@alice"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.location.as_deref(), Some("/@alice"));
    let set_cookie: Vec<&str> = ok
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("_ferrodon_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));

    // Signed in, the sign-in page sends us on, and pages show who we are.
    let again = browser.get("/auth/sign_in").await;
    assert_eq!(again.status, 303);
    let sign_in_with_return = browser.get("/auth/sign_in?return_to=//evil.example/").await;
    assert_eq!(sign_in_with_return.location.as_deref(), Some("/home"));

    // Signing out needs the session's own token.
    let forged = browser
        .post_form("/auth/sign_out", &[("authenticity_token", "forged")])
        .await;
    assert_eq!(forged.status, 403);
    let still_in = browser.get("/auth/sign_in").await;
    assert_eq!(still_in.status, 303, "a forged sign-out must not sign out");

    let mut conn = app.state.conn().await.unwrap();
    let sessions = ferrodon_core::db::queries::web_sessions::list_web_sessions(
        &mut conn,
        local_user_id(&app, "alice").await,
    )
    .await
    .unwrap();
    assert_eq!(sessions.len(), 1);
    let csrf = sessions[0].csrf_token.clone();
    drop(conn);
    let out = browser
        .post_form("/auth/sign_out", &[("authenticity_token", &csrf)])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location.as_deref(), Some("/"));
    assert!(browser.cookie("_ferrodon_session").is_none());
    let page = browser.get("/auth/sign_in").await;
    assert_eq!(page.status, 200, "signed out, the form shows again");
}

#[tokio::test]
async fn forms_without_the_csrf_cookie_are_refused_and_stolen_cookies_die_with_the_session() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "bob").await;
    let mut attacker = Browser::new(&app.url(""));
    let refused = attacker
        .post_form(
            "/auth/sign_in",
            &[
                ("authenticity_token", "guess"),
                ("login", "bob"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(attacker.cookie("_ferrodon_session").is_none());

    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("bob", PASSWORD).await;
    let secret = browser.cookie("_ferrodon_session").unwrap().to_owned();
    // A disabled user's session stops working at once.
    app.ctl(&["accounts", "modify", "bob", "--disable"]);
    let page = browser.get("/auth/sign_in").await;
    assert_eq!(page.status, 200, "a disabled user is signed out");
    // Nothing but the digest is stored.
    let mut conn = app.state.conn().await.unwrap();
    let sessions = ferrodon_core::db::queries::web_sessions::list_web_sessions(
        &mut conn,
        local_user_id(&app, "bob").await,
    )
    .await
    .unwrap();
    assert_eq!(sessions.len(), 1);
    assert!(
        ferrodon_core::db::queries::web_sessions::find_web_session(&mut conn, &secret)
            .await
            .is_err()
    );
}

async fn local_user_id(app: &TestApp, username: &str) -> i64 {
    let mut conn = app.state.conn().await.unwrap();
    let (user, _) = ferrodon_core::db::queries::users::get_user_by_login(&mut conn, username)
        .await
        .unwrap();
    user.id
}
