//! FERRODON_DEV_CONFIRM_SIGN_UPS: what client test suites (toot's) rely on,
//! and that it is off unless set.
use ferrodon_testkit::oauth::{app_token, sign_up};
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn the_dev_setting_makes_an_api_sign_up_usable_at_once() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_CONFIRM_SIGN_UPS", "true")]).await;
    let token = app_token(&app).await;
    let user_token = sign_up(&app, &token, "eager", "eager@example.com").await;
    let me = app
        .get("/api/v1/accounts/verify_credentials", &user_token)
        .await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["acct"], "eager");
    let posted = app
        .post_form("/api/v1/statuses", &user_token, &[("status", "first!")])
        .await;
    assert_eq!(posted.status(), 200);
}

#[tokio::test]
async fn without_the_dev_setting_an_api_sign_up_waits_for_its_confirmation() {
    let app = TestApp::spawn().await;
    let token = app_token(&app).await;
    let user_token = sign_up(&app, &token, "patient", "patient@example.com").await;
    let me = app
        .get("/api/v1/accounts/verify_credentials", &user_token)
        .await;
    assert_eq!(me.status(), 403);
}
