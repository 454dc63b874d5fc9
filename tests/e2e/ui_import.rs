//! `/settings/import`: a Mastodon following_accounts.csv applied here.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn importing_a_following_list_follows_the_known_accounts() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    local_user(&app.state, "bob").await;
    local_user(&app.state, "carol").await;
    let domain = app.state.config.local_domain.clone();
    let csv = format!(
        "Account address,Show boosts,Notify on new posts,Languages\n\
         bob@{domain},false,true,\n\
         carol,true,false,\n\
         nobody@unknown.example,true,false,\n"
    );
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let page = browser.get("/settings/import").await;
    assert_eq!(page.status, 200);
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", page.csrf_token())
        .text("type", "following")
        .part(
            "data",
            reqwest::multipart::Part::bytes(csv.into_bytes())
                .file_name("following_accounts.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let done = browser.post_multipart("/settings/import", form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let report = browser.get("/settings/import").await;
    assert!(
        report.body.contains("2 imported, 1 skipped"),
        "{}",
        report.body
    );

    let following: Value = app
        .get(&format!("/api/v1/accounts/{}/following", alice.id), &token)
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<&str> = following
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["bob", "carol"]);

    // Without the form's token nothing happens.
    let forged = reqwest::multipart::Form::new()
        .text("authenticity_token", "forged")
        .text("type", "blocking");
    assert_eq!(
        browser
            .post_multipart("/settings/import", forged)
            .await
            .status,
        403
    );
}
