//! The inbox as a fetch amplifier: a POST with a well-formed but forged
//! signature makes the server fetch the key it names, from a host of the
//! sender's choosing, and fetch it again when the signature fails. Failed
//! key fetches are remembered, a host whose fetches fail is left alone for
//! a while, and each remote domain has a budget of key fetches.
use std::time::Duration;

use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::json;

use crate::fake_service::{self, Reply};
use crate::federation::{post_signed, signed_headers};

/// Posts a Follow by `actor`, signed by a key nobody publishes, to `app`;
/// the answer's status.
async fn forged_delivery(app: &TestApp, actor: &str, target: &str) -> u16 {
    let body = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#follow"),
        "type": "Follow",
        "actor": actor,
        "object": target,
    }))
    .unwrap();
    let forger = PrivateKey::generate().unwrap();
    let headers = signed_headers(
        &forger,
        &format!("{actor}#main-key"),
        &format!("{}/inbox", app.base_url),
        &body,
        chrono::Utc::now(),
    );
    post_signed(app, &headers, body).await.status().as_u16()
}

/// An actor document for the URL `id`, with a key of its own.
fn actor_doc(id: &str) -> String {
    let pem = PrivateKey::generate().unwrap().public_key_pem().unwrap();
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": id.rsplit('/').next().unwrap(),
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
    })
    .to_string()
}

#[tokio::test]
async fn forged_deliveries_make_a_bounded_number_of_fetches() {
    let app = TestApp::spawn_with(&[
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
        ("FERRODON_KEY_FETCH_BUDGET", "5"),
    ])
    .await;
    let (_, alice, _) = local_user(&app.state, "alice").await;

    // A host that serves an actor for every URL (none of whose keys signed
    // anything): forty deliveries from forty actors.
    let (host, mut host_requests) = fake_service::start_replying(|req| {
        let base = format!("http://{}", req.header("host").unwrap());
        let id = format!("{base}{}", req.path);
        Reply::typed(200, "application/activity+json", actor_doc(&id))
    })
    .await;
    for n in 0..40 {
        let status = forged_delivery(&app, &format!("{host}/users/a{n}"), &alice.uri).await;
        assert!(status == 401 || status == 503, "{status}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fetched = fake_service::drain(&mut host_requests).len();
    assert!(
        fetched <= 5,
        "{fetched} fetches from one domain for 40 forged deliveries (budget 5)"
    );

    // A host that fails every request: the same key twenty times, then
    // twenty different keys.
    let (failing, mut failing_requests) =
        fake_service::start_replying(|_| Reply::json(500, "{}".into())).await;
    for n in 0..40 {
        let actor = if n < 20 {
            format!("{failing}/users/same")
        } else {
            format!("{failing}/users/u{n}")
        };
        let status = forged_delivery(&app, &actor, &alice.uri).await;
        assert!(status == 401 || status == 503, "{status}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fetched = fake_service::drain(&mut failing_requests).len();
    assert!(
        fetched <= 3,
        "{fetched} fetches from a failing host for 40 forged deliveries"
    );

    // Nothing was followed, and the server still serves.
    let resp = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let mut conn = app.state.conn().await.unwrap();
    let alice_now = ferrodon_core::db::queries::accounts::get_account_by_id(&mut conn, alice.id)
        .await
        .unwrap();
    assert_eq!(alice_now.followers_count, 0);
}

/// GoToSocial names keys without a fragment (`…/users/g/main-key`), served
/// as a key document naming its owner: deliveries signed so are accepted,
/// and the key's owner is remembered, so later deliveries fetch nothing.
#[tokio::test]
async fn keys_without_a_fragment_are_fetched_once() {
    let app = crate::federation::instance().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let key = PrivateKey::generate().unwrap();
    let pem = key.public_key_pem().unwrap();
    let (host, mut requests) = fake_service::start_replying(move |req| {
        let base = format!("http://{}", req.header("host").unwrap());
        let actor = format!("{base}/users/g");
        let key_id = format!("{actor}/main-key");
        let public_key = json!({"id": key_id, "owner": actor, "publicKeyPem": pem});
        let body = match req.path.as_str() {
            "/users/g" => json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": actor,
                "type": "Person",
                "preferredUsername": "g",
                "inbox": format!("{actor}/inbox"),
                "publicKey": public_key,
            }),
            "/users/g/main-key" => public_key,
            _ => return Reply::json(404, "{}".into()),
        };
        Reply::typed(200, "application/activity+json", body.to_string())
    })
    .await;
    let actor = format!("{host}/users/g");
    let deliver = |n: u32| {
        let body = serde_json::to_vec(&json!({
            "id": format!("{actor}/follows/{n}"),
            "type": "Follow",
            "actor": actor,
            "object": alice.uri,
        }))
        .unwrap();
        let headers = signed_headers(
            &key,
            &format!("{actor}/main-key"),
            &format!("{}/inbox", app.base_url),
            &body,
            chrono::Utc::now(),
        );
        (headers, body)
    };
    let (headers, body) = deliver(1);
    assert_eq!(post_signed(&app, &headers, body).await.status(), 202);
    let first: Vec<String> = fake_service::drain(&mut requests)
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert!(first.contains(&"/users/g/main-key".to_owned()), "{first:?}");
    let (headers, body) = deliver(2);
    assert_eq!(post_signed(&app, &headers, body).await.status(), 202);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // (The Accepts of the follows are POSTed to its inbox meanwhile.)
    let again: Vec<String> = fake_service::drain(&mut requests)
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    assert!(again.is_empty(), "fetched again: {again:?}");
}
