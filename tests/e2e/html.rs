//! The pages behind the `url` of accounts, statuses and hashtags.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn profile_status_and_tag_pages() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    app.client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .form(&[("display_name", "Alice <script>"), ("note", "Hi there")])
        .send()
        .await
        .unwrap();
    let public: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "public <b>words</b> #pages")],
        )
        .await
        .json()
        .await
        .unwrap();
    let private: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "secret words"), ("visibility", "private")],
        )
        .await
        .json()
        .await
        .unwrap();

    let profile = app
        .client
        .get(public["account"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status(), 200);
    assert!(profile.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = profile.text().await.unwrap();
    // The page templates (askama) escape with numeric references.
    assert!(
        html.contains("Alice &lt;script&gt;") || html.contains("Alice &#60;script&#62;"),
        "names are escaped"
    );
    assert!(!html.contains("<script>"));
    assert!(html.contains("public &lt;b&gt;words&lt;/b&gt;"));
    assert!(
        !html.contains("secret words"),
        "followers-only posts stay off the public profile"
    );

    let page = app
        .client
        .get(public["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("public &lt;b&gt;words"));
    let hidden = app
        .client
        .get(private["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
    assert_eq!(
        app.client
            .get(app.url("/@nobody"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let tag = app
        .client
        .get(public["tags"][0]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(tag.status(), 200);
    assert!(tag.text().await.unwrap().contains("public &lt;b&gt;words"));
    let landing = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(landing.contains("Mastodon-compatible"));
}
