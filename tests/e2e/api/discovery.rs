//! What users choose to see and show: domain blocks, followed and
//! featured hashtags, endorsements and notes; and finding others: the
//! directory, suggestions, trends, and the instance's public facts.
use ferrodon_core::db::models::{NewFollow, NewStatus};
use ferrodon_core::db::queries::{accounts, follows, statuses};
use ferrodon_core::db::AccountId;
use ferrodon_testkit::factories::{local_user, remote_account, token_for};
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

/// A public remote status by `account_id`.
async fn remote_status(app: &TestApp, account_id: i64, content: &str) -> i64 {
    let mut conn = app.state.conn().await.unwrap();
    let id = accounts::next_id(&mut conn).await.unwrap();
    statuses::put_status(
        &mut conn,
        &NewStatus {
            id,
            uri: format!("https://evil.example/statuses/{id}"),
            url: None,
            account_id,
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog_of_id: None,
            text: String::new(),
            content: format!("<p>{content}</p>"),
            spoiler_text: String::new(),
            sensitive: false,
            visibility: 0,
            language: None,
            local: false,
            application_id: None,
            quote_approval_policy: 0,
        },
    )
    .await
    .unwrap();
    id
}

fn contents(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|s| s["content"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn blocking_a_domain_hides_it_and_ends_its_follows() {
    let app = TestApp::spawn().await;
    let (alice_user, alice_acct, alice) = local_user(&app.state, "alice").await;
    let troll = remote_account(&app.state, "troll", "evil.example").await;
    {
        let mut conn = app.state.conn().await.unwrap();
        follows::put_follow(
            &mut conn,
            &NewFollow {
                account_id: troll.id,
                target_account_id: alice_acct.id,
                show_reblogs: true,
                notify: false,
                languages: None,
                uri: Some("https://evil.example/follows/1".into()),
            },
        )
        .await
        .unwrap();
        accounts::add_to_follow_counts(
            &mut conn,
            AccountId::new(troll.id),
            AccountId::new(alice_acct.id),
            1,
        )
        .await
        .unwrap();
    }
    remote_status(&app, troll.id, "trolling").await;
    let public = json(app.get("/api/v1/timelines/public", &alice).await).await;
    assert_eq!(contents(&public), vec!["<p>trolling</p>"]);

    let missing = app.post_form("/api/v1/domain_blocks", &alice, &[]).await;
    assert_eq!(missing.status(), 400);
    let own_domain = app.state.config.local_domain.clone();
    let own = app
        .post_form("/api/v1/domain_blocks", &alice, &[("domain", &own_domain)])
        .await;
    assert_eq!(own.status(), 422, "{}", own.text().await.unwrap());
    let blocked = app
        .post_form(
            "/api/v1/domain_blocks",
            &alice,
            &[("domain", "Evil.Example")],
        )
        .await;
    assert_eq!(blocked.status(), 200);
    let list = json(app.get("/api/v1/domain_blocks", &alice).await).await;
    assert_eq!(list, serde_json::json!(["evil.example"]));
    let rel = json(
        app.get(
            &format!("/api/v1/accounts/relationships?id[]={}", troll.id),
            &alice,
        )
        .await,
    )
    .await;
    assert_eq!(rel[0]["domain_blocking"], true);
    assert_eq!(rel[0]["followed_by"], false, "the domain's follows end");
    let me = json(app.get("/api/v1/accounts/verify_credentials", &alice).await).await;
    assert_eq!(me["followers_count"], 0);
    let public = json(app.get("/api/v1/timelines/public", &alice).await).await;
    assert!(contents(&public).is_empty(), "{public}");

    // Someone else still sees the domain.
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let public = json(app.get("/api/v1/timelines/public", &bob).await).await;
    assert_eq!(contents(&public).len(), 1);

    let client = reqwest::Client::new();
    let unblocked = client
        .delete(app.url("/api/v1/domain_blocks?domain=evil.example"))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(unblocked.status(), 200);
    let public = json(app.get("/api/v1/timelines/public", &alice).await).await;
    assert_eq!(contents(&public).len(), 1);
    let read_only = token_for(&app.state, &alice_user, "read").await;
    let refused = app
        .post_form(
            "/api/v1/domain_blocks",
            &read_only,
            &[("domain", "evil.example")],
        )
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn followed_hashtags_join_the_home_timeline() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let followed = json(app.post_form("/api/v1/tags/Rust/follow", &alice, &[]).await).await;
    assert_eq!(followed["name"], "Rust");
    assert_eq!(followed["following"], true);
    assert_eq!(followed["history"].as_array().unwrap().len(), 7);
    let invalid = app
        .post_form("/api/v1/tags/no%20way/follow", &alice, &[])
        .await;
    assert_eq!(invalid.status(), 404, "not a hashtag name");
    let list = json(app.get("/api/v1/followed_tags", &alice).await).await;
    assert_eq!(list[0]["name"], "Rust");

    app.post_form("/api/v1/statuses", &bob, &[("status", "I like #rust")])
        .await;
    app.post_form(
        "/api/v1/statuses",
        &bob,
        &[("status", "quiet #rust"), ("visibility", "unlisted")],
    )
    .await;
    app.post_form("/api/v1/statuses", &bob, &[("status", "no tag")])
        .await;
    let home = app
        .eventually("the tagged status in alice's home", || async {
            let home = json(app.get("/api/v1/timelines/home", &alice).await).await;
            (!contents(&home).is_empty()).then_some(home)
        })
        .await;
    let texts = contents(&home);
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("I like"));

    let tag = json(app.get("/api/v1/tags/rust", &alice).await).await;
    assert_eq!(tag["following"], true);
    assert_eq!(
        tag["history"][0]["uses"], "1",
        "only the public status counts"
    );
    assert_eq!(tag["history"][0]["accounts"], "1");
    app.post_form("/api/v1/tags/rust/unfollow", &alice, &[])
        .await;
    let tag = json(app.get("/api/v1/tags/rust", &alice).await).await;
    assert_eq!(tag["following"], false);
    let unused = json(app.get("/api/v1/tags/nosuchtag", &alice).await).await;
    assert_eq!(
        unused["name"], "nosuchtag",
        "any valid name is a tag, as Mastodon"
    );
    assert_eq!(unused["following"], false);
    app.post_form("/api/v1/statuses", &bob, &[("status", "#rustacean #rusty")])
        .await;
    let found = json(
        app.get("/api/v2/search?q=%23rust&type=hashtags", &alice)
            .await,
    )
    .await;
    let names: Vec<&str> = found["hashtags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Rust", "rusty", "rustacean"],
        "prefix matches, shortest first"
    );
    assert_eq!(found["hashtags"][0]["following"], false);
    assert_eq!(found["hashtags"][0]["history"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn featured_tags_endorsements_and_notes() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    app.post_form("/api/v1/statuses", &alice, &[("status", "#cats one")])
        .await;
    app.post_form("/api/v1/statuses", &alice, &[("status", "#cats two #dogs")])
        .await;
    let suggestions = json(app.get("/api/v1/featured_tags/suggestions", &alice).await).await;
    assert_eq!(suggestions[0]["name"], "cats");
    let featured = json(
        app.post_form("/api/v1/featured_tags", &alice, &[("name", "#cats")])
            .await,
    )
    .await;
    assert_eq!(featured["name"], "cats");
    assert_eq!(featured["statuses_count"], "2");
    assert!(featured["url"]
        .as_str()
        .unwrap()
        .ends_with("/@alice/tagged/cats"));
    let again = app
        .post_form("/api/v1/featured_tags", &alice, &[("name", "cats")])
        .await;
    assert_eq!(again.status(), 422);
    let shown = json(
        app.get(
            &format!("/api/v1/accounts/{}/featured_tags", alice_acct.id),
            &bob,
        )
        .await,
    )
    .await;
    assert_eq!(shown.as_array().unwrap().len(), 1);
    for i in 0..9 {
        let ok = app
            .post_form(
                "/api/v1/featured_tags",
                &alice,
                &[("name", &format!("tag{i}x"))],
            )
            .await;
        assert_eq!(ok.status(), 200);
    }
    let over = app
        .post_form("/api/v1/featured_tags", &alice, &[("name", "onetoomany")])
        .await;
    assert_eq!(over.status(), 422);
    let client = reqwest::Client::new();
    let id = featured["id"].as_str().unwrap();
    let gone = client
        .delete(app.url(&format!("/api/v1/featured_tags/{id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    let not_bobs = client
        .delete(app.url(&format!("/api/v1/featured_tags/{id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(not_bobs.status(), 404);

    let path = format!("/api/v1/accounts/{}/endorse", bob_acct.id);
    let not_following = app.post_form(&path, &alice, &[]).await;
    assert_eq!(not_following.status(), 422);
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", bob_acct.id),
        &alice,
        &[],
    )
    .await;
    let rel = json(app.post_form(&path, &alice, &[]).await).await;
    assert_eq!(rel["endorsed"], true);
    let mine = json(app.get("/api/v1/endorsements", &alice).await).await;
    assert_eq!(mine[0]["username"], "bob");
    let public = json(
        app.get(
            &format!("/api/v1/accounts/{}/endorsements", alice_acct.id),
            &bob,
        )
        .await,
    )
    .await;
    assert_eq!(public[0]["username"], "bob");
    let rel = json(
        app.post_form(
            &format!("/api/v1/accounts/{}/note", bob_acct.id),
            &alice,
            &[("comment", "met at RustConf")],
        )
        .await,
    )
    .await;
    assert_eq!(rel["note"], "met at RustConf");
    let rel = json(
        app.post_form(
            &format!("/api/v1/accounts/{}/unendorse", bob_acct.id),
            &alice,
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(rel["endorsed"], false);
    assert_eq!(rel["note"], "met at RustConf");
    // Bob can drop alice from his followers without blocking her.
    let rel = json(
        app.post_form(
            &format!("/api/v1/accounts/{}/remove_from_followers", alice_acct.id),
            &bob,
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(rel["followed_by"], false);
    assert_eq!(rel["blocking"], false);
    let bobs_view = json(
        app.get(
            &format!("/api/v1/accounts/relationships?id[]={}", alice_acct.id),
            &bob,
        )
        .await,
    )
    .await;
    assert_eq!(bobs_view[0]["note"], "", "notes are private");
}

#[tokio::test]
async fn directory_suggestions_and_trends() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    let (_, dave_acct, _) = local_user(&app.state, "dave").await;
    remote_account(&app.state, "far", "far.example").await;

    let dir = json(
        app.get("/api/v1/directory?order=new&local=true", &alice)
            .await,
    )
    .await;
    let names: Vec<&str> = dir
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["dave", "carol", "bob", "alice"]);
    let all = json(app.get("/api/v1/directory?order=new", &alice).await).await;
    assert_eq!(all.as_array().unwrap().len(), 5);
    let paged = json(
        app.get(
            "/api/v1/directory?order=new&local=true&offset=1&limit=2",
            &alice,
        )
        .await,
    )
    .await;
    assert_eq!(paged[0]["username"], "carol");
    assert_eq!(paged.as_array().unwrap().len(), 2);

    // alice follows bob, bob follows carol: carol is a friend of a friend.
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", bob_acct.id),
        &alice,
        &[],
    )
    .await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    let familiar = json(
        app.get(
            &format!("/api/v1/accounts/familiar_followers?id[]={}", carol_acct.id),
            &alice,
        )
        .await,
    )
    .await;
    assert_eq!(familiar[0]["id"], carol_acct.id.to_string());
    assert_eq!(
        familiar[0]["accounts"][0]["username"], "bob",
        "alice follows bob, who follows carol"
    );
    let v2 = json(app.get("/api/v2/suggestions", &alice).await).await;
    assert_eq!(v2[0]["account"]["username"], "carol");
    assert_eq!(v2[0]["sources"][0], "friends_of_friends");
    let ids: Vec<&str> = v2
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account"]["id"].as_str().unwrap())
        .collect();
    assert!(
        !ids.contains(&bob_acct.id.to_string().as_str()),
        "already followed"
    );
    assert!(
        !ids.contains(&alice_acct.id.to_string().as_str()),
        "never oneself"
    );
    let client = reqwest::Client::new();
    client
        .delete(app.url(&format!("/api/v1/suggestions/{}", carol_acct.id)))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    let v1 = json(app.get("/api/v1/suggestions", &alice).await).await;
    let names: Vec<&str> = v1
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"carol"), "{names:?}");
    assert!(names.contains(&"dave"), "{names:?}");
    let _ = dave_acct;

    // #ferris is used by two accounts, #lonely by one: only #ferris trends.
    let post = json(
        app.post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", "hello #ferris #lonely")],
        )
        .await,
    )
    .await;
    app.post_form("/api/v1/statuses", &carol, &[("status", "#Ferris again")])
        .await;
    let tags = json(app.get("/api/v1/trends/tags", &alice).await).await;
    let names: Vec<&str> = tags
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["ferris"]);
    assert_eq!(tags[0]["history"][0]["accounts"], "2");
    let legacy = json(app.get("/api/v1/trends", &alice).await).await;
    assert_eq!(legacy, tags);

    let none = json(app.get("/api/v1/trends/statuses", &alice).await).await;
    assert!(
        none.as_array().unwrap().is_empty(),
        "nothing interacted with yet"
    );
    let id = post["id"].as_str().unwrap();
    app.post_form(&format!("/api/v1/statuses/{id}/favourite"), &alice, &[])
        .await;
    let trending = json(app.get("/api/v1/trends/statuses", &alice).await).await;
    assert_eq!(trending[0]["id"], id);
    let links = json(app.get("/api/v1/trends/links", &alice).await).await;
    assert_eq!(links, serde_json::json!([]));
}

#[tokio::test]
async fn instance_rules_texts_peers_activity_and_domain_blocks() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    remote_account(&app.state, "far", "far.example").await;
    app.post_form("/api/v1/statuses", &alice, &[("status", "hello")])
        .await;
    let id = app.ctl(&["settings", "rules", "add", "Be kind", "--hint", "Really."]);
    app.ctl(&["settings", "rules", "add", "No spam"]);
    let rules = json(
        app.client
            .get(app.url("/api/v1/instance/rules"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(rules[0]["id"], id.trim());
    assert_eq!(rules[0]["text"], "Be kind");
    assert_eq!(rules[0]["hint"], "Really.");
    assert_eq!(rules[1]["text"], "No spam");
    let v2 = json(
        app.client
            .get(app.url("/api/v2/instance"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v2["rules"], rules);
    let v1 = json(
        app.client
            .get(app.url("/api/v1/instance"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v1["stats"]["domain_count"], 1);

    let peers = json(
        app.client
            .get(app.url("/api/v1/instance/peers"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(peers, serde_json::json!(["far.example"]));
    let activity = json(
        app.client
            .get(app.url("/api/v1/instance/activity"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(activity.as_array().unwrap().len(), 12);
    assert_eq!(activity[0]["statuses"], "1");
    assert_eq!(activity[0]["registrations"], "1");

    let empty = json(
        app.client
            .get(app.url("/api/v1/instance/extended_description"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(empty["content"], "");
    let file = std::env::temp_dir().join(format!("ferrodon-about-{}.html", std::process::id()));
    std::fs::write(&file, "<p>About us</p>").unwrap();
    app.ctl(&[
        "settings",
        "text",
        "extended-description",
        file.to_str().unwrap(),
    ]);
    std::fs::remove_file(&file).ok();
    let about = json(
        app.client
            .get(app.url("/api/v1/instance/extended_description"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(about["content"], "<p>About us</p>");
    assert!(about["updated_at"].is_string());
    let privacy = json(
        app.client
            .get(app.url("/api/v1/instance/privacy_policy"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(privacy["content"].as_str().unwrap().contains("stores"));
    let tos = app
        .client
        .get(app.url("/api/v1/instance/terms_of_service"))
        .send()
        .await
        .unwrap();
    assert_eq!(tos.status(), 404, "no terms until an admin sets them");

    let hidden = app
        .client
        .get(app.url("/api/v1/instance/domain_blocks"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        hidden.status(),
        404,
        "Mastodon's default hides domain blocks"
    );
    app.ctl(&["domains", "block", "spam.example"]);
    app.ctl(&["settings", "show-domain-blocks", "users"]);
    let anonymous = app
        .client
        .get(app.url("/api/v1/instance/domain_blocks"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 404);
    let blocks = json(app.get("/api/v1/instance/domain_blocks", &alice).await).await;
    assert_eq!(blocks[0]["domain"], "spam.example");
    assert_eq!(blocks[0]["severity"], "suspend");
    assert_eq!(blocks[0]["digest"].as_str().unwrap().len(), 64);
}
