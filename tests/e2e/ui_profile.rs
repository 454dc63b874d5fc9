//! Editing one's profile on `/settings/profile`; the API shows the change.
use ferrodon_testkit::browser::{form_value, Browser};
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn a_profile_edit_shows_in_the_api() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;

    let page = browser.get("/settings/profile").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"field_name_3\""));
    let saved = browser
        .submit(
            "/settings/profile",
            "/settings/profile",
            &[
                ("display_name", "Alice A."),
                ("note", "Hello <there>"),
                ("field_name_0", "Pronouns"),
                ("field_value_0", "she/her"),
                ("locked", "1"),
                ("bot", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Alice A.");
    assert_eq!(me["source"]["note"], "Hello <there>");
    assert_eq!(me["locked"], true);
    assert_eq!(me["bot"], true);
    assert_eq!(me["discoverable"], false);
    assert_eq!(me["fields"][0]["name"], "Pronouns");
    let again = browser.get("/settings/profile").await;
    assert!(again.body.contains("Your profile has been saved."));
    assert_eq!(
        form_value(&again.body, "display_name").as_deref(),
        Some("Alice A.")
    );

    // Too long: 422 with the service's message, nothing saved.
    let long = "x".repeat(31);
    let refused = browser
        .submit(
            "/settings/profile",
            "/settings/profile",
            &[("display_name", &long)],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("Display name is too long"));
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Alice A.");
}

#[tokio::test]
async fn an_avatar_uploaded_on_the_page_becomes_the_profile_picture() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let page = browser.get("/settings/profile").await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csrf = page.csrf_token();
    let before: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf.clone())
        .text("display_name", "Alice with a face")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(crate::media::png(600, 600))
                .file_name("me.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .part(
            "header",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let saved = browser.post_multipart("/settings/profile", form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["display_name"], "Alice with a face");
    assert_ne!(after["avatar"], before["avatar"], "a new avatar");
    assert_eq!(
        after["header"], before["header"],
        "an empty file input changes nothing"
    );

    // Not an image: the page says so and nothing changes.
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", csrf)
        .text("display_name", "Changed?")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(b"not an image".to_vec())
                .file_name("x.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let refused = browser.post_multipart("/settings/profile", form).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let unchanged: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["display_name"], "Alice with a face");
}
