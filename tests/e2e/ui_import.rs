//! `/settings/import`: a Mastodon following_accounts.csv applied here.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// Uploads `csv` as a following list; the notice the import page shows.
async fn import_following(browser: &mut Browser, csv: &str) -> String {
    let page = browser.get("/settings/import").await;
    assert_eq!(page.status, 200);
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", page.csrf_token())
        .text("type", "following")
        .part(
            "data",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("following_accounts.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let done = browser.post_multipart("/settings/import", form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    browser.get("/settings/import").await.body
}

async fn following_names(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let following: Value = app
        .get(&format!("/api/v1/accounts/{id}/following"), token)
        .await
        .json()
        .await
        .unwrap();
    let mut names: Vec<String> = following
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_owned())
        .collect();
    names.sort_unstable();
    names
}

#[tokio::test]
async fn importing_a_following_list_follows_the_known_accounts() {
    let app = crate::federation::instance().await;
    let other = crate::federation::instance().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    local_user(&app.state, "bob").await;
    local_user(&app.state, "carol").await;
    local_user(&other.state, "dave").await;
    let domain = app.state.config.local_domain.clone();
    let other_domain = crate::federation::domain(&other);
    let csv = format!(
        "Account address,Show boosts,Notify on new posts,Languages\n\
         bob@{domain},false,true,\n\
         carol,true,false,\n\
         dave@{other_domain},true,false,\n\
         nobody@unknown.invalid,true,false,\n"
    );
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let report = import_following(&mut browser, &csv).await;
    assert!(
        report.contains("2 imported, 2 being looked up on their servers, 0 skipped"),
        "{report}"
    );

    // Dave, whom this server had never seen, is found and followed.
    let dave = format!("dave@{other_domain}");
    crate::federation::within("the imported remote follow", || async {
        let names = following_names(&app, &token, alice.id).await;
        names.contains(&dave).then_some(())
    })
    .await;
    assert_eq!(
        following_names(&app, &token, alice.id).await,
        ["bob", "carol", dave.as_str()]
    );
    // The account no server answers for is recorded, and skipped by the
    // next import rather than looked up again.
    crate::federation::within("the failed lookup to be recorded", || async {
        let mut conn = app.state.redis().await.ok()?;
        let key = app
            .state
            .redis_key("import:unresolvable:nobody@unknown.invalid");
        let found: bool = deadpool_redis::redis::cmd("EXISTS")
            .arg(key)
            .query_async(&mut *conn)
            .await
            .ok()?;
        found.then_some(())
    })
    .await;
    let again = import_following(&mut browser, &csv).await;
    assert!(
        again.contains("3 imported, 0 being looked up on their servers, 1 skipped"),
        "{again}"
    );

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
