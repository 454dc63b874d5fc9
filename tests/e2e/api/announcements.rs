//! `/api/v1/announcements`: what `ferrodonctl announcements` publishes,
//! dismissals and emoji reactions.
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::media::png;

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let resp = app.get("/api/v1/announcements", token).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

fn create(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec!["announcements", "create"];
    all.extend_from_slice(args);
    app.ctl(&all).trim().to_owned()
}

async fn reaction(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    id: &str,
    name: &str,
) -> reqwest::Response {
    app.client
        .request(
            method,
            app.url(&format!("/api/v1/announcements/{id}/reactions/{name}")),
        )
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn published_announcements_are_listed_in_order_and_dismissable() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    assert!(list(&app, &alice).await.is_empty());
    assert_eq!(
        app.client
            .get(app.url("/api/v1/announcements"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let later = create(
        &app,
        &[
            "Party at https://example.com/party #fun",
            "--starts-at",
            "2031-06-01T18:00:00Z",
            "--ends-at",
            "2031-06-01T23:00:00Z",
        ],
    );
    let hidden = create(&app, &["Draft", "--unpublished"]);
    let earlier = create(
        &app,
        &[
            "Holiday",
            "--starts-at",
            "2030-12-24",
            "--ends-at",
            "2030-12-26",
            "--all-day",
        ],
    );
    app.ctl_fails(&[
        "announcements",
        "create",
        "Backwards",
        "--starts-at",
        "2030-01-02",
        "--ends-at",
        "2030-01-01",
    ]);
    app.ctl_fails(&[
        "announcements",
        "create",
        "When?",
        "--starts-at",
        "tomorrow",
    ]);
    let listed = app.ctl(&["announcements", "list"]);
    assert!(
        listed.contains(&format!("{hidden}\tunpublished")),
        "{listed}"
    );

    let shown = list(&app, &alice).await;
    let ids: Vec<&str> = shown.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [earlier.as_str(), later.as_str()]);
    let party = &shown[1];
    let content = party["content"].as_str().unwrap();
    assert!(
        content.starts_with("<p>Party at <a href=\"https://example.com/party\""),
        "{content}"
    );
    assert_eq!(party["starts_at"], "2031-06-01T18:00:00.000Z");
    assert_eq!(party["ends_at"], "2031-06-01T23:00:00.000Z");
    assert_eq!(party["all_day"], false);
    assert!(party["published_at"].is_string());
    assert!(party["updated_at"].is_string());
    assert_eq!(party["read"], false);
    assert_eq!(party["tags"][0]["name"], "fun");
    for key in ["mentions", "statuses", "emojis", "reactions"] {
        assert!(party[key].is_array(), "{key}");
    }
    assert_eq!(shown[0]["all_day"], true);
    assert_eq!(shown[0]["starts_at"], "2030-12-24T00:00:00.000Z");

    // Dismissing marks it read for that user only.
    let dismiss = |token: &str, id: &str| {
        let path = format!("/api/v1/announcements/{id}/dismiss");
        let token = token.to_owned();
        let app = &app;
        async move { app.post_form(&path, &token, &[]).await.status() }
    };
    assert_eq!(dismiss(&alice, &later).await, 200);
    assert_eq!(dismiss(&alice, &later).await, 200);
    assert_eq!(dismiss(&alice, &hidden).await, 404);
    assert_eq!(dismiss(&alice, "123").await, 404);
    let read_only = token_for(&app.state, &alice_user, "read").await;
    assert_eq!(dismiss(&read_only, &earlier).await, 403);
    assert_eq!(list(&app, &alice).await[1]["read"], true);
    assert_eq!(list(&app, &bob).await[1]["read"], false);

    // Unpublished and deleted ones leave the list.
    app.ctl(&["announcements", "unpublish", &earlier]);
    assert_eq!(list(&app, &bob).await.len(), 1);
    app.ctl(&["announcements", "publish", &hidden]);
    app.ctl(&["announcements", "delete", &later]);
    let ids: Vec<String> = list(&app, &bob)
        .await
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [hidden]);
    app.ctl_fails(&["announcements", "delete", &later]);
}

#[tokio::test]
async fn reactions_take_unicode_and_local_custom_emojis() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let image = std::env::temp_dir().join(format!(
        "ferrodon-reaction-{}.png",
        app.base_url.rsplit(':').next().unwrap_or("0")
    ));
    std::fs::write(&image, png(8, 8)).unwrap();
    app.ctl(&["emoji", "add", "blobcat", image.to_str().unwrap()]);
    let _ = std::fs::remove_file(&image);
    let id = create(&app, &["Say hi"]);
    let hidden = create(&app, &["Not yet", "--unpublished"]);
    use reqwest::Method;

    let thumbs = "%F0%9F%91%8D";
    assert_eq!(
        reaction(&app, &alice, Method::PUT, &id, thumbs)
            .await
            .status(),
        200
    );
    assert_eq!(
        reaction(&app, &alice, Method::PUT, &id, thumbs)
            .await
            .status(),
        200
    );
    assert_eq!(
        reaction(&app, &bob, Method::PUT, &id, thumbs)
            .await
            .status(),
        200
    );
    assert_eq!(
        reaction(&app, &bob, Method::PUT, &id, "blobcat")
            .await
            .status(),
        200
    );
    let refused = reaction(&app, &bob, Method::PUT, &id, "nyancat").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["error"],
        "Validation failed: Name is not a recognized emoji"
    );
    assert_eq!(
        reaction(&app, &bob, Method::PUT, &hidden, thumbs)
            .await
            .status(),
        404
    );
    let read_only = token_for(&app.state, &alice_user, "read").await;
    assert_eq!(
        reaction(&app, &read_only, Method::PUT, &id, thumbs)
            .await
            .status(),
        403
    );

    let reactions = list(&app, &alice).await[0]["reactions"].clone();
    assert_eq!(reactions[0]["name"], "👍");
    assert_eq!(reactions[0]["count"], 2);
    assert_eq!(reactions[0]["me"], true);
    assert!(reactions[0].get("url").is_none());
    assert_eq!(reactions[1]["name"], "blobcat");
    assert_eq!(reactions[1]["count"], 1);
    assert_eq!(reactions[1]["me"], false);
    assert!(reactions[1]["url"]
        .as_str()
        .unwrap()
        .contains("/custom_emojis/images/"));
    assert_eq!(reactions[1]["static_url"], reactions[1]["url"]);

    assert_eq!(
        reaction(&app, &alice, Method::DELETE, &id, thumbs)
            .await
            .status(),
        200
    );
    assert_eq!(
        reaction(&app, &alice, Method::DELETE, &id, thumbs)
            .await
            .status(),
        404
    );
    let reactions = list(&app, &alice).await[0]["reactions"].clone();
    assert_eq!(reactions[0]["count"], 1);
    assert_eq!(reactions[0]["me"], false);

    // At most 8 different reactions; existing ones can still be added to.
    for name in [
        "%F0%9F%8E%89",
        "%E2%9D%A4%EF%B8%8F",
        "%F0%9F%98%80",
        "%F0%9F%98%82",
        "%F0%9F%9A%80",
        "%E2%98%95",
    ] {
        assert_eq!(
            reaction(&app, &bob, Method::PUT, &id, name).await.status(),
            200,
            "{name}"
        );
    }
    let ninth = reaction(&app, &bob, Method::PUT, &id, "%F0%9F%90%B1").await;
    assert_eq!(ninth.status(), 422);
    let body: Value = ninth.json().await.unwrap();
    assert_eq!(
        body["error"],
        "Validation failed: Limit of different reactions reached"
    );
    assert_eq!(
        reaction(&app, &alice, Method::PUT, &id, "blobcat")
            .await
            .status(),
        200
    );
}
