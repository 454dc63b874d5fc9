//! Quote posts (Mastodon 4.5): quoting, policies, nesting, the quotes list,
//! revoking, counters and notifications.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use super::timelines::link_url;

async fn post(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/statuses", token, &body).await
}

async fn post_ok(app: &TestApp, token: &str, body: Value) -> Value {
    let resp = post(app, token, body).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn show(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(&format!("/api/v1/statuses/{id}"), token)
        .await
        .json()
        .await
        .unwrap()
}

async fn error_of(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn quoting_nests_the_quoted_status_and_counts_and_notifies() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;

    let original = post_ok(&app, &alice, json!({"status": "quote me"})).await;
    let oid = original["id"].as_str().unwrap().to_owned();
    assert!(original["quote"].is_null());
    assert_eq!(original["quotes_count"], 0);
    assert_eq!(original["quote_approval"]["automatic"], json!(["public"]));
    assert_eq!(original["quote_approval"]["manual"], json!([]));
    assert_eq!(original["quote_approval"]["current_user"], "automatic");
    let seen_by_bob = show(&app, &bob, &oid).await;
    assert_eq!(seen_by_bob["quote_approval"]["current_user"], "automatic");

    let quoting = post_ok(
        &app,
        &bob,
        json!({"status": "look at this", "quoted_status_id": oid}),
    )
    .await;
    let qid = quoting["id"].as_str().unwrap().to_owned();
    assert_eq!(quoting["quote"]["state"], "accepted");
    assert_eq!(quoting["quote"]["quoted_status"]["id"], oid.as_str());
    assert_eq!(
        quoting["quote"]["quoted_status"]["content"],
        "<p>quote me</p>"
    );

    // A quote of the quote shows it one level deep, then shallow.
    let outer = post_ok(
        &app,
        &carol,
        json!({"status": "meta", "quoted_status_id": qid}),
    )
    .await;
    let inner = &outer["quote"]["quoted_status"];
    assert_eq!(inner["id"], qid.as_str());
    assert_eq!(inner["quote"]["state"], "accepted");
    assert_eq!(inner["quote"]["quoted_status_id"], oid.as_str());
    assert!(inner["quote"].get("quoted_status").is_none());

    assert_eq!(show(&app, &alice, &oid).await["quotes_count"], 1);
    let notes: Vec<Value> = app
        .get("/api/v1/notifications?types[]=quote", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["type"], "quote");
    assert_eq!(notes[0]["account"]["username"], "bob");
    assert_eq!(notes[0]["status"]["id"], qid.as_str());

    // Editing the quoted status tells the quoter.
    let edited = app
        .client
        .put(app.url(&format!("/api/v1/statuses/{oid}")))
        .bearer_auth(&alice)
        .json(&json!({"status": "quote me, edited"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let notes: Vec<Value> = app
        .get("/api/v1/notifications?types[]=quoted_update", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["status"]["id"], oid.as_str());

    // Deleting the quoting status uncounts it; deleting the quoted one
    // leaves the quote marked deleted.
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{oid}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let after = show(&app, &bob, &qid).await;
    assert_eq!(after["quote"]["state"], "deleted");
    assert!(after["quote"]["quoted_status"].is_null());
}

#[tokio::test]
async fn policies_decide_who_may_quote() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;

    let nobody = post_ok(
        &app,
        &alice,
        json!({"status": "mine only", "quote_approval_policy": "nobody"}),
    )
    .await;
    assert_eq!(nobody["quote_approval"]["automatic"], json!([]));
    let nid = nobody["id"].as_str().unwrap();
    assert_eq!(
        show(&app, &bob, nid).await["quote_approval"]["current_user"],
        "denied"
    );
    let (status, error) =
        error_of(post(&app, &bob, json!({"status": "no", "quoted_status_id": nid})).await).await;
    assert_eq!(status, 422);
    assert!(error.starts_with("Validation failed"), "{error}");
    // The author may always quote themselves.
    let own = post_ok(
        &app,
        &alice,
        json!({"status": "me", "quoted_status_id": nid}),
    )
    .await;
    assert_eq!(own["quote"]["state"], "accepted");

    let followers = post_ok(
        &app,
        &alice,
        json!({"status": "followers may", "quote_approval_policy": "followers"}),
    )
    .await;
    let fid = followers["id"].as_str().unwrap();
    assert_eq!(
        followers["quote_approval"]["automatic"],
        json!(["followers"])
    );
    assert_eq!(
        show(&app, &bob, fid).await["quote_approval"]["current_user"],
        "denied"
    );
    let refused = post(&app, &bob, json!({"status": "x", "quoted_status_id": fid})).await;
    assert_eq!(refused.status(), 422);
    let follow = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[],
        )
        .await;
    assert_eq!(follow.status(), 200);
    assert_eq!(
        show(&app, &bob, fid).await["quote_approval"]["current_user"],
        "automatic"
    );
    let accepted = post_ok(&app, &bob, json!({"status": "x", "quoted_status_id": fid})).await;
    assert_eq!(accepted["quote"]["state"], "accepted");

    // Followers-only and direct statuses of others cannot be quoted, even
    // when the quoter can see them.
    let private = post_ok(
        &app,
        &alice,
        json!({"status": "friends", "visibility": "private"}),
    )
    .await;
    assert_eq!(private["quote_approval"]["automatic"], json!([]));
    let pid = private["id"].as_str().unwrap();
    let refused = post(&app, &bob, json!({"status": "x", "quoted_status_id": pid})).await;
    assert_eq!(refused.status(), 422);
    // The author's own quote of it stays followers-only.
    let own = post_ok(
        &app,
        &alice,
        json!({"status": "x", "quoted_status_id": pid, "visibility": "public"}),
    )
    .await;
    assert_eq!(own["visibility"], "private");

    // A direct message may quote only someone it mentions.
    let (status, error) = error_of(
        post(
            &app,
            &bob,
            json!({"status": "psst", "visibility": "direct", "quoted_status_id": fid}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(error.contains("not-mentioned"), "{error}");
    let direct = post_ok(
        &app,
        &bob,
        json!({"status": "@alice psst", "visibility": "direct", "quoted_status_id": fid}),
    )
    .await;
    assert_eq!(direct["quote"]["state"], "accepted");

    let missing = post(
        &app,
        &bob,
        json!({"status": "x", "quoted_status_id": "999999999"}),
    )
    .await;
    assert_eq!(missing.status(), 404);
    let bad = post(
        &app,
        &bob,
        json!({"status": "x", "quote_approval_policy": "everyone"}),
    )
    .await;
    assert_eq!(bad.status(), 422);

    // Signed out, nobody may quote.
    let anon: Value = app
        .client
        .get(app.url(&format!("/api/v1/statuses/{fid}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anon["quote_approval"]["current_user"], "denied");
}

#[tokio::test]
async fn interaction_policy_changes_who_may_quote() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let status = post_ok(&app, &alice, json!({"status": "open"})).await;
    let id = status["id"].as_str().unwrap();
    let path = format!("/api/v1/statuses/{id}/interaction_policy");

    let put = |token: &str, policy: &str| {
        let request = app
            .client
            .put(app.url(&path))
            .bearer_auth(token)
            .json(&json!({ "quote_approval_policy": policy }));
        async move { request.send().await.unwrap() }
    };

    let changed = put(&alice, "nobody").await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["quote_approval"]["automatic"], json!([]));
    let refused = post(&app, &bob, json!({"status": "x", "quoted_status_id": id})).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(put(&bob, "public").await.status(), 403);
    assert_eq!(put(&alice, "sometimes").await.status(), 422);

    // Editing the status may change the policy too.
    let edited = app
        .client
        .put(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&alice)
        .json(&json!({"status": "open again", "quote_approval_policy": "followers"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let edited: Value = edited.json().await.unwrap();
    assert_eq!(edited["quote_approval"]["automatic"], json!(["followers"]));
}

#[tokio::test]
async fn quotes_list_is_paged_and_revoking_hides_the_quote() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let original = post_ok(&app, &alice, json!({"status": "popular"})).await;
    let oid = original["id"].as_str().unwrap().to_owned();
    let mut quoting = Vec::new();
    for i in 0..3 {
        let q = post_ok(
            &app,
            &bob,
            json!({"status": format!("quote {i}"), "quoted_status_id": oid}),
        )
        .await;
        quoting.push(q["id"].as_str().unwrap().to_owned());
    }

    let path = format!("/api/v1/statuses/{oid}/quotes");
    let first = app.get(&format!("{path}?limit=2"), &alice).await;
    assert_eq!(first.status(), 200);
    let next = link_url(&first, "next").expect("next link");
    let page: Vec<Value> = first.json().await.unwrap();
    let ids: Vec<&str> = page.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [quoting[2].as_str(), quoting[1].as_str()]);
    let rest: Vec<Value> = app
        .client
        .get(&next)
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["id"], quoting[0].as_str());

    // Anyone who sees the status lists its quotes (Mastodon 4.5).
    let by_bob: Vec<Value> = app.get(&path, &bob).await.json().await.unwrap();
    assert_eq!(by_bob.len(), 3);

    // Only the quoted author revokes.
    let revoke = format!("/api/v1/statuses/{oid}/quotes/{}/revoke", quoting[0]);
    assert_eq!(app.post_form(&revoke, &bob, &[]).await.status(), 403);
    let revoked = app.post_form(&revoke, &alice, &[]).await;
    assert_eq!(revoked.status(), 200);
    let revoked: Value = revoked.json().await.unwrap();
    assert_eq!(revoked["id"], quoting[0].as_str());
    assert_eq!(revoked["quote"]["state"], "revoked");
    assert!(revoked["quote"]["quoted_status"].is_null());
    assert_eq!(show(&app, &alice, &oid).await["quotes_count"], 2);
    let listed: Vec<Value> = app.get(&path, &alice).await.json().await.unwrap();
    assert_eq!(listed.len(), 2);
    let unknown = format!("/api/v1/statuses/{oid}/quotes/1/revoke");
    assert_eq!(app.post_form(&unknown, &alice, &[]).await.status(), 404);
}

#[tokio::test]
async fn a_quoted_status_the_viewer_cannot_see_is_unauthorized() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let original = post_ok(&app, &alice, json!({"status": "hello"})).await;
    let oid = original["id"].as_str().unwrap();
    let quoting = post_ok(&app, &bob, json!({"status": "q", "quoted_status_id": oid})).await;
    let qid = quoting["id"].as_str().unwrap();
    // Alice blocks bob: bob can no longer see her status inside his quote.
    let block = app
        .post_form(
            &format!("/api/v1/accounts/{}/block", bob_acct.id),
            &alice,
            &[],
        )
        .await;
    assert_eq!(block.status(), 200);
    let seen = show(&app, &bob, qid).await;
    assert_eq!(seen["quote"]["state"], "unauthorized");
    assert!(seen["quote"]["quoted_status"].is_null());
}

async fn note_of(app: &TestApp, status: &Value) -> Value {
    let resp = app
        .client
        .get(status["uri"].as_str().unwrap())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn notes_carry_the_quote_and_the_quote_policy() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let original = post_ok(
        &app,
        &alice,
        json!({"status": "hi", "quote_approval_policy": "followers"}),
    )
    .await;
    let oid = original["id"].as_str().unwrap();
    let quoting = post_ok(
        &app,
        &alice,
        json!({"status": "q", "quoted_status_id": oid}),
    )
    .await;

    let quoted_note = note_of(&app, &original).await;
    let alice_uri = quoted_note["attributedTo"].as_str().unwrap().to_owned();
    assert_eq!(
        quoted_note["interactionPolicy"]["canQuote"]["automaticApproval"],
        json!([format!("{alice_uri}/followers"), alice_uri])
    );
    assert!(quoted_note.get("quote").is_none());
    let quoting_note = note_of(&app, &quoting).await;
    assert_eq!(quoting_note["quote"], original["uri"]);
    assert_eq!(quoting_note["_misskey_quote"], original["uri"]);
}

/// Mastodon 4.5 lets anyone who may see a status list its quotes; to
/// others than the quoted author, none by accounts they muted or blocked.
/// Each quote is shown only to those who may see it, the quoted author
/// too (Mastodon's list does not check; a followers-only quote is for the
/// quoter's followers).
#[tokio::test]
async fn anyone_who_sees_a_status_lists_the_quotes_they_may_see() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let (_, dave_acct, dave) = local_user(&app.state, "dave").await;
    let original = post_ok(&app, &alice, json!({"status": "quote me"})).await;
    let oid = original["id"].as_str().unwrap().to_owned();
    let public = post_ok(
        &app,
        &bob,
        json!({"status": "public quote", "quoted_status_id": oid}),
    )
    .await;
    let private = post_ok(
        &app,
        &dave,
        json!({"status": "followers-only quote", "quoted_status_id": oid, "visibility": "private"}),
    )
    .await;
    let path = format!("/api/v1/statuses/{oid}/quotes");
    let ids = |page: Vec<Value>| -> Vec<String> {
        page.iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };

    // The followers-only quote is shown to its author's followers only.
    let listed = app.get(&path, &carol).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(
        ids(listed.json().await.unwrap()),
        [public["id"].as_str().unwrap()]
    );
    let follow = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", dave_acct.id),
            &carol,
            &[],
        )
        .await;
    assert_eq!(follow.status(), 200);
    let listed: Vec<Value> = app.get(&path, &carol).await.json().await.unwrap();
    assert_eq!(
        ids(listed),
        [
            private["id"].as_str().unwrap(),
            public["id"].as_str().unwrap()
        ]
    );

    // Muting bob hides his quote from carol, not from the quoted author.
    let mute = app
        .post_form(
            &format!("/api/v1/accounts/{}/mute", bob_acct.id),
            &carol,
            &[],
        )
        .await;
    assert_eq!(mute.status(), 200);
    let listed: Vec<Value> = app.get(&path, &carol).await.json().await.unwrap();
    assert_eq!(ids(listed), [private["id"].as_str().unwrap()]);
    let mute = app
        .post_form(
            &format!("/api/v1/accounts/{}/mute", bob_acct.id),
            &alice,
            &[],
        )
        .await;
    assert_eq!(mute.status(), 200);
    // The quoted author's mutes hide nothing (dave's followers-only quote
    // stays hidden from her: she does not follow him).
    let listed: Vec<Value> = app.get(&path, &alice).await.json().await.unwrap();
    assert_eq!(ids(listed), [public["id"].as_str().unwrap()]);

    // A status the caller may not see has no quotes to list.
    let hidden = post_ok(
        &app,
        &alice,
        json!({"status": "secret", "visibility": "direct"}),
    )
    .await;
    let hidden_path = format!("/api/v1/statuses/{}/quotes", hidden["id"].as_str().unwrap());
    assert_eq!(app.get(&hidden_path, &carol).await.status(), 404);
}

/// Mastodon 4.5's quotes list wants a token with `read:statuses`
/// (`doorkeeper_authorize!`): none is 401, one without the scope 403. An
/// app's own token (no user) lists the quotes of a public status; a
/// private one is not found for it.
#[tokio::test]
async fn listing_quotes_needs_a_token_with_read_statuses() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let public = post_ok(&app, &alice, json!({"status": "public"})).await;
    let pid = public["id"].as_str().unwrap().to_owned();
    let quote = post_ok(&app, &bob, json!({"status": "q", "quoted_status_id": pid})).await;
    let private = post_ok(
        &app,
        &alice,
        json!({"status": "followers only", "visibility": "private"}),
    )
    .await;
    let public_path = format!("/api/v1/statuses/{pid}/quotes");
    let private_path = format!(
        "/api/v1/statuses/{}/quotes",
        private["id"].as_str().unwrap()
    );

    for path in [&public_path, &private_path] {
        let anonymous = app.client.get(app.url(path)).send().await.unwrap();
        let (status, error) = error_of(anonymous).await;
        assert_eq!(status, 401, "{path} without a token");
        assert_eq!(error, "The access token is invalid");
    }

    let app_only = ferrodon_testkit::oauth::app_token_with_scope(&app, "read").await;
    let listed = app.get(&public_path, &app_only).await;
    assert_eq!(listed.status(), 200);
    let listed: Vec<Value> = listed.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], quote["id"]);
    let (status, error) = error_of(app.get(&private_path, &app_only).await).await;
    assert_eq!((status, error.as_str()), (404, "Record not found"));

    let no_read =
        ferrodon_testkit::factories::token_for(&app.state, &alice_user, "write read:accounts")
            .await;
    let (status, error) = error_of(app.get(&public_path, &no_read).await).await;
    assert_eq!(status, 403);
    assert_eq!(error, "This action is outside the authorized scopes");
    // The author's own private status lists with a proper token.
    assert_eq!(app.get(&private_path, &alice).await.status(), 200);
}
