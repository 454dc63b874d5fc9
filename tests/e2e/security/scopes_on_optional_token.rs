//! Reads that work without a token used to ignore the scopes of a token
//! when one came (issue 17): a token meant for push notifications (or
//! `profile`, or `write:media`) read its owner's direct messages. As in
//! Mastodon (`authorize_if_got_token!`), a token present must grant the
//! route's read scope, else 403.
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

const SECRET: &str = "meet me at the old mill";

async fn post_ok(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = app.post_json("/api/v1/statuses", token, &body).await;
    assert_eq!(resp.status(), 200, "posting {body}");
    resp.json().await.unwrap()
}

/// The reads with an optional token that show a direct message of the
/// owner (or its poll, its thread, its audience).
async fn reads_of_a_direct_message(app: &TestApp, owner: &str) -> Vec<String> {
    local_user(&app.state, "bob").await;
    let dm = post_ok(
        app,
        owner,
        json!({
            "status": format!("@bob {SECRET}"),
            "visibility": "direct",
            "poll": {"options": [format!("{SECRET} yes"), "no"], "expires_in": 3600},
        }),
    )
    .await;
    let id = dm["id"].as_str().unwrap();
    let poll = dm["poll"]["id"].as_str().unwrap();
    let account = dm["account"]["id"].as_str().unwrap();
    vec![
        format!("/api/v1/accounts/{account}/statuses"),
        format!("/api/v1/statuses/{id}"),
        format!("/api/v1/statuses?id[]={id}"),
        format!("/api/v1/statuses/{id}/context"),
        format!("/api/v1/statuses/{id}/history"),
        format!("/api/v1/statuses/{id}/favourited_by"),
        format!("/api/v1/statuses/{id}/reblogged_by"),
        format!("/api/v1/polls/{poll}"),
    ]
}

#[tokio::test]
async fn a_token_without_the_read_scope_cannot_read_its_owners_direct_messages() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let paths = reads_of_a_direct_message(&app, &alice).await;

    for scopes in ["push", "profile", "write:media"] {
        let token = token_for(&app.state, &alice_user, scopes).await;
        for path in &paths {
            let resp = app.get(path, &token).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_eq!(status, 403, "GET {path} with a `{scopes}` token: {body}");
            assert!(
                !body.contains(SECRET),
                "GET {path} with `{scopes}` leaked: {body}"
            );
        }
    }
}

#[tokio::test]
async fn a_token_with_the_read_scope_still_reads_them() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let paths = reads_of_a_direct_message(&app, &alice).await;
    let statuses_and_accounts =
        token_for(&app.state, &alice_user, "read:statuses read:accounts").await;

    for token in [&alice, &statuses_and_accounts] {
        for path in &paths {
            let resp = app.get(path, token).await;
            assert_eq!(resp.status(), 200, "GET {path}");
        }
        let resp = app.get(&paths[1], token).await;
        assert!(resp.text().await.unwrap().contains(SECRET));
    }
}
