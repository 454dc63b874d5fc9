//! The S3 media store against real S3-compatible servers: the two moto
//! servers `scripts/test` starts.
//!
//! - `FERRODON_TEST_S3_ENDPOINT`: an open server that takes any
//!   credentials and enforces object ACLs on anonymous reads, for the
//!   round trips and public URLs.
//! - `FERRODON_TEST_S3_AUTH_ENDPOINT` with `FERRODON_TEST_S3_AUTH_KEY_ID`
//!   and `FERRODON_TEST_S3_AUTH_SECRET`: a server that checks every
//!   request's SigV4 signature against that IAM key, for the signing of
//!   odd keys, query strings and continuation tokens.
//!
//! Each test is skipped, saying so, when its variables are not set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use ferrodon_core::config::{S3Config, Secret, StorageConfig};
use ferrodon_core::http_client::HttpClients;
use ferrodon_core::media::{MediaStore, StorageError};
use ferrodon_testkit::random_suffix;

/// Keys that need encoding in paths and in query strings.
const ODD_KEYS: [&str; 3] = [
    "media_attachments/files/110/original/a b+c.png",
    "accounts/avatars/ünï cödé/😀 (1)=&?#.jpg",
    "cache/~tilde/percent%20sign;semi,comma'quote\".bin",
];

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The open server's endpoint, or None after saying why the test is skipped.
fn open_endpoint() -> Option<String> {
    let endpoint = var("FERRODON_TEST_S3_ENDPOINT");
    if endpoint.is_none() {
        eprintln!(
            "skipped: FERRODON_TEST_S3_ENDPOINT is not set (scripts/test starts moto and sets it)"
        );
    }
    endpoint
}

/// The checking server's endpoint and credentials, if set.
fn auth_vars() -> Option<(String, String, String)> {
    Some((
        var("FERRODON_TEST_S3_AUTH_ENDPOINT")?,
        var("FERRODON_TEST_S3_AUTH_KEY_ID")?,
        var("FERRODON_TEST_S3_AUTH_SECRET")?,
    ))
}

/// The checking server's endpoint and credentials, or None after saying why.
fn auth_server() -> Option<(String, String, String)> {
    let server = auth_vars();
    if server.is_none() {
        eprintln!(
            "skipped: FERRODON_TEST_S3_AUTH_ENDPOINT, _KEY_ID and _SECRET are not all set \
             (scripts/test starts a signature-checking moto and sets them)"
        );
    }
    server
}

fn config(endpoint: &str, bucket: &str) -> S3Config {
    S3Config {
        bucket: bucket.to_owned(),
        region: "us-east-1".into(),
        endpoint: endpoint.trim_end_matches('/').to_owned(),
        path_style: true,
        access_key_id: "AKIAFERRODONTEST0000".into(),
        secret_access_key: Secret::new("not checked by the open server"),
        alias_host: None,
        protocol: "http".into(),
        permission: Some("public-read".into()),
        timeout: Duration::from_secs(30),
    }
}

/// Settings for a new bucket on the checking server, with its IAM key.
fn auth_config((endpoint, key_id, secret): (String, String, String)) -> S3Config {
    S3Config {
        access_key_id: key_id,
        secret_access_key: Secret::new(secret),
        ..config(&endpoint, &unique_bucket())
    }
}

/// Asserts that the server refused with `status` and the XML error `code`.
fn assert_refused<T: std::fmt::Debug>(result: Result<T, StorageError>, status: u16, code: &str) {
    match result {
        Err(StorageError::Status {
            status: got, body, ..
        }) if got == status => assert!(body.contains(code), "{body}"),
        other => panic!("expected {status} {code}, got {other:?}"),
    }
}

fn unique_bucket() -> String {
    format!("ferrodon-test-{}", random_suffix())
}

fn store(config: &S3Config) -> MediaStore {
    MediaStore::from_config(&StorageConfig::S3(config.clone()), "https://example.com")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The store, with its bucket created.
async fn store_with_bucket(config: &S3Config) -> MediaStore {
    let store = store(config);
    let MediaStore::S3(s3) = &store else {
        panic!("not an S3 store");
    };
    s3.create_bucket().await.unwrap();
    store
}

/// Settings for a new bucket on the open server, and its store with the
/// bucket created; None when the open server is not set.
async fn open_store() -> Option<(S3Config, MediaStore)> {
    let config = config(&open_endpoint()?, &unique_bucket());
    let store = store_with_bucket(&config).await;
    Some((config, store))
}

/// Bytes that survive only a binary-safe round trip.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// An anonymous GET of a public URL: status and body.
async fn anonymous_get(url: &str) -> (u16, Vec<u8>) {
    let client = HttpClients::new("https://example.com", true)
        .unwrap()
        .trusted;
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn objects_round_trip_through_an_s3_server() {
    let Some((_, store)) = open_store().await else {
        return;
    };
    let MediaStore::S3(s3) = &store else {
        panic!("not an S3 store");
    };
    s3.create_bucket()
        .await
        .expect("creating an owned bucket again");

    // Larger than what is hashed inline, so hashed off the runtime.
    let image = binary(300_000);
    let key = "media_attachments/files/110/123/original/1a2b.png";
    store.put(key, image.clone(), "image/png").await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), Some(image.clone()));
    for (i, odd) in ODD_KEYS.iter().enumerate() {
        store
            .put(odd, vec![i as u8; i + 1], "application/octet-stream")
            .await
            .unwrap();
        assert_eq!(
            store.get(odd).await.unwrap(),
            Some(vec![i as u8; i + 1]),
            "{odd}"
        );
    }

    let mut expected: Vec<(String, u64)> = ODD_KEYS
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), i as u64 + 1))
        .collect();
    expected.push((key.to_owned(), image.len() as u64));
    expected.sort();
    assert_eq!(store.list("").await.unwrap(), expected);
    assert_eq!(
        store.list("media_attachments/").await.unwrap(),
        vec![
            (key.to_owned(), image.len() as u64),
            (ODD_KEYS[0].to_owned(), 1),
        ]
    );
    assert_eq!(
        store.list("accounts/avatars/ünï cödé/😀").await.unwrap(),
        vec![(ODD_KEYS[1].to_owned(), 2)]
    );
    assert!(store.list("nothing/").await.unwrap().is_empty());

    assert_eq!(
        store.get("media_attachments/missing.png").await.unwrap(),
        None
    );
    store
        .delete("media_attachments/missing.png")
        .await
        .expect("deleting a missing key");
    store.delete(key).await.unwrap();
    assert_eq!(store.get(key).await.unwrap(), None);
    assert_eq!(store.list("media_attachments/").await.unwrap().len(), 1);
}

#[tokio::test]
async fn public_read_objects_are_served_at_their_public_url() {
    let Some((public, store)) = open_store().await else {
        return;
    };
    let bytes = binary(1000);
    for key in ODD_KEYS {
        store.put(key, bytes.clone(), "image/png").await.unwrap();
        let url = store.public_url(key);
        assert_eq!(anonymous_get(&url).await, (200, bytes.clone()), "{url}");
    }

    // Without a canned ACL the object stays private: moto, like S3 with
    // ACLs enabled, refuses anonymous reads of it.
    let private = S3Config {
        permission: None,
        ..public
    };
    let store = self::store(&private);
    let key = "media_attachments/files/1/original/private.png";
    store.put(key, bytes.clone(), "image/png").await.unwrap();
    assert_eq!(anonymous_get(&store.public_url(key)).await.0, 403);
    assert_eq!(store.get(key).await.unwrap(), Some(bytes));
}

#[tokio::test]
async fn a_missing_bucket_is_an_error_not_a_missing_file() {
    let Some(endpoint) = open_endpoint() else {
        return;
    };
    let store = store(&config(&endpoint, &unique_bucket()));
    for result in [
        store.get("a.png").await.map(|_| ()),
        store.delete("a.png").await,
        store.list("").await.map(|_| ()),
        store.put("a.png", vec![1], "image/png").await,
    ] {
        assert_refused(result, 404, "NoSuchBucket");
    }
}

#[tokio::test]
async fn signatures_are_accepted_by_a_checking_server() {
    let Some(server) = auth_server() else {
        return;
    };
    let config = auth_config(server);
    let store = store_with_bucket(&config).await;
    for (i, key) in ODD_KEYS.iter().enumerate() {
        store
            .put(key, binary(i * 1000), "image/jpeg")
            .await
            .unwrap();
        assert_eq!(
            store.get(key).await.unwrap(),
            Some(binary(i * 1000)),
            "{key}"
        );
        let listed = store.list(key).await.unwrap();
        assert_eq!(listed, vec![(key.to_string(), i as u64 * 1000)]);
    }
    for key in ODD_KEYS {
        store.delete(key).await.unwrap();
    }
    assert!(store.list("").await.unwrap().is_empty());

    let forged = S3Config {
        secret_access_key: Secret::new("not the secret"),
        ..config
    };
    let result = self::store(&forged)
        .put("a.png", vec![1], "image/png")
        .await;
    assert_refused(result, 403, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn long_listings_follow_continuation_tokens() {
    // On the checking server when there is one, so the tokens' encoding in
    // the query string is checked too.
    let config = match auth_vars() {
        Some(server) => auth_config(server),
        None => match open_endpoint() {
            Some(endpoint) => config(&endpoint, &unique_bucket()),
            None => return,
        },
    };
    let store = store_with_bucket(&config).await;
    // One more than a page of 1,000, under a prefix, and one outside it.
    let keys: Vec<String> = (0..1001)
        .map(|i| format!("cache/files/{i:05} +.png"))
        .collect();
    let mut uploads = tokio::task::JoinSet::new();
    for chunk in keys.chunks(100) {
        let (store, chunk) = (store.clone(), chunk.to_vec());
        uploads.spawn(async move {
            for key in chunk {
                store.put(&key, vec![7; 3], "image/png").await.unwrap();
            }
        });
    }
    uploads.join_all().await;
    store
        .put("other/x.png", vec![1], "image/png")
        .await
        .unwrap();

    let listed = store.list("cache/").await.unwrap();
    assert_eq!(listed.len(), 1001);
    assert!(listed.iter().all(|(_, size)| *size == 3));
    let listed_keys: Vec<&String> = listed.iter().map(|(key, _)| key).collect();
    assert_eq!(listed_keys, keys.iter().collect::<Vec<_>>());
    assert_eq!(store.list("").await.unwrap().len(), 1002);
}

#[tokio::test]
async fn unreachable_and_silent_servers_fail_within_the_timeout() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let store = store(&config(&format!("http://127.0.0.1:{port}"), "media"));
    match store.get("a.png").await {
        Err(StorageError::Unreachable(reason)) => {
            assert!(reason.starts_with("GET a.png: "), "{reason}");
            assert!(reason.to_lowercase().contains("connect"), "{reason}");
        }
        other => panic!("expected a connection failure, got {other:?}"),
    }

    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut connections = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            connections.push(socket);
        }
    });
    let store = self::store(&S3Config {
        timeout: Duration::from_millis(300),
        ..config(&endpoint, "media")
    });
    let started = std::time::Instant::now();
    match store.put("a.png", vec![1; 10], "image/png").await {
        Err(StorageError::Unreachable(reason)) => assert!(reason.contains("PUT a.png"), "{reason}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    held.abort();
}
