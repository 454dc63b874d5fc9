//! The notification policy and notification requests (Mastodon 4.3).
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

async fn direct(app: &TestApp, token: &str, text: &str) -> Value {
    json(
        app.post_form(
            "/api/v1/statuses",
            token,
            &[("status", text), ("visibility", "direct")],
        )
        .await,
    )
    .await
}

async fn notifications(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    json(
        app.get(&format!("/api/v1/notifications{query}"), token)
            .await,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

async fn requests(app: &TestApp, token: &str) -> Vec<Value> {
    json(app.get("/api/v1/notifications/requests", token).await)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn patch_policy(app: &TestApp, token: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .patch(app.url("/api/v2/notifications/policy"))
        .bearer_auth(token)
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn default_policy_and_its_changes() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let policy = json(app.get("/api/v2/notifications/policy", &alice).await).await;
    assert_eq!(
        policy,
        serde_json::json!({
            "for_not_following": "accept",
            "for_not_followers": "accept",
            "for_new_accounts": "accept",
            "for_private_mentions": "filter",
            "for_limited_accounts": "filter",
            "summary": {"pending_requests_count": 0, "pending_notifications_count": 0}
        })
    );
    let v1 = json(app.get("/api/v1/notifications/policy", &alice).await).await;
    assert_eq!(v1["filter_not_following"], false);
    assert_eq!(v1["filter_private_mentions"], true);

    let changed = json(patch_policy(&app, &alice, &[("for_new_accounts", "drop")]).await).await;
    assert_eq!(changed["for_new_accounts"], "drop");
    assert_eq!(
        changed["for_private_mentions"], "filter",
        "the rest unchanged"
    );
    let bad = patch_policy(&app, &alice, &[("for_not_followers", "maybe")]).await;
    assert_eq!(bad.status(), 422);
    assert!(json(bad).await["error"]
        .as_str()
        .unwrap()
        .starts_with("Validation failed"));

    let v1 = app
        .client
        .put(app.url("/api/v1/notifications/policy"))
        .bearer_auth(&alice)
        .form(&[
            ("filter_not_following", "true"),
            ("filter_new_accounts", "false"),
        ])
        .send()
        .await
        .unwrap();
    let v1 = json(v1).await;
    assert_eq!(v1["filter_not_following"], true);
    assert_eq!(v1["filter_new_accounts"], false);
    let policy = json(app.get("/api/v2/notifications/policy", &alice).await).await;
    assert_eq!(policy["for_not_following"], "filter");
    assert_eq!(policy["for_new_accounts"], "accept");
}

#[tokio::test]
async fn private_mentions_from_strangers_become_requests() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", bob_acct.id),
        &alice,
        &[],
    )
    .await;

    // From someone alice follows: shown. From a stranger: filtered.
    direct(&app, &bob, "@alice hello friend").await;
    let secret = direct(&app, &carol, "@alice psst").await;
    let shown = notifications(&app, &alice, "").await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["account"]["id"], bob_acct.id.to_string());
    let grouped = json(app.get("/api/v2/notifications", &alice).await).await;
    assert_eq!(grouped["notification_groups"].as_array().unwrap().len(), 1);
    assert_eq!(
        notifications(&app, &alice, "?include_filtered=true")
            .await
            .len(),
        2
    );
    let count = json(app.get("/api/v1/notifications/unread_count", &alice).await).await;
    assert_eq!(count["count"], 1);

    let pending = requests(&app, &alice).await;
    assert_eq!(pending.len(), 1);
    let request = &pending[0];
    assert_eq!(request["account"]["id"], carol_acct.id.to_string());
    assert_eq!(request["notifications_count"], "1");
    assert_eq!(request["last_status"]["id"], secret["id"]);
    let id = request["id"].as_str().unwrap();
    let one = json(
        app.get(&format!("/api/v1/notifications/requests/{id}"), &alice)
            .await,
    )
    .await;
    assert_eq!(one["id"], id);
    assert_eq!(
        app.get(&format!("/api/v1/notifications/requests/{id}"), &bob)
            .await
            .status(),
        404,
        "someone else's request"
    );
    let policy = json(app.get("/api/v2/notifications/policy", &alice).await).await;
    assert_eq!(policy["summary"]["pending_requests_count"], 1);
    assert_eq!(policy["summary"]["pending_notifications_count"], 1);

    // A reply to alice's own private mention of carol is not filtered.
    let question = direct(&app, &alice, "@carol are you there?").await;
    let answer = json(
        app.post_form(
            "/api/v1/statuses",
            &carol,
            &[
                ("status", "@alice yes"),
                ("visibility", "direct"),
                ("in_reply_to_id", question["id"].as_str().unwrap()),
            ],
        )
        .await,
    )
    .await;
    let shown = notifications(&app, &alice, "").await;
    assert_eq!(shown[0]["status"]["id"], answer["id"]);

    // Accepting moves the filtered mention into the list, and carol's next
    // private mentions pass.
    assert_eq!(
        app.post_form(
            &format!("/api/v1/notifications/requests/{id}/accept"),
            &alice,
            &[]
        )
        .await
        .status(),
        200
    );
    assert!(requests(&app, &alice).await.is_empty());
    let shown = notifications(&app, &alice, "").await;
    assert!(shown.iter().any(|n| n["status"]["id"] == secret["id"]));
    let again = direct(&app, &carol, "@alice and again").await;
    let shown = notifications(&app, &alice, "").await;
    assert_eq!(shown[0]["status"]["id"], again["id"]);
    assert!(requests(&app, &alice).await.is_empty());
    assert_eq!(
        app.post_form(
            &format!("/api/v1/notifications/requests/{id}/accept"),
            &alice,
            &[]
        )
        .await
        .status(),
        404,
        "already answered"
    );
    let merged = json(
        app.get("/api/v1/notifications/requests/merged", &alice)
            .await,
    )
    .await;
    assert_eq!(merged["merged"], true);
}

#[tokio::test]
async fn dismissing_requests_and_dropping() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let (_, _, dave) = local_user(&app.state, "dave").await;
    let (_, _, erin) = local_user(&app.state, "erin").await;

    direct(&app, &carol, "@alice one").await;
    direct(&app, &carol, "@alice two").await;
    direct(&app, &dave, "@alice hi").await;
    let pending = requests(&app, &alice).await;
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[1]["notifications_count"], "2", "carol's, the older");
    let policy = json(app.get("/api/v2/notifications/policy", &alice).await).await;
    assert_eq!(policy["summary"]["pending_notifications_count"], 3);

    // Dismissing one request deletes its filtered notifications.
    let carols = pending[1]["id"].as_str().unwrap();
    assert_eq!(
        app.post_form(
            &format!("/api/v1/notifications/requests/{carols}/dismiss"),
            &alice,
            &[]
        )
        .await
        .status(),
        200
    );
    assert_eq!(requests(&app, &alice).await.len(), 1);
    assert_eq!(
        notifications(&app, &alice, "?include_filtered=true")
            .await
            .len(),
        1
    );
    // In bulk, with id[].
    let daves = pending[0]["id"].as_str().unwrap();
    app.post_form(
        "/api/v1/notifications/requests/dismiss",
        &alice,
        &[("id[]", daves)],
    )
    .await;
    assert!(requests(&app, &alice).await.is_empty());
    assert!(notifications(&app, &alice, "?include_filtered=true")
        .await
        .is_empty());

    // `drop` stores nothing at all.
    patch_policy(&app, &alice, &[("for_not_following", "drop")]).await;
    app.post_form("/api/v1/statuses", &erin, &[("status", "hey @alice")])
        .await;
    direct(&app, &erin, "@alice hey").await;
    assert!(notifications(&app, &alice, "?include_filtered=true")
        .await
        .is_empty());
    assert!(requests(&app, &alice).await.is_empty());
}

#[tokio::test]
async fn limited_accounts_are_filtered_unless_followed() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, limited_acct, limited) = local_user(&app.state, "limited").await;
    let (_, _, other) = local_user(&app.state, "other").await;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::queries::domain_blocks::silence_account(&mut conn, limited_acct.id)
        .await
        .unwrap();
    drop(conn);

    // A public mention from the limited account is filtered into a request.
    app.post_form("/api/v1/statuses", &limited, &[("status", "@alice hi")])
        .await;
    app.post_form("/api/v1/statuses", &other, &[("status", "@alice hi")])
        .await;
    let shown = notifications(&app, &alice, "").await;
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["account"]["acct"], "other");
    assert_eq!(requests(&app, &alice).await.len(), 1);

    // Followed, the limited account is heard again.
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", limited_acct.id),
        &alice,
        &[],
    )
    .await;
    app.post_form("/api/v1/statuses", &limited, &[("status", "@alice again")])
        .await;
    let shown = notifications(&app, &alice, "").await;
    assert_eq!(shown[0]["account"]["acct"], "limited");
}

/// Changing the policy wants `write:notifications` (Mastodon's
/// `doorkeeper_authorize! :write, :'write:notifications'`), by PUT as by
/// PATCH, v1 as v2; a refused change changes nothing.
#[tokio::test]
async fn changing_the_policy_needs_write_notifications() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let read_only = ferrodon_testkit::factories::token_for(
        &app.state,
        &alice_user,
        "read write:statuses write:accounts",
    )
    .await;
    for path in [
        "/api/v2/notifications/policy",
        "/api/v1/notifications/policy",
    ] {
        for method in [reqwest::Method::PUT, reqwest::Method::PATCH] {
            let resp = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(&read_only)
                .form(&[
                    ("for_new_accounts", "drop"),
                    ("filter_new_accounts", "true"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 403, "{method} {path}");
            assert_eq!(
                json(resp).await["error"],
                "This action is outside the authorized scopes"
            );
        }
    }
    let policy = json(app.get("/api/v2/notifications/policy", &read_only).await).await;
    assert_eq!(policy["for_new_accounts"], "accept");
    let narrow =
        ferrodon_testkit::factories::token_for(&app.state, &alice_user, "write:notifications")
            .await;
    let resp = app
        .client
        .put(app.url("/api/v2/notifications/policy"))
        .bearer_auth(&narrow)
        .form(&[("for_new_accounts", "drop")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let policy = json(app.get("/api/v2/notifications/policy", &alice).await).await;
    assert_eq!(policy["for_new_accounts"], "drop");
}
