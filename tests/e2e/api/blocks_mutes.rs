use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn relationship(app: &TestApp, token: &str, id: i64) -> Value {
    let rels: Vec<Value> = app
        .get(&format!("/api/v1/accounts/relationships?id[]={id}"), token)
        .await
        .json()
        .await
        .unwrap();
    rels.into_iter().next().unwrap()
}

async fn public_ids(app: &TestApp, token: &str) -> Vec<String> {
    let page: Vec<Value> = app
        .get("/api/v1/timelines/public", token)
        .await
        .json()
        .await
        .unwrap();
    page.iter()
        .map(|s| s["account"]["acct"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn muting_hides_statuses_and_notifications() {
    let app = TestApp::spawn().await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/mute", carol_acct.id),
            &bob,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["muting"], true);
    assert_eq!(rel["muting_notifications"], true);
    assert_eq!(rel["following"], true, "muting keeps the follow");

    app.post_form("/api/v1/statuses", &carol, &[("status", "hey @bob")])
        .await;
    assert!(app
        .get("/api/v1/notifications", &bob)
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .is_empty());
    assert!(app
        .get("/api/v1/timelines/home", &bob)
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .is_empty());
    assert!(public_ids(&app, &bob).await.is_empty());
    let muted: Vec<Value> = app.get("/api/v1/mutes", &bob).await.json().await.unwrap();
    assert_eq!(muted[0]["acct"], "carol");

    app.post_form(
        &format!("/api/v1/accounts/{}/unmute", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    assert_eq!(
        app.get("/api/v1/timelines/home", &bob)
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(public_ids(&app, &bob).await, vec!["carol"]);

    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/mute", carol_acct.id),
            &bob,
            &[("notifications", "false"), ("duration", "1")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["muting_notifications"], false);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        relationship(&app, &bob, carol_acct.id).await["muting"],
        false,
        "a timed mute expires"
    );
}

#[tokio::test]
async fn blocking_cuts_follows_and_hides_both_ways() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", bob_acct.id),
        &alice,
        &[],
    )
    .await;
    let status: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "mine")])
        .await
        .json()
        .await
        .unwrap();
    let status_id = status["id"].as_str().unwrap();
    app.post_form("/api/v1/statuses", &bob, &[("status", "bob here")])
        .await;

    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/block", bob_acct.id),
            &alice,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["blocking"], true);
    assert_eq!(rel["following"], false);
    assert_eq!(rel["followed_by"], false);
    let seen_by_bob = relationship(&app, &bob, alice_acct.id).await;
    assert_eq!(seen_by_bob["blocked_by"], true);
    assert_eq!(seen_by_bob["following"], false);
    let alice_now: Value = app
        .client
        .get(app.url(&format!("/api/v1/accounts/{}", alice_acct.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(alice_now["followers_count"], 0);
    assert_eq!(alice_now["following_count"], 0);

    assert_eq!(
        app.get(&format!("/api/v1/statuses/{status_id}"), &bob)
            .await
            .status(),
        404,
        "the blocker's statuses are hidden"
    );
    assert_eq!(
        app.post_form(
            &format!("/api/v1/statuses/{status_id}/favourite"),
            &bob,
            &[]
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[]
        )
        .await
        .status(),
        403
    );
    assert_eq!(public_ids(&app, &alice).await, vec!["alice"]);
    assert_eq!(public_ids(&app, &bob).await, vec!["bob"]);
    let blocked: Vec<Value> = app
        .get("/api/v1/blocks", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(blocked[0]["acct"], "bob");
    app.post_form(
        "/api/v1/statuses",
        &bob,
        &[("status", "@alice can you see this?")],
    )
    .await;
    assert!(app
        .get("/api/v1/notifications", &alice)
        .await
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .iter()
        .all(|n| n["type"] != "mention"));

    app.post_form(
        &format!("/api/v1/accounts/{}/unblock", bob_acct.id),
        &alice,
        &[],
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/statuses/{status_id}"), &bob)
            .await
            .status(),
        200
    );
    assert_eq!(
        relationship(&app, &bob, alice_acct.id).await["blocked_by"],
        false
    );
}
