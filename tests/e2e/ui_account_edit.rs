//! `/auth/edit`: a password change signs out the other browsers and
//! revokes app tokens; an e-mail change waits for its confirmation link.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;

const NEW_PASSWORD: &str = "an entirely new password";

#[tokio::test]
async fn a_password_change_signs_out_other_sessions_and_apps() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let mut laptop = Browser::new(&app.url(""));
    laptop.sign_in("alice", PASSWORD).await;
    let mut phone = Browser::new(&app.url(""));
    phone.sign_in("alice", PASSWORD).await;

    let wrong = laptop
        .submit(
            "/auth/edit",
            "/auth/edit/password",
            &[
                ("current_password", "not it"),
                ("password", NEW_PASSWORD),
                ("password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Current password is invalid"));
    let mismatch = laptop
        .submit(
            "/auth/edit",
            "/auth/edit/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirmation", "something else"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, 422);
    assert_eq!(
        phone.get("/auth/edit").await.status,
        200,
        "nothing changed yet"
    );
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        200
    );

    let changed = laptop
        .submit(
            "/auth/edit",
            "/auth/edit/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirmation", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        laptop.get("/auth/edit").await.status,
        200,
        "this browser stays signed in"
    );
    assert_eq!(
        phone.get("/auth/edit").await.status,
        303,
        "the other one is signed out"
    );
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        401
    );
    let mut fresh = Browser::new(&app.url(""));
    fresh.sign_in("alice", NEW_PASSWORD).await;
}

#[tokio::test]
async fn an_email_change_waits_for_the_link_sent_to_the_new_address() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let asked = browser
        .submit(
            "/auth/edit",
            "/auth/edit/email",
            &[
                ("email", "alice.new@example.com"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let page = browser.get("/auth/edit").await;
    assert!(page.body.contains("alice.new@example.com") && page.body.contains("waiting"));
    // Until confirmed, the old address still signs in.
    let mut other = Browser::new(&app.url(""));
    other.sign_in("alice@example.com", PASSWORD).await;

    let mail = app.nth_mail_to("alice.new@example.com", 1).await;
    let link = mail
        .link_containing("/auth/confirmation?confirmation_token=")
        .unwrap();
    let confirmed = browser.get(link.trim_start_matches(&app.base_url)).await;
    assert_eq!(confirmed.status, 200);
    let mut third = Browser::new(&app.url(""));
    third.sign_in("alice.new@example.com", PASSWORD).await;
}
