//! Hostile federation input against the real inbox and worker: forged,
//! replayed and misattributed signatures, objects claiming another
//! server's id, oversized, deeply nested and malformed documents, hostile
//! HTML, server-side fetches aimed at loopback, and peers that trickle
//! their bytes. Each is refused with its status, leaves nothing in the
//! database, and the server and worker go on serving.
use std::time::{Duration, Instant};

use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_core::db::models::{Account, NewAccount};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fake_service;
use crate::federation::{instance, post_signed, signed_headers, within};

/// Every status URI stored on `app`.
pub(crate) async fn status_uris(app: &TestApp) -> Vec<String> {
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    use ferrodon_core::db::schema::statuses::dsl as s;
    let mut conn = app.state.conn().await.unwrap();
    s::statuses.select(s::uri).load(&mut conn).await.unwrap()
}

/// How many follow rows `app` has.
async fn follow_count(app: &TestApp) -> i64 {
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::schema::follows::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

/// `/health` answers 200 within two seconds.
async fn assert_serving(app: &TestApp) {
    let resp = tokio::time::timeout(
        Duration::from_secs(2),
        app.client.get(app.url("/health")).send(),
    )
    .await
    .expect("health within 2 s")
    .unwrap();
    assert_eq!(resp.status(), 200);
}

/// `sender`'s signing key and key id.
pub(crate) fn key_of(sender: &Account) -> (PrivateKey, String) {
    (
        PrivateKey::from_pem(sender.private_key.as_deref().unwrap()).unwrap(),
        format!("{}#main-key", sender.uri),
    )
}

/// Signs `activity` for `app`'s shared inbox now and posts it; the status.
pub(crate) async fn deliver(app: &TestApp, key: &PrivateKey, key_id: &str, body: Vec<u8>) -> u16 {
    let inbox = format!("{}/inbox", app.base_url);
    let headers = signed_headers(key, key_id, &inbox, &body, chrono::Utc::now());
    post_signed(app, &headers, body).await.status().as_u16()
}

/// A Follow of `target` by `actor`, numbered `n`.
pub(crate) fn follow_body(actor: &str, n: u32, target: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#follows/{n}"),
        "type": "Follow",
        "actor": actor,
        "object": target,
    }))
    .unwrap()
}

pub(crate) fn create_note(actor: &str, note: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activity", note["id"].as_str().unwrap()),
        "type": "Create",
        "actor": actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": note,
    }))
    .unwrap()
}

pub(crate) fn note(id: &str, author: &str, content: &str) -> Value {
    json!({
        "id": id,
        "type": "Note",
        "attributedTo": author,
        "content": content,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "published": "2026-01-01T00:00:00Z",
    })
}

/// The same draft-cavage `Signature` header, its parameters reversed and
/// spaced out: the signature bytes are unchanged.
fn respaced(signature: &str) -> String {
    let mut parts: Vec<&str> = signature.split(',').map(str::trim).collect();
    parts.reverse();
    parts.join(" , ")
}

#[tokio::test]
async fn forged_replayed_and_misattributed_signatures_store_nothing() {
    let a = TestApp::spawn_with(&[
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let b = instance().await;
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let (_, carol, _) = local_user(&b.state, "carol").await;
    let (key, key_id) = key_of(&bob);
    let inbox = format!("{}/inbox", a.base_url);
    let follow = |n: u32| follow_body(&bob.uri, n, &alice.uri);
    let now = chrono::Utc::now();

    // Signed with bob's key but naming carol's key: carol's key does not
    // verify it (even after a refetch).
    let body = follow(1);
    let headers = signed_headers(&key, &format!("{}#main-key", carol.uri), &inbox, &body, now);
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // A forged signature: the right key id, random signature bytes.
    let body = follow(2);
    let mut headers = signed_headers(&key, &key_id, &inbox, &body, now);
    for (name, value) in &mut headers {
        if *name == "Signature" {
            let start = value.find("signature=\"").unwrap() + "signature=\"".len();
            let end = start + value[start..].find('"').unwrap();
            value.replace_range(start..end, &"QUJD".repeat(86));
        }
    }
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // A genuine delivery dated 50 minutes ahead (inside the hour of clock
    // skew) is accepted once; the same signature again is a replay, even
    // with the header's parameters reordered and respaced.
    let body = follow(3);
    let headers = signed_headers(
        &key,
        &key_id,
        &inbox,
        &body,
        now + chrono::Duration::minutes(50),
    );
    assert_eq!(post_signed(&a, &headers, body.clone()).await.status(), 202);
    let replayed: Vec<(&'static str, String)> = headers
        .iter()
        .map(|(name, value)| match *name {
            "Signature" => (*name, respaced(value)),
            _ => (*name, value.clone()),
        })
        .collect();
    let resp = post_signed(&a, &replayed, body.clone()).await;
    assert_eq!(resp.status(), 401);
    let error: Value = resp.json().await.unwrap();
    assert!(
        error["error"].as_str().unwrap().contains("replayed"),
        "{error}"
    );
    assert_eq!(post_signed(&a, &headers, body).await.status(), 401);

    // Dated more than an hour ahead, or more than 65 minutes ago.
    for skew in [
        chrono::Duration::minutes(61),
        chrono::Duration::minutes(-66),
    ] {
        let body = follow(4);
        let headers = signed_headers(&key, &key_id, &inbox, &body, now + skew);
        let resp = post_signed(&a, &headers, body).await;
        assert_eq!(resp.status(), 401, "{skew}");
        let error: Value = resp.json().await.unwrap();
        assert!(
            error["error"].as_str().unwrap().contains("time window"),
            "{error}"
        );
    }

    // Signed by bob, acting as carol.
    let body = serde_json::to_vec(&json!({
        "id": format!("{}#follows/5", carol.uri),
        "type": "Follow",
        "actor": carol.uri,
        "object": alice.uri,
    }))
    .unwrap();
    assert_eq!(deliver(&a, &key, &key_id, body).await, 401);

    // Objects that claim another server's id, or another author, are
    // queued (the signature is fine) but the worker stores neither.
    let foreign = "https://victim.example/notes/1";
    let body = create_note(&bob.uri, note(foreign, &bob.uri, "<p>not yours</p>"));
    assert_eq!(deliver(&a, &key, &key_id, body).await, 202);
    let as_carol = format!("{}/notes/by-carol", b.base_url);
    let body = create_note(&bob.uri, note(&as_carol, &carol.uri, "<p>I am carol</p>"));
    assert_eq!(deliver(&a, &key, &key_id, body).await, 202);

    // The worker is still healthy: a genuine note after them is stored.
    let genuine = format!("{}/notes/genuine", b.base_url);
    let body = create_note(&bob.uri, note(&genuine, &bob.uri, "<p>hello</p>"));
    assert_eq!(deliver(&a, &key, &key_id, body).await, 202);
    within("the genuine note", || async {
        status_uris(&a).await.contains(&genuine).then_some(())
    })
    .await;
    let uris = status_uris(&a).await;
    assert!(
        !uris.iter().any(|u| u == foreign || *u == as_carol),
        "{uris:?}"
    );
    // Only the one accepted Follow (dated 50 minutes ahead) was applied.
    within("the accepted follow", || async {
        (follow_count(&a).await == 1).then_some(())
    })
    .await;
    assert_serving(&a).await;

    // Every refusal is logged with the key it claimed.
    let log = a.web_log();
    let refused = log.matches("delivery refused").count();
    assert!(refused >= 7, "{refused} refusals logged:\n{log}");
    assert!(log.contains("replayed request"), "{log}");
}

#[tokio::test]
async fn oversized_nested_malformed_and_hostile_html_deliveries() {
    let a = instance().await;
    let b = instance().await;
    let (_, bob, _) = local_user(&b.state, "bob").await;
    let (key, key_id) = key_of(&bob);
    let before = status_uris(&a).await.len();

    // Over the 1 MiB document limit.
    let mut big = create_note(
        &bob.uri,
        note(&format!("{}/n/big", b.base_url), &bob.uri, ""),
    );
    big.truncate(big.len() - 1);
    big.extend_from_slice(b",\"padding\":\"");
    big.resize((1 << 20) + 16, b'a');
    big.extend_from_slice(b"\"}");
    assert_eq!(deliver(&a, &key, &key_id, big).await, 413);

    // Nested deeper than 32 levels.
    let deep = format!(
        "{{\"id\":\"{}/n/deep\",\"type\":\"Create\",\"actor\":\"{}\",\"object\":{}1{}}}",
        b.base_url,
        bob.uri,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert_eq!(deliver(&a, &key, &key_id, deep.into_bytes()).await, 400);

    // Not JSON, not an object, not an activity, a JSON-LD context that is
    // not one, types that are not strings.
    for body in [
        &b"{\"type\":\"Create\",\"actor\":"[..],
        b"[1,2,3]",
        b"\xff\xfe\x00{",
        b"{\"@context\":{\"@vocab\":5},\"type\":[\"Create\",3],\"actor\":{\"x\":1}}",
    ] {
        let status = deliver(&a, &key, &key_id, body.to_vec()).await;
        assert!(
            status == 400 || status == 401,
            "{status} for {:?}",
            String::from_utf8_lossy(body)
        );
    }

    // Hostile HTML is sanitised before it is stored.
    let id = format!("{}/n/html", b.base_url);
    let huge = "A".repeat(200_000);
    let content = format!(
        "<p>hi<script>alert(1)</script><style>body{{display:none}}</style>\
         <a href=\"javascript:alert(2)\">js</a>\
         <a href=\"https://ok.example/\" title=\"{huge}\" data-x=\"{huge}\">ok</a>\
         <img src=x onerror=alert(3)><iframe src=\"https://evil.example/\"></iframe></p>"
    );
    let body = create_note(&bob.uri, note(&id, &bob.uri, &content));
    assert_eq!(deliver(&a, &key, &key_id, body).await, 202);
    let stored = within("the HTML note", || async {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::statuses::dsl as s;
        let mut conn = a.state.conn().await.unwrap();
        s::statuses
            .filter(s::uri.eq(&id))
            .select(s::content)
            .first::<String>(&mut conn)
            .await
            .ok()
    })
    .await;
    let lower = stored.to_lowercase();
    for banned in [
        "<script",
        "<style",
        "javascript:",
        "onerror",
        "<iframe",
        "<img",
        "alert",
    ] {
        assert!(!lower.contains(banned), "{banned} in {stored}");
    }
    assert!(
        stored.len() < 1000,
        "huge attributes kept: {} bytes",
        stored.len()
    );
    assert!(stored.contains("https://ok.example/"), "{stored}");
    // Only the sanitised note was stored.
    assert_eq!(status_uris(&a).await.len(), before + 1);
    assert_serving(&a).await;
}

/// Stores `username@remote.example` with a fresh key, as if fetched, so
/// that deliveries from it verify without fetching anything.
async fn stored_remote_actor(app: &TestApp, username: &str) -> (Account, PrivateKey) {
    stored_actor_at(app, "https://remote.example", username).await
}

/// Stores `username` of the server at `origin` (`https://host[:port]`)
/// with a fresh key, as if fetched: its actor is `origin/users/username`,
/// its inbox `…/inbox` and its shared inbox `origin/inbox`.
pub(crate) async fn stored_actor_at(
    app: &TestApp,
    origin: &str,
    username: &str,
) -> (Account, PrivateKey) {
    let key = PrivateKey::generate().unwrap();
    let uri = format!("{origin}/users/{username}");
    let domain = url::Url::parse(origin).unwrap();
    let domain = match domain.port() {
        Some(port) => format!("{}:{port}", domain.host_str().unwrap()),
        None => domain.host_str().unwrap().to_owned(),
    };
    let mut conn = app.state.conn().await.unwrap();
    let account = ferrodon_core::db::queries::accounts::put_account(
        &mut conn,
        &NewAccount {
            username: username.to_owned(),
            domain: Some(domain),
            display_name: username.to_owned(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: uri.clone(),
            url: Some(format!("{origin}/@{username}")),
            inbox_url: format!("{uri}/inbox"),
            shared_inbox_url: format!("{origin}/inbox"),
            outbox_url: format!("{uri}/outbox"),
            followers_url: format!("{uri}/followers"),
            public_key: key.public_key_pem().unwrap(),
            private_key: None,
        },
    )
    .await
    .unwrap();
    (account, key)
}

#[tokio::test]
async fn server_side_fetches_never_reach_loopback() {
    // The development allowance for private addresses is off here.
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let (target, mut requests) = fake_service::start(|_| (200, "{}".into())).await;
    let port = target.rsplit(':').next().unwrap().to_owned();
    let (mallory, key) = stored_remote_actor(&app, "mallory").await;
    let key_id = format!("{}#main-key", mallory.uri);

    // A note whose link, attachments, emoji, reply parent and mention all
    // point at loopback, in several spellings.
    let id = "https://remote.example/notes/ssrf";
    let mut body = note(
        id,
        &mallory.uri,
        &format!("<p>see <a href=\"http://127.0.0.1:{port}/card\">this</a></p>"),
    );
    body["inReplyTo"] = json!(format!("http://127.0.0.1:{port}/notes/parent"));
    body["attachment"] = json!([
        {"type": "Document", "mediaType": "image/png", "url": format!("http://127.0.0.1:{port}/a.png")},
        {"type": "Document", "mediaType": "image/png", "url": format!("http://[::ffff:127.0.0.1]:{port}/b.png")},
        {"type": "Document", "mediaType": "image/png", "url": format!("http://2130706433:{port}/c.png")},
    ]);
    body["tag"] = json!([
        {"type": "Emoji", "name": ":evil:", "icon": {"type": "Image", "url": format!("http://localhost:{port}/e.png")}},
        {"type": "Mention", "href": format!("http://127.0.0.1:{port}/users/x"), "name": "@x"},
    ]);
    let create = create_note(&mallory.uri, body);
    assert_eq!(deliver(&app, &key, &key_id, create).await, 202);
    within("the note", || async {
        status_uris(&app)
            .await
            .iter()
            .any(|u| u == id)
            .then_some(())
    })
    .await;

    // A delivery whose key lives on loopback: the key is never fetched.
    let other = PrivateKey::generate().unwrap();
    let body = serde_json::to_vec(&json!({
        "id": format!("http://127.0.0.1:{port}/users/x#follow"),
        "type": "Follow",
        "actor": format!("http://127.0.0.1:{port}/users/x"),
        "object": format!("{}/users/alice", app.base_url),
    }))
    .unwrap();
    let key_on_loopback = format!("http://127.0.0.1:{port}/users/x#main-key");
    assert_eq!(deliver(&app, &other, &key_on_loopback, body).await, 401);

    // Search with resolve=true on loopback URLs and handles.
    for q in [
        format!("http://127.0.0.1:{port}/users/x"),
        format!("http://[::ffff:127.0.0.1]:{port}/users/x"),
        format!("http://0x7f000001:{port}/users/x"),
        format!("http://localhost:{port}/users/x"),
        format!("@x@127.0.0.1:{port}"),
        format!("@x@localhost:{port}"),
    ] {
        let resp = app
            .client
            .get(app.url("/api/v2/search"))
            .query(&[("q", q.as_str()), ("resolve", "true")])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{q}");
        let found: Value = resp.json().await.unwrap();
        assert!(
            found["accounts"].as_array().unwrap().is_empty(),
            "{q}: {found}"
        );
        assert!(
            found["statuses"].as_array().unwrap().is_empty(),
            "{q}: {found}"
        );
    }

    // Give the pull and media jobs the note queued time to run, then make
    // sure nothing reached the loopback service.
    tokio::time::sleep(Duration::from_secs(3)).await;
    if let Ok(received) = requests.try_recv() {
        panic!(
            "a server-side fetch reached loopback: {} {}",
            received.method, received.path
        );
    }
    assert_serving(&app).await;
}

/// A server on loopback that answers every request with a 200 whose
/// promised 100 kB body arrives one byte every 500 ms (for at most 40 s).
async fn trickling_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/activity+json\r\nContent-Length: 100000\r\n\r\n{";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for _ in 0..80 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    if socket.write_all(b" ").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn peers_that_trickle_are_cut_off() {
    let app = instance().await;
    let before = status_uris(&app).await.len();

    // An inbox POST whose body trickles in: cut off after 10 s with 400,
    // while other requests are served meanwhile.
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /inbox HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/activity+json\r\nContent-Length: 100000\r\n\r\n{{"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (mut reader, mut writer) = socket.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..60 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if writer.write_all(b" ").await.is_err() {
                return;
            }
        }
    });
    assert_serving(&app).await;
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(20), reader.read(&mut answer))
        .await
        .expect("an answer within 20 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    trickle.abort();

    // A delivery whose key is on a server that trickles its answer: the
    // key fetch gives up at its timeout and the sender hears 503 (try
    // again later), while other requests are served meanwhile.
    let slow = trickling_server().await;
    let key = PrivateKey::generate().unwrap();
    let actor = format!("{slow}/users/slow");
    let body = serde_json::to_vec(&json!({
        "id": format!("{actor}#follow"),
        "type": "Follow",
        "actor": actor,
        "object": format!("{}/users/nobody", app.base_url),
    }))
    .unwrap();
    let started = Instant::now();
    let headers = signed_headers(
        &key,
        &format!("{actor}#main-key"),
        &format!("{}/inbox", app.base_url),
        &body,
        chrono::Utc::now(),
    );
    let (status, ()) = tokio::join!(
        async { post_signed(&app, &headers, body).await.status().as_u16() },
        async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert_serving(&app).await;
        }
    );
    assert_eq!(status, 503);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "the fetch took {took:?}");
    assert_eq!(status_uris(&app).await.len(), before);
    assert_serving(&app).await;
}
