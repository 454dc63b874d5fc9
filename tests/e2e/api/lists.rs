use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

async fn list_ids(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let page: Vec<Value> = app.get(path, token).await.json().await.unwrap();
    page.iter()
        .map(|s| s["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn lists_members_timelines_and_policies() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    let (_, dave_acct, _) = local_user(&app.state, "dave").await;
    for id in [alice_acct.id, carol_acct.id] {
        app.post_form(&format!("/api/v1/accounts/{id}/follow"), &bob, &[])
            .await;
    }
    let blank = app
        .post_form("/api/v1/lists", &bob, &[("title", " ")])
        .await;
    assert_eq!(blank.status(), 422);
    let list: Value = app
        .post_form("/api/v1/lists", &bob, &[("title", "Friends")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["replies_policy"], "list");
    assert_eq!(list["exclusive"], false);
    let id = list["id"].as_str().unwrap().to_owned();
    let added = app
        .post_form(
            &format!("/api/v1/lists/{id}/accounts"),
            &bob,
            &[("account_ids[]", &alice_acct.id.to_string())],
        )
        .await;
    assert_eq!(added.status(), 200);
    let not_followed = app
        .post_form(
            &format!("/api/v1/lists/{id}/accounts"),
            &bob,
            &[("account_ids[]", &dave_acct.id.to_string())],
        )
        .await;
    assert_eq!(not_followed.status(), 422);
    let members: Vec<Value> = app
        .get(&format!("/api/v1/lists/{id}/accounts"), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["acct"], "alice");
    let containing: Vec<Value> = app
        .get(&format!("/api/v1/accounts/{}/lists", alice_acct.id), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(containing[0]["title"], "Friends");
    assert_eq!(
        app.get(&format!("/api/v1/lists/{id}"), &alice)
            .await
            .status(),
        404,
        "not alice's list"
    );

    let carol_post: Value = app
        .post_form("/api/v1/statuses", &carol, &[("status", "carol speaks")])
        .await
        .json()
        .await
        .unwrap();
    app.post_form("/api/v1/statuses", &alice, &[("status", "alice speaks")])
        .await;
    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[
            ("status", "@carol answer"),
            ("in_reply_to_id", carol_post["id"].as_str().unwrap()),
        ],
    )
    .await;
    let timeline = format!("/api/v1/timelines/list/{id}");
    assert_eq!(
        list_ids(&app, &bob, &timeline).await,
        vec!["<p>alice speaks</p>"],
        "replies to non-members are hidden by the list policy"
    );

    let updated: Value = app
        .client
        .put(app.url(&format!("/api/v1/lists/{id}")))
        .bearer_auth(&bob)
        .json(&json!({"title": "Close friends", "replies_policy": "followed", "exclusive": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["title"], "Close friends");
    assert_eq!(
        list_ids(&app, &bob, &timeline).await.len(),
        2,
        "followed policy shows the reply to carol"
    );
    let home = list_ids(&app, &bob, "/api/v1/timelines/home").await;
    assert_eq!(
        home,
        vec!["<p>carol speaks</p>"],
        "an exclusive list's members leave the home timeline"
    );

    app.client
        .put(app.url(&format!("/api/v1/lists/{id}")))
        .bearer_auth(&bob)
        .form(&[("replies_policy", "none")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        list_ids(&app, &bob, &timeline).await,
        vec!["<p>alice speaks</p>"]
    );

    app.client
        .delete(app.url(&format!("/api/v1/lists/{id}/accounts")))
        .bearer_auth(&bob)
        .form(&[("account_ids[]", alice_acct.id.to_string())])
        .send()
        .await
        .unwrap();
    assert!(list_ids(&app, &bob, &timeline).await.is_empty());
    assert_eq!(
        app.client
            .delete(app.url(&format!("/api/v1/lists/{id}")))
            .bearer_auth(&bob)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(app.get(&timeline, &bob).await.status(), 404);
    let _ = alice;
}
