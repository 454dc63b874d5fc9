//! `/settings/export`: Mastodon-compatible CSV files of follows, blocks,
//! mutes and domain blocks.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn exports_list_follows_blocks_mutes_and_domain_blocks_as_csv() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let (_, carol, _) = local_user(&app.state, "carol").await;
    let (_, dave, _) = local_user(&app.state, "dave").await;
    let post = |path: String, body: serde_json::Value| {
        let app = &app;
        let token = &token;
        async move {
            let resp = app.post_json(&path, token, &body).await;
            assert_eq!(resp.status(), 200, "{path}");
        }
    };
    post(
        format!("/api/v1/accounts/{}/follow", bob.id),
        json!({"reblogs": false, "notify": true, "languages": ["en", "de"]}),
    )
    .await;
    post(format!("/api/v1/accounts/{}/block", carol.id), json!({})).await;
    post(
        format!("/api/v1/accounts/{}/mute", dave.id),
        json!({"notifications": true}),
    )
    .await;
    post(
        "/api/v1/domain_blocks".into(),
        json!({"domain": "spam.example"}),
    )
    .await;

    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let page = browser.get("/settings/export").await;
    assert!(page
        .body
        .contains("/settings/exports/following_accounts.csv"));
    let domain = app.state.config.local_domain.clone();

    let following = browser
        .get("/settings/exports/following_accounts.csv")
        .await;
    assert_eq!(following.status, 200);
    assert!(following.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        following.body,
        format!("Account address,Show boosts,Notify on new posts,Languages\nbob@{domain},false,true,\"en, de\"\n")
    );
    let blocked = browser.get("/settings/exports/blocked_accounts.csv").await;
    assert_eq!(blocked.body, format!("carol@{domain}\n"));
    let muted = browser.get("/settings/exports/muted_accounts.csv").await;
    assert_eq!(
        muted.body,
        format!("Account address,Hide notifications\ndave@{domain},true\n")
    );
    let domains = browser.get("/settings/exports/blocked_domains.csv").await;
    assert_eq!(domains.body, "spam.example\n");
    assert_eq!(
        browser.get("/settings/exports/secrets.csv").await.status,
        404
    );

    let mut stranger = Browser::new(&app.url(""));
    assert_eq!(
        stranger
            .get("/settings/exports/blocked_accounts.csv")
            .await
            .status,
        303
    );
}
