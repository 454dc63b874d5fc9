//! Replaying a captured draft-cavage delivery: the `algorithm`, `created`
//! and `expires` parameters and the key id's fragment are not covered by
//! the signature, so a replayer can rewrite them freely. Freshness must
//! rest only on what the signature covers (`Date` or `(created)`), and the
//! replay memory on the resolved actor and the signature bytes.
use chrono::{Duration, Utc};
use ferrodon_core::apub::signatures::cavage::{self, Algorithm, SignatureHeader};
use ferrodon_core::apub::signatures::date::format_http_date;
use ferrodon_core::apub::signatures::digest::digest_header;
use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_core::apub::signatures::request::HttpRequest;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::federation::{instance, post_signed, signed_headers};
use crate::hostile_federation::{follow_body, stored_actor_at};

type Headers = Vec<(&'static str, String)>;

/// `headers` with the `Signature` header's parameters changed by `edit`
/// (the signature bytes untouched).
fn rewritten(headers: &Headers, edit: impl Fn(&mut SignatureHeader)) -> Headers {
    headers
        .iter()
        .map(|(name, value)| {
            if *name == "Signature" {
                let mut header = SignatureHeader::parse(value).unwrap();
                edit(&mut header);
                (*name, header.to_header_value())
            } else {
                (*name, value.clone())
            }
        })
        .collect()
}

async fn status_and_error(app: &TestApp, headers: &Headers, body: &[u8]) -> (u16, String) {
    let resp = post_signed(app, headers, body.to_vec()).await;
    let status = resp.status().as_u16();
    let error = resp
        .json::<Value>()
        .await
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (status, error)
}

#[tokio::test]
async fn rewritten_signature_parameters_do_not_make_a_replay_fresh() {
    let app = instance().await;
    let (_, alice, _) = local_user(&app.state, "alice").await;
    let (bob, key) = stored_actor_at(&app, "https://remote.example", "bob").await;
    let key_id = format!("{}#main-key", bob.uri);
    let inbox = format!("{}/inbox", app.base_url);
    let follow = |n: u32| follow_body(&bob.uri, n, &alice.uri);
    let now = Utc::now();

    // A delivery captured three hours ago is stale...
    let body = follow(1);
    let captured = signed_headers(&key, &key_id, &inbox, &body, now - Duration::hours(3));
    let (status, error) = status_and_error(&app, &captured, &body).await;
    assert_eq!(status, 401);
    assert!(error.contains("time window"), "{error}");
    // ...and stays stale when the replayer calls it hs2019 and adds a
    // `created` of now, which the signature does not cover.
    let refreshed = rewritten(&captured, |h| {
        h.algorithm = Some(Algorithm::Hs2019);
        h.created = Some(now.timestamp());
    });
    let (status, error) = status_and_error(&app, &refreshed, &body).await;
    assert_eq!(status, 401, "replayed with a new created: {error}");
    assert!(error.contains("time window"), "{error}");

    // An `expires` the signature does not cover cannot stretch the window.
    let body = follow(2);
    let captured = signed_headers(&key, &key_id, &inbox, &body, now - Duration::hours(2));
    let stretched = rewritten(&captured, |h| {
        h.expires = Some((now + Duration::minutes(10)).timestamp());
    });
    let (status, error) = status_and_error(&app, &stretched, &body).await;
    assert_eq!(status, 401, "replayed with a new expires: {error}");

    // A fresh delivery is accepted once; sent again under the same key
    // with another fragment, it is still a replay.
    let body = follow(3);
    let fresh = signed_headers(&key, &key_id, &inbox, &body, now);
    assert_eq!(status_and_error(&app, &fresh, &body).await.0, 202);
    let other_fragment = rewritten(&fresh, |h| {
        h.key_id = format!("{}#replayed", bob.uri);
    });
    let (status, error) = status_and_error(&app, &other_fragment, &body).await;
    assert_eq!(status, 401, "replayed under another fragment: {error}");
    assert!(error.contains("replayed"), "{error}");

    // A signature that does cover `(created)` is fresh by it (hs2019
    // without a Date header).
    let body = follow(4);
    let created_signed = sign_with_created(&key, &key_id, &inbox, &body, now);
    let (status, error) = status_and_error(&app, &created_signed, &body).await;
    assert_eq!(status, 202, "{error}");
    // Covered but old: stale.
    let body = follow(5);
    let old = sign_with_created(&key, &key_id, &inbox, &body, now - Duration::hours(2));
    assert_eq!(status_and_error(&app, &old, &body).await.0, 401);
}

/// An hs2019 signature over `(request-target) (created) host digest`.
fn sign_with_created(
    key: &PrivateKey,
    key_id: &str,
    inbox: &str,
    body: &[u8],
    created: chrono::DateTime<Utc>,
) -> Headers {
    let url = url::Url::parse(inbox).unwrap();
    let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let headers: Headers = vec![("Host", host.clone()), ("Digest", digest_header(body))];
    let request = HttpRequest {
        method: "POST",
        scheme: "http",
        authority: &host,
        target: url.path(),
        headers: headers.as_slice(),
        body,
    };
    let mut header = SignatureHeader {
        key_id: key_id.to_owned(),
        algorithm: Some(Algorithm::Hs2019),
        headers: Some(
            ["(request-target)", "(created)", "host", "digest"]
                .map(str::to_owned)
                .to_vec(),
        ),
        signature: Vec::new(),
        created: Some(created.timestamp()),
        expires: None,
    };
    let text = cavage::signing_string(&request, &header).unwrap();
    header.signature = key.sign_rsa_sha256(text.as_bytes()).unwrap();
    let mut all = headers;
    all.push(("Signature", header.to_header_value()));
    // A Date header the signature does not cover: it must not count.
    all.push(("Date", format_http_date(created + Duration::hours(5))));
    all
}
