//! Relay spoofing: an actor of any server that names a subscribed relay's
//! inbox as its own used to be taken for the relay (its announces fetched
//! into the federated timeline), and anyone who knew our relay Follow's id
//! could accept or reject it. The relay is its actor, on the relay's
//! server, and only it answers and announces.
use std::time::Duration;

use ferrodon_core::db::queries::relays;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::fake_service::{self, Reply};
use crate::federation::{instance, within};
use crate::hostile_federation::{deliver, stored_actor_at};

async fn relay_state(app: &TestApp) -> String {
    let mut conn = app.state.conn().await.unwrap();
    relays::list_relays(&mut conn).await.unwrap()[0]
        .state
        .clone()
}

fn body(activity: Value) -> Vec<u8> {
    serde_json::to_vec(&activity).unwrap()
}

#[tokio::test]
async fn only_the_relay_actor_answers_and_announces_for_the_relay() {
    let app = instance().await;
    // The relay's server takes deliveries; a content server counts fetches.
    let (relay, _relay_requests) =
        fake_service::start_replying(|_| Reply::json(202, "".into())).await;
    let (content, mut content_requests) =
        fake_service::start_replying(|_| Reply::json(404, "{}".into())).await;
    let relay_inbox = format!("{relay}/inbox");
    let subscription = ferrodon_core::federation::relays::add_relay(&app.state, &relay_inbox)
        .await
        .unwrap();
    let follow_id = subscription.follow_activity_id.clone();

    // Mallory, on another server, names the relay's inbox as her shared inbox.
    let (mallory, mallory_key) = stored_actor_at(&app, "https://evil.example", "mallory").await;
    {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::accounts::dsl as a;
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::diesel::update(a::accounts.filter(a::id.eq(mallory.id)))
            .set((
                a::shared_inbox_url.eq(&relay_inbox),
                a::inbox_url.eq(&relay_inbox),
            ))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let mallory_key_id = format!("{}#main-key", mallory.uri);
    // The relay's own actor, on the relay's server.
    let (relay_actor, relay_key) = stored_actor_at(&app, &relay, "relay").await;
    let relay_key_id = format!("{}#main-key", relay_actor.uri);

    // Mallory accepts our relay follow: nothing changes.
    let accept = |actor: &str, n: u32| {
        body(json!({
            "id": format!("{actor}/accepts/{n}"),
            "type": "Accept",
            "actor": actor,
            "object": follow_id,
        }))
    };
    assert_eq!(
        deliver(&app, &mallory_key, &mallory_key_id, accept(&mallory.uri, 1)).await,
        202
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(relay_state(&app).await, "pending");

    // The relay accepts.
    assert_eq!(
        deliver(&app, &relay_key, &relay_key_id, accept(&relay_actor.uri, 2)).await,
        202
    );
    within("the relay to be accepted", || async {
        (relay_state(&app).await == "accepted").then_some(())
    })
    .await;

    // Mallory rejects it: it stays accepted.
    let reject = body(json!({
        "id": format!("{}/rejects/1", mallory.uri),
        "type": "Reject",
        "actor": mallory.uri,
        "object": follow_id,
    }));
    assert_eq!(
        deliver(&app, &mallory_key, &mallory_key_id, reject).await,
        202
    );

    // Mallory "relays" a post: it is not fetched.
    let announce = |actor: &str, n: u32| {
        body(json!({
            "id": format!("{actor}/announces/{n}"),
            "type": "Announce",
            "actor": actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": format!("{content}/notes/{n}"),
        }))
    };
    assert_eq!(
        deliver(
            &app,
            &mallory_key,
            &mallory_key_id,
            announce(&mallory.uri, 1)
        )
        .await,
        202
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(relay_state(&app).await, "accepted");
    let fetched: Vec<String> = fake_service::drain(&mut content_requests)
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert!(fetched.is_empty(), "mallory's announce fetched {fetched:?}");

    // The relay's own announce is fetched.
    assert_eq!(
        deliver(
            &app,
            &relay_key,
            &relay_key_id,
            announce(&relay_actor.uri, 2)
        )
        .await,
        202
    );
    let fetched = fake_service::next(&mut content_requests).await;
    assert_eq!(fetched.path, "/notes/2");
}
