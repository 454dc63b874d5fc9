//! Reading someone else's direct messages through routes that act on a
//! status and answer with it (issue 17): unpinning a status one may not
//! see, and revoking a quote made in a followers-only post, used to
//! render the hidden status in full.
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

const SECRET: &str = "the vault code is 4711";

async fn post_ok(app: &TestApp, token: &str, body: Value) -> String {
    let resp = app.post_json("/api/v1/statuses", token, &body).await;
    assert_eq!(resp.status(), 200, "posting {body}");
    let status: Value = resp.json().await.unwrap();
    status["id"].as_str().unwrap().to_owned()
}

/// Status and body of a POST without parameters.
async fn post_empty(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let resp = app.post_form(path, token, &[]).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn unpinning_someone_elses_direct_message_does_not_show_it() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    local_user(&app.state, "bob").await;
    let (mallory_user, _, _) = local_user(&app.state, "mallory").await;
    let mallory = token_for(&app.state, &mallory_user, "write:accounts").await;
    let dm = post_ok(
        &app,
        &alice,
        json!({"status": format!("@bob {SECRET}"), "visibility": "direct"}),
    )
    .await;
    let private = post_ok(
        &app,
        &alice,
        json!({"status": format!("followers only: {SECRET}"), "visibility": "private"}),
    )
    .await;

    for id in [&dm, &private] {
        // Pinning someone else's status is Mastodon's 422 (StatusPin's
        // validation, whatever the visibility); unpinning one, 404.
        for (action, refused) in [("unpin", 404), ("pin", 422)] {
            let (status, body) =
                post_empty(&app, &format!("/api/v1/statuses/{id}/{action}"), &mallory).await;
            assert_eq!(status, refused, "{action} of a hidden status: {body}");
            assert!(!body.contains(SECRET), "{action} leaked the status: {body}");
        }
    }
}

#[tokio::test]
async fn revoking_a_quote_made_in_a_followers_only_post_does_not_show_it() {
    let app = TestApp::spawn().await;
    let (_, _, mallory) = local_user(&app.state, "mallory").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let quoted = post_ok(&app, &mallory, json!({"status": "quote me if you like"})).await;
    let quoting = post_ok(
        &app,
        &carol,
        json!({
            "status": format!("look at this, {SECRET}"),
            "visibility": "private",
            "quoted_status_id": quoted,
        }),
    )
    .await;

    let (status, body) = post_empty(
        &app,
        &format!("/api/v1/statuses/{quoted}/quotes/{quoting}/revoke"),
        &mallory,
    )
    .await;
    assert_eq!(status, 404, "revoking a quote one may not see: {body}");
    assert!(
        !body.contains(SECRET),
        "revoke leaked the quoting status: {body}"
    );
}
