//! Forwarded and relayed activities (issue 19, items 2 and 3): Mastodon
//! forwards a reply to the followers of the thread's author, signed by the
//! thread author's server; relays without CreateAsAnnounce forward the raw
//! `Create`, signed by the relay. Neither signer is the actor: the object
//! is fetched from its own server, and that server's version is stored.
use ferrodon_testkit::factories::local_user;
use serde_json::json;

use super::peer::{activity, note_document, settled, stored, Peer};
use super::{instance, json_of, within, FakeRelay};

#[tokio::test]
async fn forwarded_replies_are_taken_from_their_origin() {
    let a = instance().await;
    let (_, _, token) = local_user(&a.state, "alice").await;
    let post = json_of(
        a.post_form("/api/v1/statuses", &token, &[("status", "Hello")])
            .await,
    )
    .await;
    let post_uri = post["uri"].as_str().unwrap();
    // Bob answers on his server; Carol's server forwards it to us.
    let origin = Peer::start().await;
    let forwarder = Peer::start().await;
    let bob = origin.actor("bob");
    let carol = forwarder.actor("carol");
    let reply_id = format!("{}/notes/1", bob.uri);
    origin.note(&bob, 1, "<p>Bob replies</p>", Some(post_uri), &[]);
    let forged = |content: &str| note_document(&reply_id, &bob.uri, content, Some(post_uri));

    let create = activity("Create", &bob.uri, 1, forged("<p>Forged by Carol</p>"));
    assert_eq!(carol.deliver(&a, &create).await, 202);
    settled(&a).await;
    let reply = stored(&a, &reply_id).await.expect("the forwarded reply");
    assert_eq!(reply.content, "<p>Bob replies</p>");
    assert_eq!(
        reply.in_reply_to_id.map(|id| id.to_string()),
        Some(post["id"].as_str().unwrap().to_owned())
    );
    let context = json_of(
        a.get(
            &format!("/api/v1/statuses/{}/context", post["id"].as_str().unwrap()),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(context["descendants"][0]["content"], "<p>Bob replies</p>");
    let shown = json_of(
        a.get(
            &format!("/api/v1/statuses/{}", post["id"].as_str().unwrap()),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(shown["replies_count"], 1);

    // An edit, forwarded: the origin's version is applied.
    origin.note(&bob, 1, "<p>Bob replies, edited</p>", Some(post_uri), &[]);
    let update = activity("Update", &bob.uri, 2, forged("<p>Carol edits</p>"));
    assert_eq!(carol.deliver(&a, &update).await, 202);
    settled(&a).await;
    let reply = stored(&a, &reply_id).await.unwrap();
    assert_eq!(reply.content, "<p>Bob replies, edited</p>");

    // A Delete forwarded while the origin still serves the reply: kept.
    let delete = activity("Delete", &bob.uri, 3, json!(reply_id));
    assert_eq!(carol.deliver(&a, &delete).await, 202);
    settled(&a).await;
    assert!(stored(&a, &reply_id).await.is_some());

    // Once the origin says it is gone, a forwarded Delete removes it.
    origin.gone(&reply_id);
    let tombstone = json!({"id": reply_id, "type": "Tombstone"});
    let delete = activity("Delete", &bob.uri, 4, tombstone);
    assert_eq!(carol.deliver(&a, &delete).await, 202);
    settled(&a).await;
    assert!(stored(&a, &reply_id).await.is_none());
}

#[tokio::test]
async fn a_relay_forwarding_raw_creates_fills_the_federated_timeline() {
    let a = instance().await;
    let (_, _, token) = local_user(&a.state, "alice").await;
    let relay = FakeRelay::start().await;
    a.ctl(&["relays", "add", &format!("{}/inbox", relay.base)]);
    let follow = within("the relay follow", || async {
        relay.received("Follow").first().cloned()
    })
    .await;
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

    // A post by someone nobody here follows, forwarded as the author's own
    // Create (Activity-Relay without CreateAsAnnounce, LitePub relays).
    let origin = Peer::start().await;
    let dave = origin.actor("dave");
    let post_id = format!("{}/notes/7", dave.uri);
    origin.note(&dave, 7, "<p>Relayed to the world</p>", None, &[]);
    let forwarded = note_document(&post_id, &dave.uri, "<p>Changed on the way</p>", None);
    assert_eq!(
        relay
            .deliver(&a, activity("Create", &dave.uri, 7, forwarded))
            .await,
        202
    );
    settled(&a).await;
    let public = json_of(a.get("/api/v1/timelines/public?remote=true", &token).await).await;
    let shown: Vec<_> = public
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["uri"] == post_id)
        .collect();
    assert_eq!(shown.len(), 1, "{public}");
    assert_eq!(shown[0]["content"], "<p>Relayed to the world</p>");
}
