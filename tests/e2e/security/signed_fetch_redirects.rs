//! Domain impersonation through fetched documents (Mastodon's
//! CVE-2024-23832 class): a JSON file someone uploaded to a server, served
//! with a type that is not ActivityPub's, and a document served by one
//! server after a redirect from another, must never become an actor of the
//! server whose URL was asked for.
use std::sync::{Arc, OnceLock};

use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::fake_service::{self, Reply};
use crate::federation::instance;

const AP: &str = "application/activity+json";

/// An actor document with id `id`.
fn actor_doc(id: &str, username: &str) -> String {
    let pem = PrivateKey::generate().unwrap().public_key_pem().unwrap();
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": username,
        "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
    })
    .to_string()
}

/// Searches `q` with `resolve=true`; the accounts found.
async fn resolve(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let resp = app
        .client
        .get(app.url("/api/v2/search"))
        .query(&[("q", q), ("resolve", "true"), ("type", "accounts")])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{q}");
    let found: Value = resp.json().await.unwrap();
    found["accounts"].as_array().cloned().unwrap_or_default()
}

async fn stored(app: &TestApp, uri: &str) -> bool {
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::queries::accounts::get_account_by_uri(&mut conn, uri)
        .await
        .is_ok()
}

#[tokio::test]
async fn uploaded_json_and_redirected_documents_do_not_become_actors() {
    let app = instance().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    // The attacker's server: whatever it is asked, an actor that claims
    // to be victim's `ceo`.
    let victim_base: Arc<OnceLock<String>> = Arc::default();
    let claimed = victim_base.clone();
    let (attacker, _attacker_requests) = fake_service::start_replying(move |_| {
        let victim = claimed.get().unwrap();
        Reply::typed(200, AP, actor_doc(&format!("{victim}/users/ceo"), "ceo"))
    })
    .await;

    // The victim: a server whose users upload files (served as what they
    // are, not as ActivityPub), one of whose URLs redirects anywhere (an
    // open redirect, a link shortener), and one genuine actor.
    let uploads = victim_base.clone();
    let to_attacker = attacker.clone();
    let (victim, _victim_requests) = fake_service::start_replying(move |req| {
        let victim = uploads.get().unwrap();
        match req.path.as_str() {
            "/media/upload.json" => Reply::typed(
                200,
                "application/json",
                actor_doc(&format!("{victim}/media/upload.json"), "admin"),
            ),
            "/media/upload.txt" => Reply::typed(
                200,
                "text/plain",
                actor_doc(&format!("{victim}/media/upload.txt"), "support"),
            ),
            "/go" => Reply::redirect(&format!("{to_attacker}/actor")),
            "/users/real" | "/@real" => {
                Reply::typed(200, AP, actor_doc(&format!("{victim}/users/real"), "real"))
            }
            _ => Reply::json(404, "{}".into()),
        }
    })
    .await;
    victim_base.set(victim.clone()).unwrap();

    // A URL of the victim that redirects to the attacker, who answers
    // with an actor of the victim's: the answer came from the attacker,
    // and the victim does not serve that actor.
    let found = resolve(&app, &token, &format!("{victim}/go")).await;
    assert!(found.is_empty(), "{found:?}");
    let ceo = format!("{victim}/users/ceo");
    assert!(!stored(&app, &ceo).await, "{ceo} impersonated");

    // The uploads are not ActivityPub documents, whatever they contain.
    for upload in ["/media/upload.json", "/media/upload.txt"] {
        let url = format!("{victim}{upload}");
        let found = resolve(&app, &token, &url).await;
        assert!(found.is_empty(), "{url}: {found:?}");
        assert!(!stored(&app, &url).await, "{url} became an actor");
    }

    // The victim's genuine actor resolves, also from its profile URL (a
    // document whose id is not the URL asked: fetched again by its id).
    let found = resolve(&app, &token, &format!("{victim}/@real")).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(stored(&app, &format!("{victim}/users/real")).await);
}
