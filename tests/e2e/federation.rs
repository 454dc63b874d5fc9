//! Federation between two real Ferrodon instances on loopback (each its
//! own web server, worker, database and domain `127.0.0.1:PORT`), driven
//! through the client API as their users would; and hostile deliveries to
//! an inbox.
use ferrodon_core::db::AccountId;
use std::time::Duration;

use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_core::apub::signatures::sign::Signer;
use ferrodon_core::apub::signatures::SignatureFormat;
use ferrodon_core::db::models::Account;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

mod forwarding;
pub(crate) mod peer;
mod quotes;
mod threads;

pub(crate) async fn instance() -> TestApp {
    TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await
}

pub(crate) fn domain(app: &TestApp) -> String {
    app.base_url.trim_start_matches("http://").to_owned()
}

/// Finds `username@domain` from `app` (WebFinger, `resolve=true`), follows
/// it and waits until the remote server accepted; the account's id on `app`.
pub(crate) async fn follow_remote(
    app: &TestApp,
    token: &str,
    username: &str,
    domain: &str,
) -> String {
    let found = json_of(
        app.get(
            &format!("/api/v2/search?q=@{username}@{domain}&resolve=true&type=accounts"),
            token,
        )
        .await,
    )
    .await;
    let id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
    app.post_form(&format!("/api/v1/accounts/{id}/follow"), token, &[])
        .await;
    within("the follow to be accepted", || async {
        let rel = json_of(
            app.get(&format!("/api/v1/accounts/relationships?id[]={id}"), token)
                .await,
        )
        .await;
        (rel[0]["following"] == true).then_some(())
    })
    .await;
    id
}

/// Posts a status through the client API; its JSON.
async fn post_status(app: &TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    json_of(app.post_form("/api/v1/statuses", token, form).await).await
}

/// GETs an ActivityPub document the way a remote server would.
async fn fetch_ap(app: &TestApp, url: impl reqwest::IntoUrl) -> Value {
    json_of(
        app.client
            .get(url)
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub(crate) async fn json_of(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// Polls for up to 20 s: deliveries cross two workers.
pub(crate) async fn within<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn actors_and_notes_are_served_with_content_negotiation() {
    let app = instance().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let posted = post_status(&app, &token, &[("status", "hello #fediverse")]).await;
    let actor = fetch_ap(&app, format!("{}/users/alice", app.base_url)).await;
    assert_eq!(actor["type"], "Person");
    assert_eq!(actor["id"], alice.uri.as_str());
    assert_eq!(actor["inbox"], format!("{}/inbox", alice.uri));
    assert_eq!(
        actor["endpoints"]["sharedInbox"],
        format!("{}/inbox", app.base_url)
    );
    let pem = actor["publicKey"]["publicKeyPem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    assert_eq!(actor["publicKey"]["id"], format!("{}#main-key", alice.uri));
    // The same URL for a browser is the profile page.
    let html = app
        .client
        .get(format!("{}/users/alice", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 302);
    // The profile URL with an ActivityPub Accept is the actor too.
    let by_profile = json_of(
        app.client
            .get(format!("{}/@alice", app.base_url))
            .header(
                "Accept",
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(by_profile["id"], alice.uri.as_str());

    let note = fetch_ap(&app, posted["uri"].as_str().unwrap()).await;
    assert_eq!(note["type"], "Note");
    assert_eq!(note["attributedTo"], alice.uri.as_str());
    assert_eq!(
        note["to"][0],
        "https://www.w3.org/ns/activitystreams#Public"
    );
    assert_eq!(note["tag"][0]["type"], "Hashtag");
    let outbox = json_of(
        app.client
            .get(format!("{}/users/alice/outbox?page=true", app.base_url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(outbox["orderedItems"][0]["type"], "Create");
    assert_eq!(outbox["orderedItems"][0]["object"]["id"], note["id"]);
    // Outboxes page by max_id, 20 at a time.
    for i in 0..20 {
        post_status(&app, &token, &[("status", &format!("filler {i}"))]).await;
    }
    let first = fetch_ap(
        &app,
        format!("{}/users/alice/outbox?page=true", app.base_url),
    )
    .await;
    assert_eq!(first["orderedItems"].as_array().unwrap().len(), 20);
    let next = first["next"].as_str().unwrap().to_owned();
    let second = fetch_ap(&app, next).await;
    let rest = second["orderedItems"].as_array().unwrap();
    assert_eq!(rest.len(), 1, "{second}");
    assert_eq!(rest[0]["object"]["id"], note["id"]);
    assert!(second.get("next").is_none());
    let instance_actor = json_of(
        app.client
            .get(format!("{}/actor", app.base_url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(instance_actor["type"], "Application");

    // A private status is never served.
    let private = post_status(
        &app,
        &token,
        &[("status", "secret"), ("visibility", "private")],
    )
    .await;
    let resp = app
        .client
        .get(private["uri"].as_str().unwrap())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn two_instances_follow_post_reply_like_boost_edit_and_delete() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let b_domain = domain(&b);

    // Alice finds bob by his handle (WebFinger, then his actor).
    let found = json_of(
        a.get(
            &format!("/api/v2/search?q=@bob@{b_domain}&resolve=true&type=accounts"),
            &alice_token,
        )
        .await,
    )
    .await;
    let bob_on_a = found["accounts"][0].clone();
    assert_eq!(bob_on_a["acct"], format!("bob@{b_domain}"));
    let bob_on_a_id = bob_on_a["id"].as_str().unwrap().to_owned();

    // Follow: requested until bob's server answers Accept.
    a.post_form(
        &format!("/api/v1/accounts/{bob_on_a_id}/follow"),
        &alice_token,
        &[],
    )
    .await;
    within("alice to follow bob", || async {
        let rel = json_of(
            a.get(
                &format!("/api/v1/accounts/relationships?id[]={bob_on_a_id}"),
                &alice_token,
            )
            .await,
        )
        .await;
        (rel[0]["following"] == true).then_some(())
    })
    .await;
    let followers = json_of(
        b.get(
            &format!("/api/v1/accounts/{}/followers", bob.id),
            &bob_token,
        )
        .await,
    )
    .await;
    assert_eq!(followers[0]["acct"], format!("alice@{}", domain(&a)));
    let notes = json_of(b.get("/api/v1/notifications", &bob_token).await).await;
    assert_eq!(notes[0]["type"], "follow");

    // Bob posts; alice sees it on her home timeline.
    let post = post_status(&b, &bob_token, &[("status", "Hello from B #rust")]).await;
    let on_a = within("bob's post on alice's home", || async {
        let home = json_of(a.get("/api/v1/timelines/home", &alice_token).await).await;
        home.as_array()
            .unwrap()
            .iter()
            .find(|s| s["uri"] == post["uri"])
            .cloned()
    })
    .await;
    assert!(
        on_a["content"].as_str().unwrap().contains("Hello from B"),
        "{on_a}"
    );
    assert_eq!(on_a["account"]["acct"], format!("bob@{b_domain}"));
    let on_a_id = on_a["id"].as_str().unwrap().to_owned();

    // Bob's poll reaches alice as a Question; her vote reaches B and the new count comes back.
    let poll_post = post_status(
        &b,
        &bob_token,
        &[
            ("status", "Which one?"),
            ("poll[options][]", "Left"),
            ("poll[options][]", "Right"),
            ("poll[expires_in]", "3600"),
        ],
    )
    .await;
    let poll_on_a = within("the poll on A", || async {
        let home = json_of(a.get("/api/v1/timelines/home", &alice_token).await).await;
        home.as_array()
            .unwrap()
            .iter()
            .find(|s| s["uri"] == poll_post["uri"])
            .cloned()
    })
    .await;
    assert_eq!(poll_on_a["poll"]["options"][1]["title"], "Right");
    let poll_id_on_a = poll_on_a["poll"]["id"].as_str().unwrap().to_owned();
    let voted = json_of(
        a.post_form(
            &format!("/api/v1/polls/{poll_id_on_a}/votes"),
            &alice_token,
            &[("choices[]", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(voted["own_votes"], json!([1]));
    let poll_id_on_b = poll_post["poll"]["id"].as_str().unwrap().to_owned();
    within("the vote on B", || async {
        let poll = json_of(
            b.get(&format!("/api/v1/polls/{poll_id_on_b}"), &bob_token)
                .await,
        )
        .await;
        (poll["options"][1]["votes_count"] == 1).then_some(())
    })
    .await;
    // A vote on B alone reaches A through B's Update of the Question.
    let (_, _, carol_token) = local_user(&b.state, "carol").await;
    b.post_form(
        &format!("/api/v1/polls/{poll_id_on_b}/votes"),
        &carol_token,
        &[("choices[]", "0")],
    )
    .await;
    within("B's counts on A", || async {
        let poll = json_of(
            a.get(&format!("/api/v1/polls/{poll_id_on_a}"), &alice_token)
                .await,
        )
        .await;
        (poll["votes_count"] == 2 && poll["options"][0]["votes_count"] == 1).then_some(())
    })
    .await;
    let on_a = json_of(
        a.get(
            &format!("/api/v1/statuses/{}", poll_on_a["id"].as_str().unwrap()),
            &alice_token,
        )
        .await,
    )
    .await;
    assert_eq!(on_a["edited_at"], Value::Null, "new counts are not an edit");

    // Alice replies mentioning bob: bob is notified, and the reply threads.
    let reply = post_status(
        &a,
        &alice_token,
        &[
            ("status", &format!("@bob@{b_domain} nice one")),
            ("in_reply_to_id", &on_a_id),
        ],
    )
    .await;
    let mention = within("bob's mention notification", || async {
        let notes = json_of(
            b.get("/api/v1/notifications?types[]=mention", &bob_token)
                .await,
        )
        .await;
        notes.as_array().unwrap().first().cloned()
    })
    .await;
    assert_eq!(mention["status"]["uri"], reply["uri"]);
    assert_eq!(mention["status"]["in_reply_to_id"], post["id"]);

    // Like and boost reach bob as notifications.
    a.post_form(
        &format!("/api/v1/statuses/{on_a_id}/favourite"),
        &alice_token,
        &[],
    )
    .await;
    a.post_form(
        &format!("/api/v1/statuses/{on_a_id}/reblog"),
        &alice_token,
        &[],
    )
    .await;
    within("favourite and reblog notifications", || async {
        let notes = json_of(b.get("/api/v1/notifications", &bob_token).await).await;
        let kinds: Vec<&str> = notes
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["type"].as_str())
            .collect();
        (kinds.contains(&"favourite") && kinds.contains(&"reblog")).then_some(())
    })
    .await;
    let counted = json_of(
        b.get(
            &format!("/api/v1/statuses/{}", post["id"].as_str().unwrap()),
            &bob_token,
        )
        .await,
    )
    .await;
    assert_eq!(counted["favourites_count"], 1);
    assert_eq!(counted["reblogs_count"], 1);
    // Undoing the boost reaches B too.
    a.post_form(
        &format!("/api/v1/statuses/{on_a_id}/unreblog"),
        &alice_token,
        &[],
    )
    .await;
    within("the unreblog on B", || async {
        let s = json_of(
            b.get(
                &format!("/api/v1/statuses/{}", post["id"].as_str().unwrap()),
                &bob_token,
            )
            .await,
        )
        .await;
        (s["reblogs_count"] == 0).then_some(())
    })
    .await;

    // Bob pins it: alice sees it among his pinned statuses.
    let resp = b
        .post_form(
            &format!("/api/v1/statuses/{}/pin", post["id"].as_str().unwrap()),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(resp.status(), 200);
    within("the pin on A", || async {
        let pinned = json_of(
            a.get(
                &format!("/api/v1/accounts/{bob_on_a_id}/statuses?pinned=true"),
                &alice_token,
            )
            .await,
        )
        .await;
        (pinned[0]["uri"] == post["uri"]).then_some(())
    })
    .await;

    // Bob edits; alice sees the new text.
    let resp = b
        .client
        .put(format!(
            "{}/api/v1/statuses/{}",
            b.base_url,
            post["id"].as_str().unwrap()
        ))
        .bearer_auth(&bob_token)
        .form(&[("status", "Hello from B, edited")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    within("the edit on A", || async {
        let s = json_of(
            a.get(&format!("/api/v1/statuses/{on_a_id}"), &alice_token)
                .await,
        )
        .await;
        s["content"]
            .as_str()
            .unwrap()
            .contains("edited")
            .then_some(())
    })
    .await;

    // Bob deletes; the status disappears on A.
    let resp = b
        .client
        .delete(format!(
            "{}/api/v1/statuses/{}",
            b.base_url,
            post["id"].as_str().unwrap()
        ))
        .bearer_auth(&bob_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    within("the deletion on A", || async {
        let resp = a
            .get(&format!("/api/v1/statuses/{on_a_id}"), &alice_token)
            .await;
        (resp.status() == 404).then_some(())
    })
    .await;

    // Alice deletes her reply: bob (mentioned, not a follower) hears of it.
    let resp = a
        .client
        .delete(format!(
            "{}/api/v1/statuses/{}",
            a.base_url,
            reply["id"].as_str().unwrap()
        ))
        .bearer_auth(&alice_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    within("the reply's deletion on B", || async {
        let mut conn = b.state.conn().await.unwrap();
        ferrodon_core::db::queries::statuses::find_status_by_uri(
            &mut conn,
            reply["uri"].as_str().unwrap(),
        )
        .await
        .unwrap()
        .is_none()
        .then_some(())
    })
    .await;

    // Unfollow: bob loses the follower.
    a.post_form(
        &format!("/api/v1/accounts/{bob_on_a_id}/unfollow"),
        &alice_token,
        &[],
    )
    .await;
    within("the unfollow on B", || async {
        let followers = json_of(
            b.get(
                &format!("/api/v1/accounts/{}/followers", bob.id),
                &bob_token,
            )
            .await,
        )
        .await;
        followers.as_array().unwrap().is_empty().then_some(())
    })
    .await;
}

/// Signs `body` for `inbox` with `key`, as `key_id`, at `date`.
pub(crate) fn signed_headers(
    key: &PrivateKey,
    key_id: &str,
    inbox: &str,
    body: &[u8],
    date: chrono::DateTime<chrono::Utc>,
) -> Vec<(&'static str, String)> {
    Signer { key_id, key }
        .sign(
            SignatureFormat::Cavage,
            "POST",
            &url::Url::parse(inbox).unwrap(),
            Some(body),
            date,
        )
        .unwrap()
}

pub(crate) async fn post_signed(
    app: &TestApp,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/inbox", app.base_url))
        .header("Content-Type", "application/activity+json");
    for (name, value) in headers {
        if *name != "Host" {
            req = req.header(*name, value);
        }
    }
    req.body(body).send().await.unwrap()
}

/// Delivers `activity` to `app`'s shared inbox, signed now by `sender`
/// (an account of another test instance); returns the answer's status.
async fn deliver_signed(app: &TestApp, sender: &Account, activity: &Value) -> u16 {
    let key = PrivateKey::from_pem(sender.private_key.as_deref().unwrap()).unwrap();
    let inbox = format!("{}/inbox", app.base_url);
    let body = serde_json::to_vec(activity).unwrap();
    let key_id = format!("{}#main-key", sender.uri);
    let headers = signed_headers(&key, &key_id, &inbox, &body, chrono::Utc::now());
    post_signed(app, &headers, body).await.status().as_u16()
}

#[tokio::test]
async fn hostile_deliveries_are_refused() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let key = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let key_id = format!("{}#main-key", bob.uri);
    let inbox = format!("{}/inbox", a.base_url);
    let follow = |id: &str| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/{id}", bob.uri),
            "type": "Follow",
            "actor": bob.uri,
            "object": alice.uri,
        }))
        .unwrap()
    };
    let now = chrono::Utc::now();

    // A correctly signed delivery is accepted…
    let body = follow("1");
    let headers = signed_headers(&key, &key_id, &inbox, &body, now);
    assert_eq!(post_signed(&a, &headers, body.clone()).await.status(), 202);
    // …once: the same request again is a replay.
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // A body changed after signing (digest mismatch).
    let body = follow("2");
    let headers = signed_headers(&key, &key_id, &inbox, &body, now);
    let resp = post_signed(&a, &headers, follow("3")).await;
    assert_eq!(resp.status(), 401);
    let error = json_of_error(resp).await;
    assert!(error.contains("Digest"), "{error}");

    // A date two hours old.
    let body = follow("4");
    let headers = signed_headers(
        &key,
        &key_id,
        &inbox,
        &body,
        now - chrono::Duration::hours(2),
    );
    let error = json_of_error(post_signed(&a, &headers, body).await).await;
    assert!(error.contains("time window"), "{error}");

    // Signed by a key nobody publishes.
    let stranger = PrivateKey::generate().unwrap();
    let body = follow("5");
    let headers = signed_headers(&stranger, &key_id, &inbox, &body, now);
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);
    let body = follow("6");
    let headers = signed_headers(
        &key,
        &format!("{}/users/nobody#main-key", b.base_url),
        &inbox,
        &body,
        now,
    );
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // Unsigned.
    let resp = a
        .client
        .post(&inbox)
        .header("Content-Type", "application/activity+json")
        .body(follow("7"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Signed by bob, but claiming to be someone else.
    let body = serde_json::to_vec(&json!({
        "id": format!("{}/forged", b.base_url),
        "type": "Follow",
        "actor": format!("{}/users/mallory", b.base_url),
        "object": alice.uri,
    }))
    .unwrap();
    let headers = signed_headers(&key, &key_id, &inbox, &body, now);
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // Only the first, genuine Follow had an effect.
    let followers = within("the genuine follow", || async {
        let mut conn = a.state.conn().await.unwrap();
        let n = ferrodon_core::db::queries::follows::list_local_follower_ids(&mut conn, alice.id)
            .await
            .unwrap();
        let mut conn = a.state.conn().await.unwrap();
        let alice_now =
            ferrodon_core::db::queries::accounts::get_account_by_id(&mut conn, alice.id)
                .await
                .unwrap();
        (alice_now.followers_count == 1).then_some(n)
    })
    .await;
    assert!(followers.is_empty(), "the follower is remote");
}

async fn json_of_error(resp: reqwest::Response) -> String {
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn blocks_federate_and_blocked_domains_get_nothing() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let b_domain = domain(&b);
    let bob_on_a_id = follow_remote(&a, &alice_token, "bob", &b_domain).await;
    let relationship = |id: String| {
        let a = &a;
        let token = alice_token.clone();
        async move {
            json_of(
                a.get(&format!("/api/v1/accounts/relationships?id[]={id}"), &token)
                    .await,
            )
            .await
        }
    };
    within("the follow", || async {
        (relationship(bob_on_a_id.clone()).await[0]["following"] == true).then_some(())
    })
    .await;

    // Bob blocks alice on B: the Block reaches A and ends her follow there.
    let alice_on_b = {
        let mut conn = b.state.conn().await.unwrap();
        ferrodon_core::db::queries::accounts::get_account_by_uri(&mut conn, &alice.uri)
            .await
            .unwrap()
    };
    let resp = b
        .post_form(
            &format!("/api/v1/accounts/{}/block", alice_on_b.id),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(resp.status(), 200);
    within("the block on A", || async {
        let rel = relationship(bob_on_a_id.clone()).await;
        (rel[0]["following"] == false && rel[0]["blocked_by"] == true).then_some(())
    })
    .await;

    // A blocks B's domain: B's signed deliveries are refused without a key fetch…
    let out = a.ctl(&["domains", "block", &b_domain, "--severity", "suspend"]);
    assert!(out.contains("Suspended 1 accounts"), "{out}");
    let listed = a.ctl(&["domains", "list"]);
    assert!(listed.contains(&b_domain), "{listed}");
    let key = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let inbox = format!("{}/inbox", a.base_url);
    let body = serde_json::to_vec(&json!({
        "id": format!("{}#follows/again", bob.uri),
        "type": "Follow",
        "actor": bob.uri,
        "object": alice.uri,
    }))
    .unwrap();
    let headers = signed_headers(
        &key,
        &format!("{}#main-key", bob.uri),
        &inbox,
        &body,
        chrono::Utc::now(),
    );
    assert_eq!(post_signed(&a, &headers, body).await.status(), 403);
    // …and its accounts cannot be looked up any more.
    let (_, _, _) = local_user(&b.state, "carol").await;
    let found = json_of(
        a.get(
            &format!("/api/v2/search?q=@carol@{b_domain}&resolve=true&type=accounts"),
            &alice_token,
        )
        .await,
    )
    .await;
    assert_eq!(found["accounts"].as_array().unwrap().len(), 0, "{found}");
}

#[tokio::test]
async fn servers_failing_for_a_week_are_skipped_until_they_speak_again() {
    let app = instance().await;
    let inbox = "https://down.example/inbox";
    use ferrodon_core::domain_policy as domains;
    for day in 1..=6 {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        domains::record_failure_on(&app.state, inbox, date)
            .await
            .unwrap();
        // Failures on the same day count once.
        domains::record_failure_on(&app.state, inbox, date)
            .await
            .unwrap();
    }
    assert!(!domains::is_unavailable(&app.state, inbox).await.unwrap());
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
    domains::record_failure_on(&app.state, inbox, date)
        .await
        .unwrap();
    assert!(domains::is_unavailable(&app.state, inbox).await.unwrap());
    assert!(
        !domains::is_unavailable(&app.state, "https://up.example/inbox")
            .await
            .unwrap()
    );
    domains::record_success(&app.state, "https://down.example/users/x")
        .await
        .unwrap();
    assert!(!domains::is_unavailable(&app.state, inbox).await.unwrap());
}

#[tokio::test]
async fn pasted_urls_resolve_and_remote_reports_arrive() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let post = post_status(&b, &bob_token, &[("status", "A status worth linking")]).await;
    let (_, _, carol_token) = local_user(&b.state, "carol").await;
    let reply = post_status(
        &b,
        &carol_token,
        &[
            ("status", "I agree"),
            ("in_reply_to_id", post["id"].as_str().unwrap()),
        ],
    )
    .await;

    let found = json_of(
        a.get(
            &format!(
                "/api/v2/search?q={}&resolve=true",
                post["uri"].as_str().unwrap()
            ),
            &alice_token,
        )
        .await,
    )
    .await;
    let status = &found["statuses"][0];
    assert!(
        status["content"]
            .as_str()
            .unwrap()
            .contains("worth linking"),
        "{found}"
    );
    assert_eq!(status["account"]["acct"], format!("bob@{}", domain(&b)));
    // Its replies follow (a pull job reads the note's `replies` collection).
    let on_a = status["id"].as_str().unwrap().to_owned();
    within("carol's reply on A", || async {
        let context = json_of(
            a.get(&format!("/api/v1/statuses/{on_a}/context"), &alice_token)
                .await,
        )
        .await;
        context["descendants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["uri"] == reply["uri"])
            .then_some(())
    })
    .await;
    let found = json_of(
        a.get(
            &format!("/api/v2/search?q={}&resolve=true", bob.uri),
            &alice_token,
        )
        .await,
    )
    .await;
    assert_eq!(found["accounts"][0]["acct"], format!("bob@{}", domain(&b)));

    // Bob's server reports alice to A.
    let key = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let inbox = format!("{}/inbox", a.base_url);
    let body = serde_json::to_vec(&json!({
        "id": format!("{}/flags/1", b.base_url),
        "type": "Flag",
        "actor": bob.uri,
        "content": "<p>spam, please look</p>",
        "object": [alice.uri],
    }))
    .unwrap();
    let headers = signed_headers(
        &key,
        &format!("{}#main-key", bob.uri),
        &inbox,
        &body,
        chrono::Utc::now(),
    );
    assert_eq!(post_signed(&a, &headers, body).await.status(), 202);
    let comment = within("the report on A", || async {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::reports::dsl as r;
        let mut conn = a.state.conn().await.unwrap();
        r::reports
            .filter(r::target_account_id.eq(alice.id))
            .select(r::comment)
            .first::<String>(&mut conn)
            .await
            .ok()
    })
    .await;
    assert_eq!(comment, "spam, please look");
}

#[tokio::test]
async fn authorized_fetch_requires_signed_gets() {
    let a = TestApp::spawn_with(&[
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
        ("AUTHORIZED_FETCH", "true"),
    ])
    .await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, _, bob_token) = local_user(&b.state, "bob").await;
    let post = post_status(&a, &alice_token, &[("status", "Only for signed fetches")]).await;
    let uri = post["uri"].as_str().unwrap();

    // Unsigned: statuses and collections are refused, the actor is cut down.
    let unsigned = |url: String| {
        let a = &a;
        async move {
            a.client
                .get(url)
                .header("Accept", "application/activity+json")
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(unsigned(uri.to_owned()).await.status(), 401);
    assert_eq!(
        unsigned(format!("{}/outbox?page=true", alice.uri))
            .await
            .status(),
        401
    );
    let actor: Value = unsigned(alice.uri.clone()).await.json().await.unwrap();
    assert_eq!(actor["id"], alice.uri.as_str());
    assert!(actor["publicKey"]["publicKeyPem"].is_string());
    assert!(
        actor.get("followers").is_none() && actor.get("summary").is_none(),
        "{actor}"
    );

    // B's fetches are signed by its instance actor, so B can still resolve the status.
    let found = json_of(
        b.get(&format!("/api/v2/search?q={uri}&resolve=true"), &bob_token)
            .await,
    )
    .await;
    assert!(
        found["statuses"][0]["content"]
            .as_str()
            .unwrap()
            .contains("signed fetches"),
        "{found}"
    );

    // Once A blocks B, B's signed fetches are refused too.
    a.ctl(&["domains", "block", &domain(&b)]);
    let other = post_status(&a, &alice_token, &[("status", "Not for B")]).await;
    let found = json_of(
        b.get(
            &format!(
                "/api/v2/search?q={}&resolve=true",
                other["uri"].as_str().unwrap()
            ),
            &bob_token,
        )
        .await,
    )
    .await;
    assert_eq!(found["statuses"].as_array().unwrap().len(), 0, "{found}");
}

/// A minimal relay on loopback: an actor with a key at `/actor`, and an
/// inbox that keeps every activity posted to it.
struct FakeRelay {
    base: String,
    key: PrivateKey,
    received: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    /// POSTs answered 401 (only with `rfc9421_only`).
    refused: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl FakeRelay {
    async fn start() -> FakeRelay {
        FakeRelay::start_as("Application", "relay", json!({})).await
    }

    /// A remote actor of `kind` named `username`, with extra actor fields.
    async fn start_as(kind: &str, username: &str, extra: Value) -> FakeRelay {
        FakeRelay::start_with(kind, username, extra, false).await
    }

    /// A relay that, like a strict RFC 9421 server, answers 401 to
    /// draft-cavage signatures (no `Signature-Input`).
    async fn start_rfc9421_only() -> FakeRelay {
        FakeRelay::start_with("Application", "relay", json!({}), true).await
    }

    async fn start_with(kind: &str, username: &str, extra: Value, rfc9421_only: bool) -> FakeRelay {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let key = PrivateKey::generate().unwrap();
        let mut actor = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": format!("{base}/actor"),
            "type": kind,
            "preferredUsername": username,
            "inbox": format!("{base}/inbox"),
            "publicKey": {
                "id": format!("{base}/actor#main-key"),
                "owner": format!("{base}/actor"),
                "publicKeyPem": key.public_key_pem().unwrap(),
            },
        });
        if let (Some(fields), Some(obj)) = (extra.as_object(), actor.as_object_mut()) {
            obj.extend(fields.clone());
        }
        let actor = actor.to_string();
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = received.clone();
        let refused = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let refusals = refused.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let actor = actor.clone();
                let store = store.clone();
                let refusals = refusals.clone();
                tokio::spawn(async move {
                    let mut data = Vec::new();
                    let mut buf = [0u8; 8192];
                    // Read the head, then as much body as Content-Length says.
                    loop {
                        let Ok(n) = socket.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        data.extend_from_slice(&buf[..n]);
                        let text = String::from_utf8_lossy(&data).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let length = text[..end]
                                .lines()
                                .find_map(|l| {
                                    let (k, v) = l.split_once(':')?;
                                    k.eq_ignore_ascii_case("content-length")
                                        .then(|| v.trim().parse::<usize>().ok())?
                                })
                                .unwrap_or(0);
                            if data.len() >= end + 4 + length {
                                let body = &data[end + 4..end + 4 + length];
                                let answer = if text.starts_with("GET /actor") {
                                    format!(
                                        "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{actor}",
                                        actor.len()
                                    )
                                } else if rfc9421_only
                                    && !text[..end]
                                        .to_ascii_lowercase()
                                        .contains("signature-input:")
                                {
                                    refusals.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                                    "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
                                } else {
                                    if let Ok(value) = serde_json::from_slice::<Value>(body) {
                                        store.lock().unwrap().push(value);
                                    }
                                    "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
                                };
                                let _ = socket.write_all(answer.as_bytes()).await;
                                return;
                            }
                        }
                    }
                });
            }
        });
        FakeRelay {
            base,
            key,
            received,
            refused,
        }
    }

    fn received(&self, kind: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|a| a["type"] == kind)
            .cloned()
            .collect()
    }

    /// Posts `activity`, signed by the relay, to `app`'s shared inbox.
    async fn deliver(&self, app: &TestApp, activity: Value) -> u16 {
        let inbox = format!("{}/inbox", app.base_url);
        let body = serde_json::to_vec(&activity).unwrap();
        let headers = signed_headers(
            &self.key,
            &format!("{}/actor#main-key", self.base),
            &inbox,
            &body,
            chrono::Utc::now(),
        );
        post_signed(app, &headers, body).await.status().as_u16()
    }
}

#[tokio::test]
async fn relays_are_followed_and_bring_posts_into_the_federated_timeline() {
    let a = instance().await;
    let b = instance().await;
    let relay = FakeRelay::start().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, _, bob_token) = local_user(&b.state, "bob").await;

    let out = a.ctl(&["relays", "add", &format!("{}/inbox", relay.base)]);
    assert!(out.contains("pending"), "{out}");
    let follow = within("the relay follow", || async {
        relay.received("Follow").first().cloned()
    })
    .await;
    assert_eq!(
        follow["object"],
        "https://www.w3.org/ns/activitystreams#Public"
    );
    assert_eq!(follow["actor"], format!("{}/actor", a.base_url));

    let accept = json!({
        "id": format!("{}/accepts/1", relay.base),
        "type": "Accept",
        "actor": format!("{}/actor", relay.base),
        "object": follow,
    });
    assert_eq!(relay.deliver(&a, accept).await, 202);
    within("the relay to be accepted", || async {
        a.ctl(&["relays", "list"])
            .contains("accepted")
            .then_some(())
    })
    .await;

    // The relay announces a post from B, which nobody on A follows.
    let post = post_status(&b, &bob_token, &[("status", "Relayed to the world")]).await;
    let announce = json!({
        "id": format!("{}/announces/1", relay.base),
        "type": "Announce",
        "actor": format!("{}/actor", relay.base),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": post["uri"],
    });
    assert_eq!(relay.deliver(&a, announce).await, 202);
    within("the relayed post on A's federated timeline", || async {
        let public = json_of(
            a.get("/api/v1/timelines/public?remote=true", &alice_token)
                .await,
        )
        .await;
        public
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == post["uri"])
            .then_some(())
    })
    .await;

    // A's public posts go to the relay.
    let mine = post_status(&a, &alice_token, &[("status", "For the relay")]).await;
    within("A's post at the relay", || async {
        relay
            .received("Create")
            .iter()
            .any(|c| c["object"]["id"] == mine["uri"])
            .then_some(())
    })
    .await;

    a.ctl(&["relays", "remove", &format!("{}/inbox", relay.base)]);
    within("the Undo at the relay", || async {
        relay.received("Undo").first().cloned()
    })
    .await;
}

#[tokio::test]
async fn moves_carry_followers_and_featured_collections_sync() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let b_domain = domain(&b);
    let bob_on_a_id = follow_remote(&a, &alice_token, "bob", &b_domain).await;
    within("the follow", || async {
        let rel = json_of(
            a.get(
                &format!("/api/v1/accounts/relationships?id[]={bob_on_a_id}"),
                &alice_token,
            )
            .await,
        )
        .await;
        (rel[0]["following"] == true).then_some(())
    })
    .await;

    // Bob pins a post: an Add to his featured collection, as Mastodon sends it.
    let post = post_status(&b, &bob_token, &[("status", "Pin me")]).await;
    within("the post on A", || async {
        let mut conn = a.state.conn().await.unwrap();
        ferrodon_core::db::queries::statuses::find_status_by_uri(
            &mut conn,
            post["uri"].as_str().unwrap(),
        )
        .await
        .unwrap()
    })
    .await;
    let key = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let inbox = format!("{}/inbox", a.base_url);
    let send = |activity: Value| {
        let key = &key;
        let inbox = inbox.clone();
        let a = &a;
        let key_id = format!("{}#main-key", bob.uri);
        async move {
            let body = serde_json::to_vec(&activity).unwrap();
            let headers = signed_headers(key, &key_id, &inbox, &body, chrono::Utc::now());
            post_signed(a, &headers, body).await.status().as_u16()
        }
    };
    let add = json!({
        "id": format!("{}#pins/1", bob.uri),
        "type": "Add",
        "actor": bob.uri,
        "object": post["uri"],
        "target": format!("{}/collections/featured", bob.uri),
    });
    assert_eq!(send(add).await, 202);
    within("the pin on A", || async {
        let pinned = json_of(
            a.get(
                &format!("/api/v1/accounts/{bob_on_a_id}/statuses?pinned=true"),
                &alice_token,
            )
            .await,
        )
        .await;
        (pinned.as_array().unwrap().len() == 1).then_some(())
    })
    .await;

    // Bob moves to a new home that names him as an alias: alice follows the new account.
    let new_home = FakeRelay::start_as("Person", "bob", json!({ "alsoKnownAs": [bob.uri] })).await;
    let impostor = FakeRelay::start_as("Person", "mallory", json!({})).await;
    // A move to an account that does not name bob is ignored.
    let bad = json!({
        "id": format!("{}#moves/0", bob.uri),
        "type": "Move",
        "actor": bob.uri,
        "object": bob.uri,
        "target": format!("{}/actor", impostor.base),
    });
    assert_eq!(send(bad).await, 202);
    let good = json!({
        "id": format!("{}#moves/1", bob.uri),
        "type": "Move",
        "actor": bob.uri,
        "object": bob.uri,
        "target": format!("{}/actor", new_home.base),
    });
    assert_eq!(send(good).await, 202);
    let follow = within("alice's follow of the new account", || async {
        new_home.received("Follow").first().cloned()
    })
    .await;
    assert_eq!(follow["actor"], alice.uri.as_str());
    assert!(impostor.received("Follow").is_empty());
    // The old follow ends in the same job, possibly just after the new
    // Follow went out.
    within("alice's follow of the old account to end", || async {
        let rel = json_of(
            a.get(
                &format!("/api/v1/accounts/relationships?id[]={bob_on_a_id}"),
                &alice_token,
            )
            .await,
        )
        .await;
        (rel[0]["following"] == false).then_some(())
    })
    .await;
}

#[tokio::test]
async fn followers_are_synchronised_when_the_servers_disagree() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, _, dave_token) = local_user(&a.state, "dave").await;
    let (_, bob, bob_token) = local_user(&b.state, "bob").await;
    let b_domain = domain(&b);
    let mut bob_on_a_id = String::new();
    for token in [&alice_token, &dave_token] {
        let found = json_of(
            a.get(
                &format!("/api/v2/search?q=@bob@{b_domain}&resolve=true&type=accounts"),
                token,
            )
            .await,
        )
        .await;
        bob_on_a_id = found["accounts"][0]["id"].as_str().unwrap().to_owned();
        a.post_form(
            &format!("/api/v1/accounts/{bob_on_a_id}/follow"),
            token,
            &[],
        )
        .await;
    }
    let following = |token: String| {
        let a = &a;
        let id = bob_on_a_id.clone();
        async move {
            let rel = json_of(
                a.get(&format!("/api/v1/accounts/relationships?id[]={id}"), &token)
                    .await,
            )
            .await;
            rel[0]["following"] == true
        }
    };
    within("both follows", || async {
        (following(alice_token.clone()).await && following(dave_token.clone()).await).then_some(())
    })
    .await;

    // B forgets alice's follow (a lost Undo, a restored backup…).
    {
        let alice_on_b = {
            let mut conn = b.state.conn().await.unwrap();
            ferrodon_core::db::queries::accounts::get_account_by_acct(
                &mut conn,
                "alice",
                Some(&domain(&a)),
            )
            .await
            .unwrap()
        };
        let mut conn = b.state.conn().await.unwrap();
        assert!(ferrodon_core::db::queries::follows::delete_follow(
            &mut conn,
            AccountId::new(alice_on_b.id),
            AccountId::new(bob.id)
        )
        .await
        .unwrap());
    }
    // Bob's next followers-only post carries B's view; A notices and fixes its own.
    post_status(
        &b,
        &bob_token,
        &[("status", "followers only"), ("visibility", "private")],
    )
    .await;
    within("alice's stale follow to go", || async {
        (!following(alice_token.clone()).await).then_some(())
    })
    .await;
    assert!(following(dave_token.clone()).await);
}

#[tokio::test]
async fn custom_emojis_of_remote_posts_are_shown() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let note_id = format!("{}/statuses/emoji-1", bob.uri);
    let activity = json!({
        "id": format!("{note_id}/activity"),
        "type": "Create",
        "actor": bob.uri,
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": bob.uri,
            "content": "<p>hello :blobcat: <span class=\"h-card\">@alice</span></p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "tag": [
                { "type": "Emoji", "name": ":blobcat:", "id": format!("{}/emojis/1", b.base_url),
                  "icon": { "type": "Image", "mediaType": "image/png", "url": format!("{}/emoji/blobcat.png", b.base_url) } },
                { "type": "Mention", "href": alice.uri, "name": "@alice" },
                { "type": "Emoji", "name": ":bad code:", "icon": { "url": "javascript:alert(1)" } }
            ]
        }
    });
    assert_eq!(deliver_signed(&a, &bob, &activity).await, 202);
    let mention = within("the mention on A", || async {
        let notes = json_of(
            a.get("/api/v1/notifications?types[]=mention", &alice_token)
                .await,
        )
        .await;
        notes.as_array().unwrap().first().cloned()
    })
    .await;
    let emojis = mention["status"]["emojis"].as_array().unwrap().clone();
    assert_eq!(emojis.len(), 1, "{mention}");
    assert_eq!(emojis[0]["shortcode"], "blobcat");
    assert_eq!(
        emojis[0]["url"],
        format!("{}/emoji/blobcat.png", b.base_url)
    );
}

#[tokio::test]
async fn silenced_domains_stay_off_public_timelines() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, _, bob_token) = local_user(&b.state, "bob").await;
    let post = post_status(&b, &bob_token, &[("status", "Loud post")]).await;
    let uri = post["uri"].as_str().unwrap().to_owned();
    let found = json_of(
        a.get(
            &format!("/api/v2/search?q={uri}&resolve=true"),
            &alice_token,
        )
        .await,
    )
    .await;
    assert_eq!(found["statuses"].as_array().unwrap().len(), 1);
    let on_public = || async {
        let public = json_of(a.get("/api/v1/timelines/public", &alice_token).await).await;
        public
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == uri.as_str())
    };
    assert!(on_public().await);
    let out = a.ctl(&["domains", "block", &domain(&b), "--severity", "silence"]);
    assert!(out.contains("Silenced 1 accounts"), "{out}");
    assert!(!on_public().await);
    // Still reachable directly.
    let id = found["statuses"][0]["id"].as_str().unwrap();
    assert_eq!(
        a.get(&format!("/api/v1/statuses/{id}"), &alice_token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn deliveries_retry_with_rfc9421_and_rfc9421_deliveries_are_accepted() {
    let a = instance().await;
    let b = instance().await;
    // A peer that refuses draft-cavage gets the same activity signed with RFC 9421.
    let strict = FakeRelay::start_rfc9421_only().await;
    a.ctl(&["relays", "add", &format!("{}/inbox", strict.base)]);
    within("the follow, on the second try", || async {
        strict.received("Follow").first().cloned()
    })
    .await;
    assert_eq!(strict.refused.load(std::sync::atomic::Ordering::SeqCst), 1);

    // An RFC 9421 delivery to us is verified too.
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let key = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let inbox = format!("{}/inbox", a.base_url);
    let body = serde_json::to_vec(&json!({
        "id": format!("{}#follows/9421", bob.uri),
        "type": "Follow",
        "actor": bob.uri,
        "object": alice.uri,
    }))
    .unwrap();
    let key_id = format!("{}#main-key", bob.uri);
    let headers = Signer {
        key_id: &key_id,
        key: &key,
    }
    .sign(
        SignatureFormat::Rfc9421,
        "POST",
        &url::Url::parse(&inbox).unwrap(),
        Some(&body),
        chrono::Utc::now(),
    )
    .unwrap();
    assert!(headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Signature-Input")));
    assert_eq!(post_signed(&a, &headers, body).await.status(), 202);
}

#[tokio::test]
async fn rotated_keys_are_fetched_again() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let inbox = format!("{}/inbox", a.base_url);
    let follow = |n: u32| {
        serde_json::to_vec(&json!({
            "id": format!("{}#follows/rot{n}", bob.uri),
            "type": "Follow",
            "actor": bob.uri,
            "object": alice.uri,
        }))
        .unwrap()
    };
    let key_id = format!("{}#main-key", bob.uri);
    let old = PrivateKey::from_pem(bob.private_key.as_deref().unwrap()).unwrap();
    let body = follow(1);
    let headers = signed_headers(&old, &key_id, &inbox, &body, chrono::Utc::now());
    assert_eq!(post_signed(&a, &headers, body).await.status(), 202);

    // B rotates bob's key; A still has the old one stored.
    let fresh = ferrodon_core::apub::signatures::keys::generate_rsa_key_pair().unwrap();
    {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::accounts::dsl as acc;
        let mut conn = b.state.conn().await.unwrap();
        ferrodon_core::db::diesel::update(acc::accounts.find(bob.id))
            .set((
                acc::public_key.eq(&fresh.public_key_pem),
                acc::private_key.eq(Some(&fresh.private_key_pem)),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let new = PrivateKey::from_pem(&fresh.private_key_pem).unwrap();
    let body = follow(2);
    let headers = signed_headers(&new, &key_id, &inbox, &body, chrono::Utc::now());
    assert_eq!(post_signed(&a, &headers, body).await.status(), 202);
    // And the old key no longer works.
    let body = follow(3);
    let headers = signed_headers(&old, &key_id, &inbox, &body, chrono::Utc::now());
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);
}

#[tokio::test]
async fn remote_quotes_of_local_statuses_follow_the_quote_policy() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let open = post_status(&a, &alice_token, &[("status", "quote me")]).await;
    let closed = post_status(
        &a,
        &alice_token,
        &[("status", "not me"), ("quote_approval_policy", "nobody")],
    )
    .await;
    for (n, quoted) in [(1, &open), (2, &closed)] {
        let note_id = format!("{}/statuses/quote-{n}", bob.uri);
        let activity = json!({
            "id": format!("{note_id}/activity"),
            "type": "Create",
            "actor": bob.uri,
            "object": {
                "id": note_id,
                "type": "Note",
                "attributedTo": bob.uri,
                "content": "<p>look</p>",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "quote": quoted["uri"],
            }
        });
        assert_eq!(deliver_signed(&a, &bob, &activity).await, 202);
    }
    let quote = within("the quote notification on A", || async {
        let notes = json_of(
            a.get("/api/v1/notifications?types[]=quote", &alice_token)
                .await,
        )
        .await;
        notes.as_array().unwrap().first().cloned()
    })
    .await;
    let quoting = &quote["status"];
    assert_eq!(quoting["quote"]["state"], "accepted");
    assert_eq!(quoting["quote"]["quoted_status"]["id"], open["id"]);
    let open_id = open["id"].as_str().unwrap();
    let counted = json_of(
        a.get(&format!("/api/v1/statuses/{open_id}"), &alice_token)
            .await,
    )
    .await;
    assert_eq!(counted["quotes_count"], 1);

    // The quote of the `nobody` status stays pending: shown without it.
    let search = within("the second quote on A", || async {
        let notes = json_of(
            a.get(
                "/api/v1/timelines/public?local=false&remote=true",
                &alice_token,
            )
            .await,
        )
        .await;
        notes
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["uri"].as_str().is_some_and(|u| u.ends_with("quote-2")))
            .cloned()
    })
    .await;
    assert_eq!(search["quote"]["state"], "pending");
    assert!(search["quote"]["quoted_status"].is_null());
    let closed_id = closed["id"].as_str().unwrap();
    let uncounted = json_of(
        a.get(&format!("/api/v1/statuses/{closed_id}"), &alice_token)
            .await,
    )
    .await;
    assert_eq!(uncounted["quotes_count"], 0);
}
