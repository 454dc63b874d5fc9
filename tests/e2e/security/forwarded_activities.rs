//! Forwarded activities as a way in: a delivery whose signer is not its
//! actor is accepted for a `Create`, `Update` or `Delete` of a post only
//! as a request to fetch the post from its own server. A forwarder cannot
//! store its own version of someone's post, attribute a post to another
//! author, aim our fetches at loopback, or bring in posts of a suspended
//! server; every other forwarded activity is refused with 401.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::json;

use crate::federation::peer::{activity, note_document, settled, stored, Peer};
use crate::federation::{instance, json_of};
use crate::hostile_federation::{deliver, stored_actor_at};

/// Posts a status as the token's owner; its `uri`.
async fn post(app: &TestApp, token: &str) -> String {
    json_of(
        app.post_form("/api/v1/statuses", token, &[("status", "Hello")])
            .await,
    )
    .await["uri"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn forwarders_cannot_put_words_in_anyones_mouth() {
    let a = instance().await;
    let (_, alice, token) = local_user(&a.state, "alice").await;
    let post_uri = post(&a, &token).await;
    let origin = Peer::start().await;
    let forwarder = Peer::start().await;
    let bob = origin.actor("bob");
    let eve = origin.actor("eve");
    let mallory = forwarder.actor("mallory");

    // A reply its origin does not serve (404).
    let ghost = format!("{}/notes/404", bob.uri);
    let create = |n: u32, id: &str, author: &str| {
        activity(
            "Create",
            &bob.uri,
            n,
            note_document(id, author, "<p>Forged</p>", Some(&post_uri)),
        )
    };
    assert_eq!(mallory.deliver(&a, &create(1, &ghost, &bob.uri)).await, 202);
    // A post its origin attributes to someone else than the actor.
    let eves = format!("{}/notes/2", bob.uri);
    origin.serve(&note_document(
        &eves,
        &eve.uri,
        "<p>Eve</p>",
        Some(&post_uri),
    ));
    assert_eq!(mallory.deliver(&a, &create(2, &eves, &bob.uri)).await, 202);
    // An object on the forwarder's own server, claimed to be Bob's: refused.
    let own = format!("{}/notes/3", forwarder.base);
    assert_eq!(mallory.deliver(&a, &create(3, &own, &bob.uri)).await, 401);
    // An edit of Alice's post, claimed to be by Bob: refused.
    let edit = activity(
        "Update",
        &bob.uri,
        4,
        note_document(&post_uri, &bob.uri, "<p>Forged</p>", None),
    );
    assert_eq!(mallory.deliver(&a, &edit).await, 401);
    // Anything but a post's Create, Update or Delete stays refused.
    let follow = activity("Follow", &bob.uri, 5, json!(alice.uri));
    assert_eq!(mallory.deliver(&a, &follow).await, 401);
    let like = activity("Like", &bob.uri, 6, json!(post_uri));
    assert_eq!(mallory.deliver(&a, &like).await, 401);
    let profile = activity(
        "Update",
        &bob.uri,
        7,
        json!({"id": bob.uri, "type": "Person"}),
    );
    assert_eq!(mallory.deliver(&a, &profile).await, 401);

    settled(&a).await;
    for uri in [&ghost, &eves, &own] {
        assert!(stored(&a, uri).await.is_none(), "{uri} was stored");
    }
    let mine = stored(&a, &post_uri).await.unwrap();
    assert!(mine.content.contains("Hello"), "{}", mine.content);
    assert_eq!(mine.favourites_count, 0);
    assert_eq!(mine.replies_count, 0);
}

#[tokio::test]
async fn forwarded_objects_on_loopback_are_not_fetched() {
    // The development allowance for private addresses is off here.
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let post_uri = post(&app, &token).await;
    let mut peer = Peer::start().await;
    // Both actors are known already, so that nothing but the object
    // would be fetched.
    let (bob, _) = stored_actor_at(&app, &peer.base, "bob").await;
    let (forwarder, key) = stored_actor_at(&app, "https://forwarder.example", "f").await;
    let reply_id = format!("{}/notes/1", bob.uri);
    let reply = note_document(&reply_id, &bob.uri, "<p>Hi</p>", Some(&post_uri));
    peer.serve(&reply);
    let body = serde_json::to_vec(&activity("Create", &bob.uri, 1, reply)).unwrap();
    let key_id = format!("{}#main-key", forwarder.uri);
    assert_eq!(deliver(&app, &key, &key_id, body).await, 202);
    settled(&app).await;
    assert!(stored(&app, &reply_id).await.is_none());
    let fetched = peer.fetched();
    assert!(fetched.is_empty(), "fetched from loopback: {fetched:?}");
}

#[tokio::test]
async fn forwarded_posts_of_suspended_servers_are_not_fetched() {
    let a = instance().await;
    let (_, _, token) = local_user(&a.state, "alice").await;
    let post_uri = post(&a, &token).await;
    let mut origin = Peer::start().await;
    let forwarder = Peer::start().await;
    let bob = origin.actor("bob");
    let carol = forwarder.actor("carol");
    let reply = origin.note(&bob, 1, "<p>Hi</p>", Some(&post_uri), &[]);
    let origin_domain = origin.base.trim_start_matches("http://").to_owned();
    a.ctl(&["domains", "block", &origin_domain, "--severity", "suspend"]);
    assert!(a.ctl(&["domains", "list"]).contains(&origin_domain));
    origin.fetched();

    let create = activity("Create", &bob.uri, 1, reply);
    assert_eq!(carol.deliver(&a, &create).await, 202);
    settled(&a).await;
    assert!(stored(&a, &format!("{}/notes/1", bob.uri)).await.is_none());
    let fetched = origin.fetched();
    assert!(
        fetched.is_empty(),
        "fetched from a suspended server: {fetched:?}"
    );
}
