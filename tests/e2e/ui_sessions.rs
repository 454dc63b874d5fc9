//! The sessions and authorized-apps settings pages: seeing who is signed
//! in and which apps hold tokens, and revoking either.
use ferrodon_core::auth::oauth::issue_token;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::queries::oauth;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::oauth::register_app;
use ferrodon_testkit::TestApp;

#[tokio::test]
async fn a_user_signs_out_another_browser_and_revokes_an_app() {
    let app = TestApp::spawn().await;
    let (user, _, _) = local_user(&app.state, "alice").await;
    let mut laptop = Browser::new(&app.url(""));
    laptop.sign_in("alice", PASSWORD).await;
    let mut phone = Browser::new(&app.url(""));
    phone.sign_in("alice", PASSWORD).await;

    let list = laptop.get("/settings/sessions").await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.body.matches("<tr>").count(),
        3,
        "a header and two sessions"
    );
    assert!(list.body.contains("This browser"));
    let start = list
        .body
        .find("/settings/sessions/")
        .expect("a revoke button")
        + "/settings/sessions/".len();
    let other_id: String = list.body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    let forged = laptop
        .post_form(
            &format!("/settings/sessions/{other_id}/revoke"),
            &[("authenticity_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(phone.get("/settings/sessions").await.status, 200);
    let revoked = laptop
        .submit(
            "/settings/sessions",
            &format!("/settings/sessions/{other_id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status, 303);
    let signed_out = phone.get("/settings/sessions").await;
    assert_eq!(signed_out.status, 303, "the revoked browser is signed out");
    assert!(signed_out.location.unwrap().starts_with("/auth/sign_in"));
    assert_eq!(laptop.get("/settings/sessions").await.status, 200);

    // An app with a token of alice's is listed in words and can be revoked.
    let client = register_app(&app, "Revocable App", "read write").await;
    let mut conn = app.state.conn().await.unwrap();
    let application =
        oauth::get_application_by_client_id(&mut conn, client["client_id"].as_str().unwrap())
            .await
            .unwrap();
    let token = issue_token(
        &mut conn,
        Some(application.id),
        Some(user.id),
        &ScopeSet::parse("read").unwrap(),
    )
    .await
    .unwrap()
    .access_token;
    drop(conn);
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        200
    );
    let apps = laptop.get("/oauth/authorized_applications").await;
    assert!(apps.body.contains("Revocable App"));
    assert!(apps.body.contains("Read all your account&#39;s data"));
    let gone = laptop
        .submit(
            "/oauth/authorized_applications",
            &format!("/oauth/authorized_applications/{}/revoke", application.id),
            &[],
        )
        .await;
    assert_eq!(gone.status, 303);
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        401
    );
    assert!(!laptop
        .get("/oauth/authorized_applications")
        .await
        .body
        .contains("Revocable App"));
}
