//! `/settings/delete`: deleting one's own account with the password.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;

#[tokio::test]
async fn a_user_deletes_their_account_with_the_password() {
    let app = TestApp::spawn().await;
    let (_, account, token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;

    let wrong = browser
        .submit(
            "/settings/delete",
            "/settings/delete",
            &[("password", "not it")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Password is invalid"));
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        200
    );

    let deleted = browser
        .submit(
            "/settings/delete",
            "/settings/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.location.as_deref(), Some("/"));
    assert!(browser.cookie("_ferrodon_session").is_none());
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        401
    );
    let lookup = app
        .get(&format!("/api/v1/accounts/{}", account.id), &bob_token)
        .await;
    assert_eq!(lookup.status(), 404);
    let refused = browser
        .submit(
            "/auth/sign_in",
            "/auth/sign_in",
            &[("login", "alice"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 401);
}
