//! Remote `url` values with other schemes than http(s): an actor's
//! profile URL, a status's URL and an attachment's URL of `javascript:`
//! or `data:` would be stored and handed to clients, which render them as
//! links. Only http(s) URLs are taken from ActivityPub documents.
use ferrodon_testkit::factories::local_user;
use serde_json::{json, Value};

use crate::federation::{instance, json_of, within};
use crate::hostile_federation::{create_note, deliver, note, stored_actor_at};

const HOSTILE: [&str; 3] = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
];

fn assert_no_hostile_scheme(what: &str, value: &Value) {
    let text = value.to_string().to_ascii_lowercase();
    assert!(
        !text.contains("javascript:") && !text.contains("data:text"),
        "{what}: {value}"
    );
}

#[tokio::test]
async fn urls_of_other_schemes_are_not_stored() {
    let app = instance().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let (mallory, key) = stored_actor_at(&app, "https://remote.example", "mallory").await;
    let key_id = format!("{}#main-key", mallory.uri);

    // A profile whose URL is a script.
    let update = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#updates/1", mallory.uri),
        "type": "Update",
        "actor": mallory.uri,
        "object": {
            "id": mallory.uri,
            "type": "Person",
            "preferredUsername": "mallory",
            "name": "Mallory Updated",
            "inbox": format!("{}/inbox", mallory.uri),
            "url": HOSTILE[0],
            "publicKey": {
                "id": key_id,
                "owner": mallory.uri,
                "publicKeyPem": mallory.public_key,
            },
        },
    }))
    .unwrap();
    assert_eq!(deliver(&app, &key, &key_id, update).await, 202);

    // A status whose URL and attachments are scripts.
    let id = format!("{}/statuses/1", mallory.uri);
    let mut hostile = note(&id, &mallory.uri, "<p>click the picture</p>");
    hostile["url"] = json!(HOSTILE[1]);
    hostile["attachment"] = json!([
        {"type": "Document", "mediaType": "image/png", "url": HOSTILE[0]},
        {"type": "Document", "mediaType": "image/png", "url": {"type": "Link", "href": HOSTILE[2]}},
        {"type": "Document", "mediaType": "image/png", "url": "https://remote.example/ok.png"},
    ]);
    let create = create_note(&mallory.uri, hostile);
    assert_eq!(deliver(&app, &key, &key_id, create).await, 202);

    let status = within("the status", || async {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::statuses::find_status_by_uri(&mut conn, &id)
            .await
            .unwrap()
    })
    .await;
    let account = within("the profile update", || async {
        let mut conn = app.state.conn().await.unwrap();
        let account =
            ferrodon_core::db::queries::accounts::get_account_by_id(&mut conn, mallory.id)
                .await
                .unwrap();
        (account.display_name == "Mallory Updated").then_some(account)
    })
    .await;
    assert!(
        account
            .url
            .as_deref()
            .is_none_or(|u| u.starts_with("https://")),
        "{:?}",
        account.url
    );
    assert!(
        status
            .url
            .as_deref()
            .is_none_or(|u| u.starts_with("https://")),
        "{:?}",
        status.url
    );

    // What clients get: no link of another scheme anywhere, and the one
    // genuine attachment.
    let rendered = json_of(
        app.get(&format!("/api/v1/statuses/{}", status.id), &token)
            .await,
    )
    .await;
    assert_no_hostile_scheme("the status", &rendered);
    let media = rendered["media_attachments"].as_array().unwrap();
    assert_eq!(media.len(), 1, "{rendered}");
    let profile = json_of(
        app.get(&format!("/api/v1/accounts/{}", mallory.id), &token)
            .await,
    )
    .await;
    assert_no_hostile_scheme("the account", &profile);
}
