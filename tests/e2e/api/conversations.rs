use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn conversations(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/conversations", token)
        .await
        .json()
        .await
        .unwrap()
}

/// Waits until `token`'s newest conversation has `last_status` `status_id`.
async fn newest_with(app: &TestApp, token: &str, status_id: &str) -> Value {
    app.eventually("a conversation update", || async {
        conversations(app, token)
            .await
            .into_iter()
            .next()
            .filter(|c| c["last_status"]["id"] == status_id)
    })
    .await
}

fn accts(conversation: &Value) -> Vec<&str> {
    conversation["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn direct_messages_make_conversations_for_each_participant() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let first: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "@bob psst"), ("visibility", "direct")],
        )
        .await
        .json()
        .await
        .unwrap();
    let first_id = first["id"].as_str().unwrap();
    let for_alice = newest_with(&app, &alice, first_id).await;
    assert_eq!(accts(&for_alice), ["bob"]);
    assert_eq!(for_alice["unread"], false, "the author has read it");
    let for_bob = newest_with(&app, &bob, first_id).await;
    assert_eq!(accts(&for_bob), ["alice"]);
    assert_eq!(for_bob["unread"], true);
    assert_eq!(for_bob["last_status"]["visibility"], "direct");
    assert!(conversations(&app, &carol).await.is_empty());
    let public: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "@bob in public")])
        .await
        .json()
        .await
        .unwrap();
    assert!(public["id"].is_string());

    let bob_conv = for_bob["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.post_form(
            &format!("/api/v1/conversations/{bob_conv}/read"),
            &carol,
            &[]
        )
        .await
        .status(),
        404,
        "not carol's"
    );
    let read: Value = app
        .post_form(&format!("/api/v1/conversations/{bob_conv}/read"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["unread"], false);
    assert_eq!(read["id"], bob_conv.as_str());
    let unread: Value = app
        .post_form(
            &format!("/api/v1/conversations/{bob_conv}/unread"),
            &bob,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread["unread"], true, "marked unread again");
    app.post_form(&format!("/api/v1/conversations/{bob_conv}/read"), &bob, &[])
        .await;

    // A reply continues the same conversation for both.
    let reply: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob,
            &[
                ("status", "@alice what?"),
                ("visibility", "direct"),
                ("in_reply_to_id", first_id),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let reply_id = reply["id"].as_str().unwrap();
    let for_alice_now = newest_with(&app, &alice, reply_id).await;
    assert_eq!(for_alice_now["id"], for_alice["id"]);
    assert_eq!(for_alice_now["unread"], true);
    let for_bob_now = newest_with(&app, &bob, reply_id).await;
    assert_eq!(for_bob_now["id"], bob_conv.as_str());
    assert_eq!(for_bob_now["unread"], false);
    assert_eq!(conversations(&app, &alice).await.len(), 1);

    // Paging by last status, with a Link header.
    let page = app.get("/api/v1/conversations?limit=1", &alice).await;
    let link = page.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains(&format!("max_id={reply_id}")), "{link}");

    // Scopes: reading needs read:statuses, changing write:conversations.
    let read_only = token_for(&app.state, &alice_user, "read:statuses").await;
    assert_eq!(
        app.get("/api/v1/conversations", &read_only).await.status(),
        200
    );
    let alice_conv = for_alice["id"].as_str().unwrap();
    assert_eq!(
        app.post_form(
            &format!("/api/v1/conversations/{alice_conv}/read"),
            &read_only,
            &[]
        )
        .await
        .status(),
        403
    );

    // Deleting the reply points the conversation back at the first status.
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{reply_id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    newest_with(&app, &alice, first_id).await;

    // Removing it hides it from bob only.
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/conversations/{bob_conv}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 200);
    assert!(conversations(&app, &bob).await.is_empty());
    assert_eq!(conversations(&app, &alice).await.len(), 1);
}
