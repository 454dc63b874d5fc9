//! Grouped notifications (`/api/v2/notifications`, Mastodon 4.3).
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

/// Posts a status as `token` and returns it.
async fn post(app: &TestApp, token: &str, text: &str) -> Value {
    json(
        app.post_form("/api/v1/statuses", token, &[("status", text)])
            .await,
    )
    .await
}

async fn favourite(app: &TestApp, token: &str, status: &Value) {
    let path = format!(
        "/api/v1/statuses/{}/favourite",
        status["id"].as_str().unwrap()
    );
    assert_eq!(app.post_form(&path, token, &[]).await.status(), 200);
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn favourites_of_one_status_form_one_group() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let mine = post(&app, &alice, "mine").await;
    let mut fans = Vec::new();
    for name in ["bob", "carol", "dave"] {
        let (_, acct, token) = local_user(&app.state, name).await;
        favourite(&app, &token, &mine).await;
        fans.push(acct.id.to_string());
    }

    let body = json(app.get("/api/v2/notifications", &alice).await).await;
    let groups = body["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{body}");
    let group = &groups[0];
    assert_eq!(group["type"], "favourite");
    assert_eq!(group["notifications_count"], 3);
    assert_eq!(group["status_id"], mine["id"]);
    let key = group["group_key"].as_str().unwrap();
    assert!(
        key.starts_with(&format!("favourite-{}-", mine["id"].as_str().unwrap())),
        "{key}"
    );
    let samples: Vec<&str> = group["sample_account_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(samples, vec![&fans[2], &fans[1], &fans[0]], "newest first");
    assert!(group["most_recent_notification_id"].is_i64());
    assert_eq!(
        group["page_max_id"].as_str().unwrap(),
        group["most_recent_notification_id"].to_string()
    );
    assert!(group["page_min_id"].as_str().unwrap() < group["page_max_id"].as_str().unwrap());
    assert!(group["latest_page_notification_at"].is_string());
    let mut accounts = ids(&body["accounts"]);
    accounts.sort();
    let mut expected = fans.clone();
    expected.push(alice_acct.id.to_string());
    expected.sort();
    assert_eq!(
        accounts, expected,
        "the fans and the status author, once each"
    );
    assert_eq!(
        ids(&body["statuses"]),
        vec![mine["id"].as_str().unwrap().to_owned()]
    );
    assert!(body.get("partial_accounts").is_none());

    // Only the first fan in full with partial_avatars; the others partially.
    let partial = json(
        app.get(
            "/api/v2/notifications?expand_accounts=partial_avatars",
            &alice,
        )
        .await,
    )
    .await;
    let mut full = ids(&partial["accounts"]);
    full.sort();
    let mut first_and_author = vec![fans[2].clone(), alice_acct.id.to_string()];
    first_and_author.sort();
    assert_eq!(full, first_and_author);
    let mut rest = ids(&partial["partial_accounts"]);
    rest.sort();
    assert_eq!(rest, vec![fans[0].clone(), fans[1].clone()]);
    assert!(partial["partial_accounts"][0].get("avatar").is_some());
    assert!(partial["partial_accounts"][0].get("note").is_none());
    assert_eq!(
        app.get("/api/v2/notifications?expand_accounts=nope", &alice)
            .await
            .status(),
        400
    );

    // One group, but three notifications, unread.
    let count = json(app.get("/api/v2/notifications/unread_count", &alice).await).await;
    assert_eq!(count["count"], 1);
    let count = json(app.get("/api/v1/notifications/unread_count", &alice).await).await;
    assert_eq!(count["count"], 3);

    // The group alone, and its accounts.
    let one = json(
        app.get(&format!("/api/v2/notifications/{key}"), &alice)
            .await,
    )
    .await;
    assert_eq!(one["notification_groups"][0]["notifications_count"], 3);
    assert!(one["notification_groups"][0].get("page_min_id").is_none());
    let senders = json(
        app.get(&format!("/api/v2/notifications/{key}/accounts"), &alice)
            .await,
    )
    .await;
    assert_eq!(
        ids(&senders),
        vec![fans[2].clone(), fans[1].clone(), fans[0].clone()]
    );

    // Grouping only reblogs: every favourite is its own group.
    let ungrouped = json(
        app.get("/api/v2/notifications?grouped_types[]=reblog", &alice)
            .await,
    )
    .await;
    let groups = ungrouped["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    for g in groups {
        assert_eq!(g["notifications_count"], 1);
        assert!(g["group_key"].as_str().unwrap().starts_with("ungrouped-"));
    }

    // Dismissing the group removes all three notifications; not someone else's.
    let (_, _, erin) = local_user(&app.state, "erin").await;
    app.post_form(&format!("/api/v2/notifications/{key}/dismiss"), &erin, &[])
        .await;
    assert_eq!(
        json(app.get("/api/v1/notifications", &alice).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        app.post_form(&format!("/api/v2/notifications/{key}/dismiss"), &alice, &[])
            .await
            .status(),
        200
    );
    assert!(json(app.get("/api/v1/notifications", &alice).await)
        .await
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        app.get(&format!("/api/v2/notifications/{key}"), &alice)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn groups_are_paged_by_their_newest_notification() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let mine = post(&app, &alice, "mine").await;
    for name in ["carol", "dave", "erin"] {
        let (_, _, token) = local_user(&app.state, name).await;
        favourite(&app, &token, &mine).await;
    }
    post(&app, &bob, "one @alice").await;
    post(&app, &bob, "two @alice").await;

    let first = app.get("/api/v2/notifications?limit=2", &alice).await;
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    let first = json(first).await;
    let groups = first["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups.iter().all(|g| g["type"] == "mention"));
    let oldest = groups[1]["most_recent_notification_id"].to_string();
    assert!(link.contains(&format!("max_id={oldest}")), "{link}");
    assert!(link.contains("rel=\"prev\""), "{link}");

    let second = json(
        app.get(
            &format!("/api/v2/notifications?limit=2&max_id={oldest}"),
            &alice,
        )
        .await,
    )
    .await;
    let groups = second["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "the three favourites are one group");
    assert_eq!(groups[0]["type"], "favourite");
    assert_eq!(groups[0]["notifications_count"], 3);
    assert_eq!(groups[0]["sample_account_ids"].as_array().unwrap().len(), 3);

    let done = json(
        app.get(
            &format!(
                "/api/v2/notifications?limit=2&max_id={}",
                groups[0]["page_min_id"].as_str().unwrap()
            ),
            &alice,
        )
        .await,
    )
    .await;
    assert!(done["notification_groups"].as_array().unwrap().is_empty());

    // Newer than the favourites: the two mentions, oldest page first.
    let up = json(
        app.get(
            &format!(
                "/api/v2/notifications?limit=1&min_id={}",
                groups[0]["page_max_id"].as_str().unwrap()
            ),
            &alice,
        )
        .await,
    )
    .await;
    let up = up["notification_groups"].as_array().unwrap();
    assert_eq!(up.len(), 1);
    assert_eq!(up[0]["most_recent_notification_id"].to_string(), oldest);
}
