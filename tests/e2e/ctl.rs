//! `ferrodonctl` run as a real binary against a running instance: each
//! command group's effect on the database, Redis or the client API.
use ferrodon_core::db::diesel;
use ferrodon_core::db::diesel::sql_types::BigInt;
use ferrodon_core::db::diesel_async::RunQueryDsl;
use ferrodon_core::db::models::{Account, NewAccount};
use ferrodon_core::db::queries::{accounts, follows};
use ferrodon_core::db::AccountId;
use ferrodon_core::feeds;
use ferrodon_testkit::factories::{local_user, remote_account};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::fake_service;

async fn sql(app: &TestApp, query: &str) {
    let mut conn = app.state.conn().await.unwrap();
    diesel::sql_query(query)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"));
}

/// The `bigint` a one-value query returns.
async fn number(app: &TestApp, query: &str) -> i64 {
    let mut conn = app.state.conn().await.unwrap();
    diesel::select(diesel::dsl::sql::<BigInt>(&format!("({query})")))
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// Inserts a status by `account_id` written `days_ago` days ago; its id.
async fn status_of(app: &TestApp, account_id: i64, uri: &str, days_ago: i64) -> i64 {
    let local = account_id > 0 && {
        let mut conn = app.state.conn().await.unwrap();
        accounts::get_account_by_id(&mut conn, account_id)
            .await
            .unwrap()
            .is_local()
    };
    let id = number(app, "SELECT ferrodon_id()").await;
    sql(
        app,
        &format!(
            "INSERT INTO statuses (id, uri, account_id, text, content, spoiler_text, \
             sensitive, visibility, local, created_at, updated_at) VALUES ({id}, '{uri}', \
             {account_id}, '', '<p>hi</p>', '', false, 0, {local}, \
             now() - interval '{days_ago} days', now())"
        ),
    )
    .await;
    id
}

async fn account(app: &TestApp, id: i64) -> Option<Account> {
    let mut conn = app.state.conn().await.unwrap();
    accounts::get_account_by_id(&mut conn, id).await.ok()
}

/// A remote account whose actor lives on the fake server at `base`.
async fn remote_on(app: &TestApp, base: &str, username: &str) -> Account {
    let domain = base.trim_start_matches("http://");
    let mut conn = app.state.conn().await.unwrap();
    accounts::put_account(
        &mut conn,
        &NewAccount {
            username: username.into(),
            domain: Some(domain.into()),
            display_name: "Old name".into(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: format!("{base}/users/{username}"),
            url: None,
            inbox_url: format!("{base}/users/{username}/inbox"),
            shared_inbox_url: String::new(),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: None,
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn accounts_approve_lets_pending_sign_ups_in() {
    let app = TestApp::spawn().await;
    let mut pending = Vec::new();
    for name in ["first", "second", "third"] {
        let (_, account, token) = local_user(&app.state, name).await;
        sql(
            &app,
            &format!(
                "UPDATE users SET approved = false WHERE account_id = {}",
                account.id
            ),
        )
        .await;
        pending.push(token);
    }
    let me = |token: String| {
        let app = &app;
        async move {
            app.get("/api/v1/accounts/verify_credentials", &token)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(pending[0].clone()).await, 403);
    assert!(app
        .ctl(&["accounts", "approve", "--number", "1"])
        .contains("Approved 1 accounts"));
    assert_eq!(me(pending[0].clone()).await, 200);
    assert_eq!(me(pending[1].clone()).await, 403);
    app.ctl(&["accounts", "approve", "third"]);
    assert_eq!(me(pending[2].clone()).await, 200);
    assert_eq!(me(pending[1].clone()).await, 403);
    assert!(app
        .ctl(&["accounts", "approve", "--all"])
        .contains("Approved 1 accounts"));
    assert_eq!(me(pending[1].clone()).await, 200);
    app.ctl_fails(&["accounts", "approve"]);
    app.ctl_fails(&["accounts", "approve", "nobody"]);
}

#[tokio::test]
async fn accounts_follow_and_unfollow_for_every_local_account() {
    let app = TestApp::spawn().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let (_, star, _) = local_user(&app.state, "star").await;
    let out = app.ctl(&["accounts", "follow", "star"]);
    assert!(out.contains("from 2 accounts"), "{out}");
    let mut conn = app.state.conn().await.unwrap();
    let star_id = AccountId::new(star.id);
    for follower in [&alice, &bob] {
        let follow = follows::get_follow(&mut conn, AccountId::new(follower.id), star_id).await;
        assert!(follow.unwrap().is_some());
    }
    assert_eq!(account(&app, star.id).await.unwrap().followers_count, 2);
    let out = app.ctl(&["accounts", "unfollow", "star"]);
    assert!(out.contains("from 2 accounts"), "{out}");
    for follower in [&alice, &bob] {
        let follow = follows::get_follow(&mut conn, AccountId::new(follower.id), star_id).await;
        assert!(follow.unwrap().is_none());
    }
    app.ctl_fails(&["accounts", "follow", "nobody"]);
}

// The fake servers run on the test's runtime while `ctl` blocks a thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_refresh_and_cull_against_a_remote_server() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let served = base.clone();
    // Served as ActivityPub: other JSON is not taken for a server's document.
    let (url, _requests) = fake_service::start_replying(move |req| {
        let base = served.get().cloned().unwrap_or_default();
        let (status, body) = match req.path.as_str() {
            "/users/alive" => (
                200,
                json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{base}/users/alive"),
                    "type": "Person",
                    "preferredUsername": "alive",
                    "name": "New name",
                    "summary": "<p>fresh</p>",
                    "inbox": format!("{base}/users/alive/inbox"),
                })
                .to_string(),
            ),
            "/users/gone" => (410, "{}".into()),
            "/users/deleted" => (404, "{}".into()),
            _ => (500, "{}".into()),
        };
        fake_service::Reply::typed(status, "application/activity+json", body)
    })
    .await;
    base.set(url.clone()).unwrap();
    let domain = url.trim_start_matches("http://").to_owned();
    let alive = remote_on(&app, &url, "alive").await;
    let gone = remote_on(&app, &url, "gone").await;
    let deleted = remote_on(&app, &url, "deleted").await;
    let flaky = remote_on(&app, &url, "flaky").await;
    status_of(&app, gone.id, &format!("{url}/statuses/1"), 1).await;

    let out = app.ctl(&["accounts", "refresh", &format!("alive@{domain}")]);
    assert!(out.contains("Refreshed 1 accounts, 0 failed"), "{out}");
    let refreshed = account(&app, alive.id).await.unwrap();
    assert_eq!(refreshed.display_name, "New name");
    assert!(refreshed.note.contains("fresh"), "{}", refreshed.note);
    app.ctl_fails(&["accounts", "refresh"]);
    app.ctl_fails(&["accounts", "refresh", "alice"]);

    let out = app.ctl(&["accounts", "cull", "--dry-run", &domain]);
    assert!(out.contains("removed 2 (DRY RUN)"), "{out}");
    assert!(account(&app, gone.id).await.is_some());
    let out = app.ctl(&["accounts", "cull", &domain]);
    assert!(out.contains("Visited 4 accounts, removed 2"), "{out}");
    assert!(out.contains("1 accounts could not be checked"), "{out}");
    assert!(account(&app, gone.id).await.is_none());
    assert!(account(&app, deleted.id).await.is_none());
    assert!(account(&app, alive.id).await.is_some());
    assert!(account(&app, flaky.id).await.is_some());
    assert_eq!(
        number(
            &app,
            &format!(
                "SELECT count(*) FROM statuses WHERE account_id = {}",
                gone.id
            )
        )
        .await,
        0
    );
}

// The fake inbox runs on the test's runtime while `ctl` blocks a thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_rotate_sends_the_new_key_to_followers() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let (url, mut received) = fake_service::start(|_| (202, String::new())).await;
    let fan = remote_on(&app, &url, "fan").await;
    sql(
        &app,
        &format!(
            "INSERT INTO follows (account_id, target_account_id) VALUES ({}, {})",
            fan.id, alice.id
        ),
    )
    .await;
    let out = app.ctl(&["accounts", "rotate", "alice"]);
    assert!(out.contains("rotated the keys of 1 accounts"), "{out}");
    let rotated = account(&app, alice.id).await.unwrap();
    assert_ne!(rotated.public_key, alice.public_key);
    assert_ne!(rotated.private_key, alice.private_key);
    // Served in the actor document…
    let actor: Value = app
        .client
        .get(&alice.uri)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        actor["publicKey"]["publicKeyPem"],
        rotated.public_key.as_str()
    );
    // …and sent to the follower's inbox in an Update of the actor.
    let update = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let request = received.recv().await.expect("the fake inbox stopped");
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            if request.method == "POST" && body["type"] == "Update" {
                return body;
            }
        }
    })
    .await
    .expect("no Update reached the follower's inbox");
    assert_eq!(update["actor"], alice.uri.as_str());
    assert_eq!(
        update["object"]["publicKey"]["publicKeyPem"],
        rotated.public_key.as_str()
    );
    app.ctl_fails(&["accounts", "rotate"]);
    app.ctl_fails(&["accounts", "rotate", "nobody"]);
}

#[tokio::test]
async fn domains_purge_removes_a_remote_domains_data() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let spammer = remote_account(&app.state, "spammer", "spam.example").await;
    let other = remote_account(&app.state, "friend", "good.example").await;
    let spam = status_of(&app, spammer.id, "https://spam.example/s/1", 0).await;
    let kept = status_of(&app, other.id, "https://good.example/s/1", 0).await;
    let status = |id: i64| {
        let (app, token) = (&app, token.clone());
        async move {
            app.get(&format!("/api/v1/statuses/{id}"), &token)
                .await
                .status()
                .as_u16()
        }
    };
    for (shortcode, domain) in [("spamcat", "spam.example"), ("goodcat", "good.example")] {
        sql(
            &app,
            &format!(
                "INSERT INTO custom_emojis (shortcode, domain, uri, image_url) VALUES \
                 ('{shortcode}', '{domain}', 'https://{domain}/emojis/1', 'https://{domain}/e.png')"
            ),
        )
        .await;
    }
    assert_eq!(status(spam).await, 200);
    let out = app.ctl(&["domains", "purge", "--dry-run", "spam.example"]);
    assert!(out.contains("Would remove 1 accounts, 1 statuses"), "{out}");
    assert_eq!(status(spam).await, 200);
    let out = app.ctl(&["domains", "purge", "SPAM.example"]);
    assert!(out.contains("Removed 1 accounts, 1 statuses"), "{out}");
    assert!(out.contains("and 1 custom emojis"), "{out}");
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM custom_emojis WHERE domain = 'spam.example'"
        )
        .await,
        0
    );
    assert_eq!(
        number(
            &app,
            "SELECT count(*) FROM custom_emojis WHERE domain = 'good.example'"
        )
        .await,
        1
    );
    assert_eq!(status(spam).await, 404);
    assert!(account(&app, spammer.id).await.is_none());
    assert_eq!(status(kept).await, 200);
    app.ctl_fails(&["domains", "purge"]);
}

// The fake servers run on the test's runtime while `ctl` blocks a thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn domains_crawl_follows_peers() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let peer = |version: &'static str, peers: Vec<String>| {
        move |req: &fake_service::Received| match req.path.as_str() {
            "/api/v1/instance" => (200, json!({ "version": version }).to_string()),
            "/api/v1/instance/peers" => (200, json!(peers).to_string()),
            _ => (404, "{}".into()),
        }
    };
    let (b, _) = fake_service::start(peer("4.3.0", vec!["nowhere.invalid".into()])).await;
    let b_domain = b.trim_start_matches("http://").to_owned();
    let (a, _) = fake_service::start(peer("4.4.0", vec![b_domain.clone()])).await;
    let a_domain = a.trim_start_matches("http://").to_owned();
    let out = app.ctl(&["domains", "crawl", &a_domain, "--format", "domains"]);
    let mut found: Vec<&str> = out.lines().collect();
    found.sort_unstable();
    let mut expected = vec![a_domain.as_str(), b_domain.as_str()];
    expected.sort_unstable();
    assert_eq!(found, expected);
    let out = app.ctl(&["domains", "crawl", &a_domain]);
    assert!(out.contains("Found 2 servers"), "{out}");
    assert!(
        out.contains("1\t4.3.0") && out.contains("1\t4.4.0"),
        "{out}"
    );
    let json: Value =
        serde_json::from_str(&app.ctl(&["domains", "crawl", &a_domain, "--format", "json"]))
            .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    app.ctl_fails(&["domains", "crawl", &a_domain, "--format", "xml"]);
}

#[tokio::test]
async fn statuses_and_preview_cards_remove_only_unreferenced_old_ones() {
    let app = TestApp::spawn().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let stranger = remote_account(&app.state, "stranger", "far.example").await;
    let old = status_of(&app, stranger.id, "https://far.example/s/old", 100).await;
    let recent = status_of(&app, stranger.id, "https://far.example/s/new", 1).await;
    let faved = status_of(&app, stranger.id, "https://far.example/s/faved", 100).await;
    sql(
        &app,
        &format!(
            "INSERT INTO favourites (account_id, status_id) VALUES ({}, {faved})",
            alice.id
        ),
    )
    .await;
    let out = app.ctl(&["statuses", "remove", "--days", "30", "--dry-run"]);
    assert!(out.contains("Would remove 1 "), "{out}");
    let out = app.ctl(&["statuses", "remove", "--days", "30"]);
    assert!(out.contains("Removed 1 "), "{out}");
    let left = |id: i64| {
        let app = &app;
        async move {
            number(
                app,
                &format!("SELECT count(*) FROM statuses WHERE id = {id}"),
            )
            .await
        }
    };
    assert_eq!(left(old).await, 0);
    assert_eq!(left(recent).await, 1);
    assert_eq!(left(faved).await, 1);

    for (url, kind, age) in [
        ("https://far.example/a", "link", 400),
        ("https://far.example/b", "photo", 400),
        ("https://far.example/c", "link", 1),
    ] {
        sql(
            &app,
            &format!(
                "INSERT INTO preview_cards (url, title, description, type, author_name, \
                 author_url, provider_name, provider_url, width, height, created_at, updated_at) \
                 VALUES ('{url}', 't', '', '{kind}', '', '', '', '', 0, 0, \
                 now() - interval '{age} days', now() - interval '{age} days')"
            ),
        )
        .await;
    }
    let out = app.ctl(&["preview_cards", "remove", "--days", "180", "--link"]);
    assert!(out.contains("Removed 1 preview cards"), "{out}");
    assert_eq!(number(&app, "SELECT count(*) FROM preview_cards").await, 2);
    app.ctl(&["preview-cards", "remove", "--days", "180"]);
    assert_eq!(number(&app, "SELECT count(*) FROM preview_cards").await, 1);
}

#[tokio::test]
async fn feeds_build_fills_a_home_feed_and_clear_empties_it() {
    let app = TestApp::spawn().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    app.ctl(&["accounts", "follow", "bob"]);
    let posted = status_of(&app, bob.id, "https://x.example/bob/1", 0).await;
    let key = feeds::home_key(&app.state, alice.id);
    let zrange = |key: String| {
        let app = &app;
        async move {
            let mut redis = app.state.redis().await.unwrap();
            let members: Vec<String> = deadpool_redis::redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .query_async(&mut *redis)
                .await
                .unwrap();
            members
        }
    };
    app.ctl(&["feeds", "clear"]);
    assert!(zrange(key.clone()).await.is_empty());
    let out = app.ctl(&["feeds", "build", "alice"]);
    assert!(out.contains("rebuilt 1 home feeds"), "{out}");
    assert!(zrange(key.clone()).await.contains(&posted.to_string()));
    let out = app.ctl(&["feeds", "clear"]);
    assert!(out.contains("cleared"), "{out}");
    assert!(zrange(key.clone()).await.is_empty());
    app.ctl(&["feeds", "build", "--all"]);
    assert!(zrange(key.clone()).await.contains(&posted.to_string()));
    app.ctl(&["cache", "clear"]);
    assert!(zrange(key).await.is_empty());
    app.ctl_fails(&["feeds", "build"]);
}

#[tokio::test]
async fn cache_recount_and_search_deploy() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let posted = status_of(&app, alice.id, "https://x.example/alice/1", 0).await;
    sql(
        &app,
        &format!(
            "INSERT INTO favourites (account_id, status_id) VALUES ({}, {posted})",
            bob.id
        ),
    )
    .await;
    sql(
        &app,
        &format!(
            "UPDATE accounts SET statuses_count = 42, followers_count = 7 WHERE id = {}",
            alice.id
        ),
    )
    .await;
    let out = app.ctl(&["cache", "recount", "accounts"]);
    assert!(
        out.contains("corrected the counters of 1 accounts"),
        "{out}"
    );
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["statuses_count"], 1);
    assert_eq!(me["followers_count"], 0);
    let out = app.ctl(&["cache", "recount", "statuses"]);
    assert!(
        out.contains("corrected the counters of 1 statuses"),
        "{out}"
    );
    let status: Value = app
        .get(&format!("/api/v1/statuses/{posted}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["favourites_count"], 1);
    app.ctl_fails(&["cache", "recount", "tags"]);

    let out = app.ctl(&["search", "deploy"]);
    assert!(out.contains("statuses_text_search"), "{out}");
}

#[tokio::test]
async fn maintenance_fix_duplicates_merges_planted_duplicates() {
    let app = TestApp::spawn().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let first = remote_account(&app.state, "dup", "twice.example").await;
    // As a corrupted index would let them in.
    sql(&app, "DROP INDEX accounts_username_domain").await;
    sql(&app, "DROP INDEX statuses_uri").await;
    let mut conn = app.state.conn().await.unwrap();
    let second = accounts::put_account(
        &mut conn,
        &NewAccount {
            username: "DUP".into(),
            domain: Some("twice.example".into()),
            display_name: String::new(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: "https://twice.example/users/DUP".into(),
            url: None,
            inbox_url: String::new(),
            shared_inbox_url: String::new(),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: None,
        },
    )
    .await
    .unwrap();
    drop(conn);
    sql(
        &app,
        &format!(
            "INSERT INTO follows (account_id, target_account_id) VALUES ({}, {})",
            alice.id, second.id
        ),
    )
    .await;
    let by_second = status_of(&app, second.id, "https://twice.example/s/2", 0).await;
    let original = status_of(&app, first.id, "https://twice.example/s/1", 0).await;
    let copy = status_of(&app, first.id, "https://twice.example/s/1", 0).await;
    sql(
        &app,
        &format!(
            "INSERT INTO favourites (account_id, status_id) VALUES ({}, {copy})",
            alice.id
        ),
    )
    .await;

    let out = app.ctl(&["maintenance", "fix-duplicates", "--dry-run"]);
    assert!(
        out.contains("Would merge 1 duplicate accounts and 1 duplicate statuses"),
        "{out}"
    );
    assert!(account(&app, second.id).await.is_some());
    let out = app.ctl(&["maintenance", "fix-duplicates"]);
    assert!(
        out.contains("Merged 1 duplicate accounts and 1 duplicate statuses"),
        "{out}"
    );
    assert!(out.contains("Rebuilt the unique indexes"), "{out}");
    assert!(account(&app, second.id).await.is_none());
    let kept = account(&app, first.id).await.unwrap();
    assert_eq!(kept.followers_count, 1);
    assert_eq!(kept.statuses_count, 2);
    let count = |q: String| {
        let app = &app;
        async move { number(app, &q).await }
    };
    assert_eq!(
        count(format!(
            "SELECT count(*) FROM statuses WHERE id = {by_second} AND account_id = {}",
            first.id
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!("SELECT count(*) FROM statuses WHERE id = {copy}")).await,
        0
    );
    assert_eq!(
        count(format!(
            "SELECT count(*) FROM favourites WHERE status_id = {original}"
        ))
        .await,
        1
    );
    assert_eq!(
        count(format!(
            "SELECT count(*) FROM follows WHERE target_account_id = {}",
            first.id
        ))
        .await,
        1
    );
    // The unique indexes are back: a duplicate is refused again.
    let mut conn = app.state.conn().await.unwrap();
    assert!(diesel::sql_query(format!(
        "UPDATE statuses SET uri = 'https://twice.example/s/1' WHERE id = {by_second}"
    ))
    .execute(&mut conn)
    .await
    .is_err());
}

// The fake servers run on the test's runtime while `ctl` blocks a thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_lookup_and_refresh() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let server = crate::media::serve_file(crate::media::png(40, 40)).await;
    let (status_id, media_ids) = crate::media::remote_status_with_media(&app, &server, 2).await;
    let status_uri = format!("https://remote.example/statuses/{status_id}");
    let out = app.ctl(&["media", "lookup", &format!("{server}/files/1.png")]);
    assert_eq!(out.trim(), status_uri);
    let proxy = format!("{}/media_proxy/{}/original?s=x", app.base_url, media_ids[0]);
    assert_eq!(app.ctl(&["media", "lookup", &proxy]).trim(), status_uri);
    app.ctl_fails(&["media", "lookup", "https://nowhere.example/files/none.png"]);

    let cached = || {
        number(
            &app,
            "SELECT count(*) FROM media_attachments WHERE cached_at IS NOT NULL",
        )
    };
    assert_eq!(cached().await, 0);
    let out = app.ctl(&["media", "refresh", "--status", &status_id.to_string()]);
    assert!(out.contains("Refreshed 2 of 2"), "{out}");
    assert_eq!(cached().await, 2);
    // A stored file's own URL finds its status too.
    let key: String = {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::media::find_media(&mut conn, media_ids[1])
            .await
            .unwrap()
            .unwrap()
            .file_key
            .unwrap()
    };
    let stored = ferrodon_core::media::public_url(&app.state.config, &key);
    assert_eq!(app.ctl(&["media", "lookup", &stored]).trim(), status_uri);
    let out = app.ctl(&["media", "refresh", "--domain", "remote.example", "--force"]);
    assert!(out.contains("Refreshed 2 of 2"), "{out}");
    app.ctl_fails(&["media", "refresh"]);
}
