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

#[tokio::test]
async fn grouped_notifications_v2_and_unread_count() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
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
    app.post_form("/api/v1/statuses", &bob, &[("status", "hi @alice")])
        .await;

    let body: Value = app
        .get("/api/v2/notifications", &alice)
        .await
        .json()
        .await
        .unwrap();
    let groups = body["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["type"], "mention");
    assert_eq!(groups[1]["type"], "favourite");
    assert_eq!(groups[1]["status_id"], mine["id"]);
    assert_eq!(groups[0]["sample_account_ids"][0], bob_acct.id.to_string());
    let account_ids: Vec<&str> = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(account_ids.contains(&bob_acct.id.to_string().as_str()));
    assert_eq!(
        account_ids.len(),
        2,
        "bob and alice (author of the favourited status), once each"
    );
    assert_eq!(body["statuses"].as_array().unwrap().len(), 2);

    let key = groups[0]["group_key"].as_str().unwrap();
    let one: Value = app
        .get(&format!("/api/v2/notifications/{key}"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["notification_groups"][0]["group_key"], key);

    let count: Value = app
        .get("/api/v1/notifications/unread_count", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count["count"], 2);
    let newest = groups[0]["most_recent_notification_id"].to_string();
    app.post_form(
        "/api/v1/markers",
        &alice,
        &[(
            "notifications[last_read_id]",
            groups[1]["most_recent_notification_id"]
                .to_string()
                .as_str(),
        )],
    )
    .await;
    let count: Value = app
        .get("/api/v2/notifications/unread_count", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        count["count"], 1,
        "only the mention is newer than the marker"
    );
    assert_eq!(
        app.post_form(
            &format!("/api/v2/notifications/ungrouped-{newest}/dismiss"),
            &alice,
            &[]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v2/notifications/{key}"), &alice)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get("/api/v2/notifications/not-a-key", &alice)
            .await
            .status(),
        404
    );

    let policy: Value = app
        .get("/api/v2/notifications/policy", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(policy["for_not_following"], "accept");
    let requests: Vec<Value> = app
        .get("/api/v1/notifications/requests", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert!(requests.is_empty());
}

#[tokio::test]
async fn following_with_notify_brings_a_status_notification_for_new_posts() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[("notify", "true")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["notifying"], true);
    // Carol follows alice without the bell.
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &carol,
        &[],
    )
    .await;
    let post = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let alice = alice.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status: Value = app
                .post_form("/api/v1/statuses", &alice, &form)
                .await
                .json()
                .await
                .unwrap();
            status["id"].as_str().unwrap().to_owned()
        }
    };
    let first = post(vec![("status", "a new post".into())]).await;
    // Not for a reply to someone else, a direct post, or a reblog.
    let carols: Value = app
        .post_form("/api/v1/statuses", &carol, &[("status", "carol's post")])
        .await
        .json()
        .await
        .unwrap();
    post(vec![
        ("status", "@carol replying".into()),
        ("in_reply_to_id", carols["id"].as_str().unwrap().to_owned()),
    ])
    .await;
    post(vec![
        ("status", "@bob secret".into()),
        ("visibility", "direct".into()),
    ])
    .await;
    app.post_form(
        &format!("/api/v1/statuses/{}/reblog", carols["id"].as_str().unwrap()),
        &alice,
        &[],
    )
    .await;
    let second = post(vec![
        ("status", "followers only".into()),
        ("visibility", "private".into()),
    ])
    .await;

    let statuses: Vec<String> = app
        .eventually("two status notifications", || async {
            let all: Vec<Value> = app
                .get("/api/v1/notifications?types[]=status", &bob)
                .await
                .json()
                .await
                .unwrap();
            let ids: Vec<String> = all
                .iter()
                .map(|n| n["status"]["id"].as_str().unwrap_or_default().to_owned())
                .collect();
            (ids.len() >= 2).then_some(ids)
        })
        .await;
    assert_eq!(statuses, vec![second, first]);
    // Only the bell rings: carol, a plain follower, hears nothing.
    let for_carol: Vec<Value> = app
        .get("/api/v1/notifications?types[]=status", &carol)
        .await
        .json()
        .await
        .unwrap();
    assert!(for_carol.is_empty(), "{for_carol:?}");
}

/// A follow's notification goes with the follow (Mastodon destroys it with
/// the Follow): after an unfollow or a removal from followers the
/// "followed you" notification is gone, and it comes back on a new follow.
#[tokio::test]
async fn a_follow_notification_goes_with_the_follow() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let follow_notes = |token: String| {
        let app = &app;
        async move {
            let notes: Vec<Value> = app
                .get("/api/v1/notifications?types[]=follow", &token)
                .await
                .json()
                .await
                .unwrap();
            notes.len()
        }
    };
    let follow = format!("/api/v1/accounts/{}/follow", alice_acct.id);
    assert_eq!(app.post_form(&follow, &bob, &[]).await.status(), 200);
    assert_eq!(follow_notes(alice.clone()).await, 1);

    let unfollow = format!("/api/v1/accounts/{}/unfollow", alice_acct.id);
    assert_eq!(app.post_form(&unfollow, &bob, &[]).await.status(), 200);
    assert_eq!(follow_notes(alice.clone()).await, 0, "unfollowed");

    assert_eq!(app.post_form(&follow, &bob, &[]).await.status(), 200);
    assert_eq!(follow_notes(alice.clone()).await, 1, "followed again");
    let remove = format!("/api/v1/accounts/{}/remove_from_followers", bob_acct.id);
    assert_eq!(app.post_form(&remove, &alice, &[]).await.status(), 200);
    assert_eq!(
        follow_notes(alice.clone()).await,
        0,
        "removed from followers"
    );
}
