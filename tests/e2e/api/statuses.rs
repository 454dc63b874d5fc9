use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

#[tokio::test]
async fn post_show_edit_delete() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;

    let resp = app
        .post_json("/api/v1/statuses", &alice, &json!({"status": "Hello @bob #Ferrodon", "visibility": "unlisted", "spoiler_text": "cw", "language": "en"}))
        .await;
    assert_eq!(resp.status(), 200);
    let s: Value = resp.json().await.unwrap();
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(s["visibility"], "unlisted");
    assert_eq!(
        s["sensitive"], true,
        "a content warning makes a status sensitive"
    );
    assert_eq!(s["spoiler_text"], "cw");
    assert_eq!(s["mentions"][0]["acct"], "bob");
    assert_eq!(s["tags"][0]["name"], "ferrodon");
    assert!(s["content"]
        .as_str()
        .unwrap()
        .contains("class=\"u-url mention\""));
    assert_eq!(s["account"]["username"], "alice");
    assert_eq!(s["account"]["statuses_count"], 1);
    assert!(s["application"].is_null() || s["application"].is_object());

    let shown: Value = app
        .client
        .get(app.url(&format!("/api/v1/statuses/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["id"], id.as_str());
    assert!(
        shown.get("favourited").is_none(),
        "signed-out views carry no viewer flags"
    );

    let edited = app
        .client
        .put(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&alice)
        .form(&[("status", "Hello again")])
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(edited["content"], "<p>Hello again</p>");
    assert!(edited["edited_at"].is_string());
    let history: Vec<Value> = app
        .get(&format!("/api/v1/statuses/{id}/history"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    let source: Value = app
        .get(&format!("/api/v1/statuses/{id}/source"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(source["text"], "Hello again");

    let not_mine = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(not_mine.status(), 404);
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let deleted: Value = deleted.json().await.unwrap();
    assert_eq!(
        deleted["text"], "Hello again",
        "delete returns the source for redrafting"
    );
    let gone = app
        .client
        .get(app.url(&format!("/api/v1/statuses/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(
        gone.json::<Value>().await.unwrap(),
        json!({"error": "Record not found"})
    );
}

#[tokio::test]
async fn validation_auth_and_scope_errors() {
    let app = TestApp::spawn().await;
    let (user, _, alice) = local_user(&app.state, "alice").await;
    let blank = app
        .post_form("/api/v1/statuses", &alice, &[("status", "   ")])
        .await;
    assert_eq!(blank.status(), 422);
    assert_eq!(
        blank.json::<Value>().await.unwrap()["error"],
        "Validation failed: Text can't be blank"
    );
    let long = "x".repeat(501);
    let too_long = app
        .post_form("/api/v1/statuses", &alice, &[("status", &long)])
        .await;
    assert_eq!(too_long.status(), 422);
    let bad_vis = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "hi"), ("visibility", "everyone")],
        )
        .await;
    assert_eq!(bad_vis.status(), 422);
    let no_token = app
        .client
        .post(app.url("/api/v1/statuses"))
        .form(&[("status", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    let read_only = token_for(&app.state, &user, "read").await;
    let forbidden = app
        .post_form("/api/v1/statuses", &read_only, &[("status", "hi")])
        .await;
    assert_eq!(forbidden.status(), 403);
    assert_eq!(
        forbidden.json::<Value>().await.unwrap()["error"],
        "This action is outside the authorized scopes"
    );
    let granular = token_for(&app.state, &user, "write:statuses").await;
    assert_eq!(
        app.post_form("/api/v1/statuses", &granular, &[("status", "granular")])
            .await
            .status(),
        200
    );
    let bad_json = app
        .client
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&alice)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    let missing_parent = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "reply"), ("in_reply_to_id", "12345")],
        )
        .await;
    assert_eq!(missing_parent.status(), 404);
    let garbage_id = app
        .client
        .get(app.url("/api/v1/statuses/not-an-id"))
        .send()
        .await
        .unwrap();
    assert_eq!(garbage_id.status(), 404);
}

#[tokio::test]
async fn idempotency_key_returns_the_same_status() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/statuses"))
            .bearer_auth(&alice)
            .header("Idempotency-Key", "abc-123")
            .form(&[("status", "only once")])
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let a: Value = a.unwrap().json().await.unwrap();
    let b: Value = b.unwrap().json().await.unwrap();
    assert_eq!(a["id"], b["id"]);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["statuses_count"], 1);
}

#[tokio::test]
async fn interactions_thread_and_visibility() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let root: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "root")])
        .await
        .json()
        .await
        .unwrap();
    let root_id = root["id"].as_str().unwrap();
    let reply: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", "@alice reply"), ("in_reply_to_id", root_id)],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reply["in_reply_to_id"], root_id);
    let reply_id = reply["id"].as_str().unwrap();

    let fav: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/favourite"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fav["favourited"], true);
    assert_eq!(fav["favourites_count"], 1);
    let boost: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/reblog"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(boost["reblog"]["id"], root_id);
    assert_eq!(boost["reblog"]["reblogged"], true);
    assert_eq!(boost["reblog"]["reblogs_count"], 1);
    let marked: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/bookmark"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(marked["bookmarked"], true);

    let by: Vec<Value> = app
        .get(&format!("/api/v1/statuses/{root_id}/favourited_by"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by[0]["id"], bob_acct.id.to_string());
    let by: Vec<Value> = app
        .get(&format!("/api/v1/statuses/{root_id}/reblogged_by"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by.len(), 1);

    let ctx: Value = app
        .get(&format!("/api/v1/statuses/{reply_id}/context"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ctx["ancestors"][0]["id"], root_id);
    let ctx: Value = app
        .get(&format!("/api/v1/statuses/{root_id}/context"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ctx["descendants"][0]["id"], reply_id);
    assert_eq!(ctx["ancestors"], json!([]));

    let unboost: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/unreblog"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unboost["reblogged"], false);
    assert_eq!(unboost["reblogs_count"], 0);
    let unfav: Value = app
        .post_form(
            &format!("/api/v1/statuses/{root_id}/unfavourite"),
            &bob,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unfav["favourites_count"], 0);

    let dm: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "secret for nobody"), ("visibility", "direct")],
        )
        .await
        .json()
        .await
        .unwrap();
    let dm_id = dm["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/statuses/{dm_id}"), &bob)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_form(&format!("/api/v1/statuses/{dm_id}/favourite"), &bob, &[])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_form(&format!("/api/v1/statuses/{dm_id}/reblog"), &alice, &[])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn pinning_own_statuses() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let s: Value = app
            .post_form(
                "/api/v1/statuses",
                &alice,
                &[("status", &format!("post {i}"))],
            )
            .await
            .json()
            .await
            .unwrap();
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    let pinned: Value = app
        .post_form(&format!("/api/v1/statuses/{}/pin", ids[0]), &alice, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pinned["pinned"], true);
    for id in &ids[1..5] {
        assert_eq!(
            app.post_form(&format!("/api/v1/statuses/{id}/pin"), &alice, &[])
                .await
                .status(),
            200
        );
    }
    let sixth = app
        .post_form(&format!("/api/v1/statuses/{}/pin", ids[5]), &alice, &[])
        .await;
    assert_eq!(sixth.status(), 422, "at most five pins");
    assert_eq!(
        app.post_form(&format!("/api/v1/statuses/{}/pin", ids[0]), &bob, &[])
            .await
            .status(),
        422,
        "only one's own"
    );

    let profile: Vec<Value> = app
        .client
        .get(app.url(&format!(
            "/api/v1/accounts/{}/statuses?pinned=true",
            alice_acct.id
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: Vec<&str> = profile.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        got,
        vec![
            ids[4].as_str(),
            ids[3].as_str(),
            ids[2].as_str(),
            ids[1].as_str(),
            ids[0].as_str()
        ],
        "most recently pinned first"
    );
    let unpinned: Value = app
        .post_form(&format!("/api/v1/statuses/{}/unpin", ids[0]), &alice, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unpinned["pinned"], false);
    let shown: Value = app
        .get(&format!("/api/v1/statuses/{}", ids[1]), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["pinned"], true);
    let to_bob: Value = app
        .get(&format!("/api/v1/statuses/{}", ids[1]), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        to_bob.get("pinned").is_none(),
        "pinned is only shown to the author"
    );
}

async fn mention_count(app: &TestApp, token: &str) -> usize {
    let notes: Value = app
        .get("/api/v1/notifications?types[]=mention", token)
        .await
        .json()
        .await
        .unwrap();
    notes.as_array().unwrap().len()
}

#[tokio::test]
async fn muted_threads_stop_notifying_and_show_muted() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let root: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "a long thread")])
        .await
        .json()
        .await
        .unwrap();
    assert!(root["id"].is_string(), "{root}");
    let root_id = root["id"].as_str().unwrap().to_owned();
    let reply: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob,
            &[
                ("status", "@alice first reply"),
                ("in_reply_to_id", &root_id),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let reply_id = reply["id"].as_str().unwrap().to_owned();
    assert_eq!(mention_count(&app, &alice).await, 1);

    // Muting through a reply mutes the whole thread.
    let muted: Value = app
        .post_form(&format!("/api/v1/statuses/{reply_id}/mute"), &alice, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(muted["muted"], true);
    let shown_root: Value = app
        .get(&format!("/api/v1/statuses/{root_id}"), &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown_root["muted"], true);
    let for_bob: Value = app
        .get(&format!("/api/v1/statuses/{root_id}"), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(for_bob["muted"], false, "mutes are the user's own");
    app.post_form(
        "/api/v1/statuses",
        &bob,
        &[("status", "@alice deeper"), ("in_reply_to_id", &reply_id)],
    )
    .await;
    app.post_form(&format!("/api/v1/statuses/{root_id}/favourite"), &bob, &[])
        .await;
    assert_eq!(
        mention_count(&app, &alice).await,
        1,
        "no new mention from the muted thread"
    );
    let favs: Value = app
        .get("/api/v1/notifications?types[]=favourite", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert!(favs.as_array().unwrap().is_empty());

    let unmuted: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/unmute"), &alice, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unmuted["muted"], false);
    app.post_form(
        "/api/v1/statuses",
        &bob,
        &[
            ("status", "@alice back again"),
            ("in_reply_to_id", &root_id),
        ],
    )
    .await;
    assert_eq!(mention_count(&app, &alice).await, 2);
}

/// A boost's wrapper answers for the post it carries, as Mastodon's
/// serializer asks `reblogged?`/`favourited?`/`bookmarked?` of the proper
/// status: clients that read the top level of a boosted post (Mastodon.py,
/// Tusky's notification actions) see the viewer's own boost.
#[tokio::test]
async fn a_boost_wrapper_carries_the_viewers_flags_of_the_boosted_post() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let root: Value = app
        .post_json("/api/v1/statuses", &alice, &json!({"status": "boost me"}))
        .await
        .json()
        .await
        .unwrap();
    let root_id = root["id"].as_str().unwrap();
    for action in ["favourite", "bookmark"] {
        let resp = app
            .post_form(&format!("/api/v1/statuses/{root_id}/{action}"), &bob, &[])
            .await;
        assert_eq!(resp.status(), 200);
    }
    let wrapper: Value = app
        .post_form(&format!("/api/v1/statuses/{root_id}/reblog"), &bob, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrapper["reblog"]["id"], root_id);
    for flag in ["reblogged", "favourited", "bookmarked"] {
        assert_eq!(wrapper[flag], true, "{flag} on the wrapper");
        assert_eq!(wrapper["reblog"][flag], true, "{flag} on the boosted post");
    }
    let wrapper_id = wrapper["id"].as_str().unwrap();

    // The same, shown again and in bob's own timelines.
    let shown: Value = app
        .get(&format!("/api/v1/statuses/{wrapper_id}"), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["reblogged"], true);
    assert_eq!(shown["favourited"], true);
    let listed: Vec<Value> = app
        .get(&format!("/api/v1/accounts/{}/statuses", bob_acct.id), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], wrapper_id);
    assert_eq!(listed[0]["reblogged"], true);
    assert_eq!(listed[0]["bookmarked"], true);

    // Another viewer's flags are its own.
    let seen: Value = app
        .get(&format!("/api/v1/statuses/{wrapper_id}"), &carol)
        .await
        .json()
        .await
        .unwrap();
    for flag in ["reblogged", "favourited", "bookmarked"] {
        assert_eq!(seen[flag], false, "{flag} for carol");
    }
}

/// `allowed_mentions` lists the only accounts a post may reach through
/// mentions (Mastodon's PostStatusService#safeguard_mentions!): a post that
/// would mention others is refused with 422, naming them, and nothing is
/// stored or sent.
#[tokio::test]
async fn a_post_mentioning_accounts_outside_allowed_mentions_is_refused() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let (_, carol, _) = local_user(&app.state, "carol").await;
    let bob_id = bob.id.to_string();
    let carol_id = carol.id.to_string();

    let refused = app
        .post_json(
            "/api/v1/statuses",
            &alice,
            &json!({"status": "hi @bob and @carol", "allowed_mentions": [bob_id]}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "Post would be sent to unexpected accounts");
    let unexpected = body["unexpected_accounts"].as_array().unwrap();
    assert_eq!(unexpected.len(), 1);
    assert_eq!(unexpected[0]["id"], carol_id);
    assert_eq!(unexpected[0]["acct"], "carol");
    let mine: Vec<Value> = app
        .get(
            &format!("/api/v1/accounts/{}/statuses", alice_acct.id),
            &alice,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(mine.is_empty(), "nothing was stored: {mine:?}");

    // Form-encoded, listing both: posted.
    let allowed = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "hi @bob and @carol"),
                ("allowed_mentions[]", bob_id.as_str()),
                ("allowed_mentions[]", carol_id.as_str()),
            ],
        )
        .await;
    assert_eq!(allowed.status(), 200);
    // An empty list allows a post without mentions, and only that.
    let plain = app
        .post_json(
            "/api/v1/statuses",
            &alice,
            &json!({"status": "no one", "allowed_mentions": []}),
        )
        .await;
    assert_eq!(plain.status(), 200);
    let mentioning = app
        .post_json(
            "/api/v1/statuses",
            &alice,
            &json!({"status": "@bob hi", "allowed_mentions": []}),
        )
        .await;
    assert_eq!(mentioning.status(), 422);
}
