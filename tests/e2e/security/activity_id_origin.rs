//! Activities whose id is on another server: an `Announce` whose id is a
//! victim server's status URI would squat that URI (the victim's real
//! `Create` then dropped as known, its `Delete` refused as someone
//! else's); a `Follow` under another server's id likewise. Every stored
//! activity id must be on the signer's own server.
use ferrodon_core::db::AccountId;
use std::time::Duration;

use ferrodon_testkit::factories::local_user;
use serde_json::json;

use crate::federation::{instance, json_of, within};
use crate::hostile_federation::{create_note, deliver, note, stored_actor_at};

#[tokio::test]
async fn activity_ids_of_another_server_are_not_stored() {
    let app = instance().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let posted = json_of(
        app.post_form("/api/v1/statuses", &token, &[("status", "boost me")])
            .await,
    )
    .await;
    let (mallory, mallory_key) = stored_actor_at(&app, "https://evil.example", "mallory").await;
    let (bob, bob_key) = stored_actor_at(&app, "https://victim.example", "bob").await;
    let mallory_key_id = format!("{}#main-key", mallory.uri);
    let bob_key_id = format!("{}#main-key", bob.uri);

    // Mallory announces alice's post under the id of bob's next status,
    // and follows alice under the id of bob's next follow.
    let victim_status = format!("{}/statuses/1", bob.uri);
    let victim_follow = format!("{}#follows/1", bob.uri);
    let announce = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": victim_status,
        "type": "Announce",
        "actor": mallory.uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": posted["uri"],
    }))
    .unwrap();
    assert_eq!(
        deliver(&app, &mallory_key, &mallory_key_id, announce).await,
        202
    );
    let follow = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": victim_follow,
        "type": "Follow",
        "actor": mallory.uri,
        "object": alice.uri,
    }))
    .unwrap();
    assert_eq!(
        deliver(&app, &mallory_key, &mallory_key_id, follow).await,
        202
    );
    // Let the worker take both before the genuine activities arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Bob's real status and follow arrive: both are stored as his.
    let create = create_note(
        &bob.uri,
        note(&victim_status, &bob.uri, "<p>my own status</p>"),
    );
    assert_eq!(deliver(&app, &bob_key, &bob_key_id, create).await, 202);
    let follow = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": victim_follow,
        "type": "Follow",
        "actor": bob.uri,
        "object": alice.uri,
    }))
    .unwrap();
    assert_eq!(deliver(&app, &bob_key, &bob_key_id, follow).await, 202);

    let status = within("bob's status under its own URI", || async {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::statuses::find_status_by_uri(&mut conn, &victim_status)
            .await
            .unwrap()
            .filter(|s| s.account_id == bob.id)
    })
    .await;
    assert_eq!(status.reblog_of_id, None);
    within("bob's follow", || async {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::follows::get_follow(
            &mut conn,
            AccountId::new(bob.id),
            AccountId::new(alice.id),
        )
        .await
        .unwrap()
    })
    .await;
    let mut conn = app.state.conn().await.unwrap();
    let mallory_follows = ferrodon_core::db::queries::follows::get_follow(
        &mut conn,
        AccountId::new(mallory.id),
        AccountId::new(alice.id),
    )
    .await
    .unwrap();
    assert!(mallory_follows.is_none(), "a follow under bob's id");
    drop(conn);

    // Bob can delete his status: it is his.
    let delete = serde_json::to_vec(&json!({
        "id": format!("{victim_status}#delete"),
        "type": "Delete",
        "actor": bob.uri,
        "object": victim_status,
    }))
    .unwrap();
    assert_eq!(deliver(&app, &bob_key, &bob_key_id, delete).await, 202);
    within("the deletion", || async {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::statuses::find_status_by_uri(&mut conn, &victim_status)
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
}
