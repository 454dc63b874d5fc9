//! A scripted fediverse server on loopback: it serves the actors, notes and
//! collections a test puts in it (as `application/activity+json`, 404 for
//! anything else, 410 for what the test marks gone), takes any POST with a
//! 202, records every request, and signs deliveries as its actors.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::fake_service::{self, Received, Reply};

type Documents = Arc<Mutex<HashMap<String, (u16, String)>>>;

pub(crate) const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The server.
pub(crate) struct Peer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    documents: Documents,
    requests: mpsc::UnboundedReceiver<Received>,
}

/// One of its actors, with the key it signs with.
pub(crate) struct PeerActor {
    /// Its id.
    pub uri: String,
    key: PrivateKey,
}

impl Peer {
    pub(crate) async fn start() -> Peer {
        let documents: Documents = Arc::default();
        let served = documents.clone();
        let (base, requests) = fake_service::start_replying(move |req| {
            if req.method != "GET" {
                return Reply::json(202, String::new());
            }
            let path = req.path.split('?').next().unwrap_or_default();
            match served.lock().unwrap().get(path) {
                Some((status, body)) => {
                    Reply::typed(*status, "application/activity+json", body.clone())
                }
                None => Reply::json(404, "{}".into()),
            }
        })
        .await;
        Peer {
            base,
            documents,
            requests,
        }
    }

    fn path_of(&self, url: &str) -> String {
        url.strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("{url} is not on {}", self.base))
            .to_owned()
    }

    /// Serves `document` under its `id`.
    pub(crate) fn serve(&self, document: &Value) {
        let path = self.path_of(document["id"].as_str().unwrap());
        self.documents
            .lock()
            .unwrap()
            .insert(path, (200, document.to_string()));
    }

    /// Answers 410 Gone for `url` from now on.
    pub(crate) fn gone(&self, url: &str) {
        let path = self.path_of(url);
        self.documents
            .lock()
            .unwrap()
            .insert(path, (410, "{}".into()));
    }

    /// A new actor `username` at `/users/username`.
    pub(crate) fn actor(&self, username: &str) -> PeerActor {
        let key = PrivateKey::generate().unwrap();
        let uri = format!("{}/users/{username}", self.base);
        self.serve(&json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri,
            "type": "Person",
            "preferredUsername": username,
            "inbox": format!("{uri}/inbox"),
            "outbox": format!("{uri}/outbox"),
            "followers": format!("{uri}/followers"),
            "endpoints": {"sharedInbox": format!("{}/inbox", self.base)},
            "publicKey": {
                "id": format!("{uri}#main-key"),
                "owner": uri,
                "publicKeyPem": key.public_key_pem().unwrap(),
            },
        }));
        PeerActor { uri, key }
    }

    /// Serves a public note `n` by `author` (and its `replies` collection,
    /// listing `replies`); the note.
    pub(crate) fn note(
        &self,
        author: &PeerActor,
        n: u32,
        content: &str,
        in_reply_to: Option<&str>,
        replies: &[&str],
    ) -> Value {
        let id = format!("{}/notes/{n}", author.uri);
        let note = note_document(&id, &author.uri, content, in_reply_to);
        self.serve(&note);
        self.serve(&json!({
            "id": format!("{id}/replies"),
            "type": "Collection",
            "first": {
                "type": "CollectionPage",
                "partOf": format!("{id}/replies"),
                "items": replies,
            },
        }));
        note
    }

    /// The paths GET so far (since the last call, which also drops the
    /// deliveries received meanwhile).
    pub(crate) fn fetched(&mut self) -> Vec<String> {
        fake_service::drain(&mut self.requests)
            .into_iter()
            .filter(|r| r.method == "GET")
            .map(|r| r.path)
            .collect()
    }

    /// The activities POSTed to it so far (since the last call, which
    /// also drops the GETs received meanwhile).
    pub(crate) fn delivered(&mut self) -> Vec<Value> {
        fake_service::drain(&mut self.requests)
            .into_iter()
            .filter(|r| r.method == "POST")
            .filter_map(|r| serde_json::from_slice(&r.body).ok())
            .collect()
    }
}

/// A public note document.
pub(crate) fn note_document(
    id: &str,
    author: &str,
    content: &str,
    in_reply_to: Option<&str>,
) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "Note",
        "attributedTo": author,
        "content": content,
        "inReplyTo": in_reply_to,
        "to": [PUBLIC],
        "cc": [format!("{author}/followers")],
        "published": "2026-12-01T00:00:00Z",
        "replies": format!("{id}/replies"),
    })
}

/// An activity of `kind` by `actor` about `object`, numbered `n`.
pub(crate) fn activity(kind: &str, actor: &str, n: u32, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}/activities/{kind}/{n}"),
        "type": kind,
        "actor": actor,
        "to": [PUBLIC],
        "object": object,
    })
}

impl PeerActor {
    /// Signs `activity` as this actor and posts it to `app`'s shared
    /// inbox; the answer's status.
    pub(crate) async fn deliver(&self, app: &TestApp, activity: &Value) -> u16 {
        crate::hostile_federation::deliver(
            app,
            &self.key,
            &format!("{}#main-key", self.uri),
            serde_json::to_vec(activity).unwrap(),
        )
        .await
    }
}

/// Waits until `app`'s `ingress`, `pull` and `default` queues have nothing
/// due or running, twice in a row with no job finished in between: what
/// the deliveries and fetches so far caused is done (jobs enqueue what
/// they cause before they finish, and a job finishing between two reads
/// shows in the second).
pub(crate) async fn settled(app: &TestApp) {
    use ferrodon_core::jobs::queue::stats;
    use ferrodon_core::jobs::Queue;
    let snapshot = || async {
        let mut done = Vec::new();
        for queue in [Queue::Ingress, Queue::Pull, Queue::Default] {
            let s = stats(&app.state, queue).await.ok()?;
            if s.pending > 0 || s.running > 0 {
                return None;
            }
            done.push(s.done);
        }
        Some(done)
    };
    crate::federation::within("the queues to settle", || async {
        let first = snapshot().await?;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        (snapshot().await? == first).then_some(())
    })
    .await;
}

/// The stored status with ActivityPub id `uri`, if any.
pub(crate) async fn stored(app: &TestApp, uri: &str) -> Option<ferrodon_core::db::models::Status> {
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::queries::statuses::find_status_by_uri(&mut conn, uri)
        .await
        .unwrap()
}
