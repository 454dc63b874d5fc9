use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn mentions_follows_and_favourites_notify() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    let s: Value = app
        .post_form("/api/v1/statuses", &bob, &[("status", "hey @alice")])
        .await
        .json()
        .await
        .unwrap();
    let mine: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "mine")])
        .await
        .json()
        .await
        .unwrap();
    app.post_form(
        &format!(
            "/api/v1/statuses/{}/favourite",
            mine["id"].as_str().unwrap()
        ),
        &bob,
        &[],
    )
    .await;

    let all: Vec<Value> = app
        .get("/api/v1/notifications", &alice)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = all.iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["favourite", "mention", "follow"]);
    assert_eq!(all[1]["status"]["id"], s["id"]);
    assert_eq!(all[2]["account"]["acct"], "bob");
    assert!(all[2].get("status").is_none());

    let only: Vec<Value> = app
        .get("/api/v1/notifications?types[]=mention", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only.len(), 1);
    let without: Vec<Value> = app
        .get(
            "/api/v1/notifications?exclude_types[]=mention&exclude_types[]=follow",
            &alice,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(without.len(), 1);

    let id = all[0]["id"].as_str().unwrap();
    let one: Value = app
        .get(&format!("/api/v1/notifications/{id}"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["type"], "favourite");
    assert_eq!(
        app.get(&format!("/api/v1/notifications/{id}"), &bob)
            .await
            .status(),
        404,
        "not bob's notification"
    );
    assert_eq!(
        app.post_form(&format!("/api/v1/notifications/{id}/dismiss"), &alice, &[])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get("/api/v1/notifications", &alice)
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        app.post_form("/api/v1/notifications/clear", &alice, &[])
            .await
            .status(),
        200
    );
    assert!(app
        .get("/api/v1/notifications", &alice)
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .is_empty());
}
