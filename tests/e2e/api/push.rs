//! Web Push: `/api/v1/push/subscription`, and delivery to a push service
//! played by the test, which checks the VAPID signature with the server's
//! public key and decrypts the message with the subscription's private key,
//! as a browser would.
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use aws_lc_rs::{agreement, signature};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrodon_core::secrets::vapid::{decode_base64url, VapidKeys};
use ferrodon_core::webpush::crypto::decrypt;
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::fake_service::{self, next, Received};

async fn json_ok(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// A push service on loopback: records each request and answers `status`.
async fn push_service(status: Arc<AtomicU16>) -> (String, mpsc::UnboundedReceiver<Received>) {
    fake_service::start(move |_| (status.load(Ordering::SeqCst), String::new())).await
}

/// A browser's subscription keys: (private key, p256dh, auth), base64url.
fn browser_keys() -> (agreement::PrivateKey, String, [u8; 16], String) {
    let private = agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap();
    let public = private.compute_public_key().unwrap();
    let mut auth = [0u8; 16];
    aws_lc_rs::rand::fill(&mut auth).unwrap();
    let p256dh = URL_SAFE_NO_PAD.encode(public.as_ref());
    (private, p256dh, auth, URL_SAFE_NO_PAD.encode(auth))
}

/// Checks the VAPID header against the server's public key and the
/// endpoint's origin; decrypts the body; returns the payload.
fn open(
    push: &Received,
    server_key: &str,
    origin: &str,
    private: &agreement::PrivateKey,
    auth: &[u8],
) -> Value {
    assert_eq!(push.header("content-encoding"), Some("aes128gcm"));
    assert_eq!(push.header("ttl"), Some("172800"));
    assert_eq!(push.header("urgency"), Some("normal"));
    let authorization = push.header("authorization").unwrap();
    let (jwt, k) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .unwrap_or_else(|| panic!("not a VAPID header: {authorization}"));
    assert_eq!(decode_base64url(k), decode_base64url(server_key));
    let (signed, sig) = jwt.rsplit_once('.').unwrap();
    signature::UnparsedPublicKey::new(
        &signature::ECDSA_P256_SHA256_FIXED,
        decode_base64url(server_key).unwrap(),
    )
    .verify(signed.as_bytes(), &URL_SAFE_NO_PAD.decode(sig).unwrap())
    .expect("the JWT is signed with the server's VAPID key");
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(signed.split_once('.').unwrap().1)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], origin);
    assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
    let plain = decrypt(private, auth, &push.body).expect("decrypts with the subscription key");
    serde_json::from_slice(&plain).unwrap()
}

async fn spawn_with_keys() -> (TestApp, VapidKeys) {
    let keys = VapidKeys::generate().unwrap();
    let app = TestApp::spawn_with(&[
        ("VAPID_PRIVATE_KEY", keys.private_key.expose()),
        ("VAPID_PUBLIC_KEY", &keys.public_key),
        ("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true"),
    ])
    .await;
    (app, keys)
}

#[tokio::test]
async fn subscriptions_are_created_shown_updated_and_deleted() {
    let (app, keys) = spawn_with_keys().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, p256dh, _, auth) = browser_keys();
    let path = "/api/v1/push/subscription";
    assert_eq!(app.get(path, &alice).await.status(), 404);

    let instance = json_ok(app.get("/api/v2/instance", &alice).await).await;
    assert_eq!(
        instance["configuration"]["vapid"]["public_key"],
        keys.public_key
    );

    let form = |endpoint: &str, key: &str| {
        vec![
            ("subscription[endpoint]".to_owned(), endpoint.to_owned()),
            ("subscription[keys][p256dh]".to_owned(), key.to_owned()),
            ("subscription[keys][auth]".to_owned(), auth.clone()),
            ("data[alerts][mention]".to_owned(), "true".to_owned()),
            ("data[alerts][favourite]".to_owned(), "0".to_owned()),
            ("data[alerts][admin.sign_up]".to_owned(), "true".to_owned()),
            ("data[alerts][nonsense]".to_owned(), "true".to_owned()),
            ("data[policy]".to_owned(), "follower".to_owned()),
        ]
    };
    let post = |token: &str, fields: Vec<(String, String)>| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .form(&fields)
            .send()
    };
    for (endpoint, key, message) in [
        (
            "",
            p256dh.as_str(),
            "Validation failed: Endpoint can't be blank",
        ),
        (
            "not a url",
            p256dh.as_str(),
            "Validation failed: Endpoint is not a valid URL",
        ),
        (
            "https://push.example/x",
            "AAAA",
            "Validation failed: Key p256dh is not a valid P-256 public key",
        ),
    ] {
        let resp = post(&alice, form(endpoint, key)).await.unwrap();
        assert_eq!(resp.status(), 422, "{endpoint} {key}");
        assert_eq!(resp.json::<Value>().await.unwrap()["error"], message);
    }
    // The push scope is needed.
    let no_push = token_for(&app.state, &alice_user, "read write").await;
    let resp = post(&no_push, form("https://push.example/x", &p256dh))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let created = json_ok(
        post(&alice, form("https://push.example/x", &p256dh))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(created["endpoint"], "https://push.example/x");
    assert_eq!(created["standard"], false);
    assert_eq!(created["server_key"], keys.public_key);
    assert_eq!(created["policy"], "follower");
    assert_eq!(
        created["alerts"],
        json!({"mention": true, "favourite": false, "admin.sign_up": true})
    );
    assert_eq!(json_ok(app.get(path, &alice).await).await, created);
    // Another token of the same user has its own (none yet).
    let other = token_for(&app.state, &alice_user, "push").await;
    assert_eq!(app.get(path, &other).await.status(), 404);

    // POST again replaces; PUT changes only the data.
    let replaced = json_ok(
        post(&alice, form("https://push.example/y", &p256dh))
            .await
            .unwrap(),
    )
    .await;
    assert_ne!(replaced["id"], created["id"]);
    assert_eq!(
        app.get(path, &alice).await.json::<Value>().await.unwrap()["endpoint"],
        "https://push.example/y"
    );
    let updated = json_ok(
        app.client
            .put(app.url(path))
            .bearer_auth(&alice)
            .json(&json!({"data": {"alerts": {"follow": true}, "policy": "none"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(updated["alerts"], json!({"follow": true}));
    assert_eq!(updated["policy"], "none");
    assert_eq!(updated["endpoint"], "https://push.example/y");
    let bad_policy = app
        .client
        .put(app.url(path))
        .bearer_auth(&alice)
        .json(&json!({"data": {"policy": "everyone"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_policy.status(), 422);

    let deleted = app
        .client
        .delete(app.url(path))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(json_ok(deleted).await, json!({}));
    assert_eq!(app.get(path, &alice).await.status(), 404);
    let put_none = app
        .client
        .put(app.url(path))
        .bearer_auth(&alice)
        .json(&json!({"data": {"policy": "all"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(put_none.status(), 404);

    // Revoking the token removes its subscription.
    json_ok(
        post(&other, form("https://push.example/z", &p256dh))
            .await
            .unwrap(),
    )
    .await;
    {
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::queries::oauth::revoke_user_tokens(&mut conn, alice_user.id)
            .await
            .unwrap();
        let left = ferrodon_core::db::queries::web_push::list_live_subscriptions_of_account(
            &mut conn,
            alice_user.account_id,
        )
        .await
        .unwrap();
        assert!(left.is_empty());
    }
    assert_eq!(app.get(path, &other).await.status(), 401);
}

#[tokio::test]
async fn notifications_are_pushed_encrypted_and_signed() {
    let (app, keys) = spawn_with_keys().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_account, bob) = local_user(&app.state, "bob").await;
    let status = Arc::new(AtomicU16::new(201));
    let (origin, mut pushes) = push_service(status.clone()).await;
    let (private, p256dh, auth_bytes, auth) = browser_keys();
    json_ok(
        app.post_form(
            "/api/v1/push/subscription",
            &alice,
            &[
                ("subscription[endpoint]", &format!("{origin}/push/alice-1")),
                ("subscription[keys][p256dh]", &p256dh),
                ("subscription[keys][auth]", &auth),
                ("data[alerts][mention]", "true"),
                ("data[alerts][follow]", "false"),
            ],
        )
        .await,
    )
    .await;

    json_ok(
        app.post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", "@alice tea at five?"), ("spoiler_text", "")],
        )
        .await,
    )
    .await;
    let push = next(&mut pushes).await;
    assert_eq!(push.path, "/push/alice-1");
    let payload = open(&push, &keys.public_key, &origin, &private, &auth_bytes);
    let notes = json_ok(app.get("/api/v1/notifications", &alice).await).await;
    assert_eq!(payload["notification_id"], notes[0]["id"]);
    assert_eq!(payload["notification_type"], "mention");
    assert_eq!(payload["title"], "You were mentioned by bob");
    assert_eq!(payload["body"], "@alice tea at five?");
    assert_eq!(payload["preferred_locale"], "en");
    assert!(payload["icon"].as_str().unwrap().starts_with("http"));

    // Follows are not wanted: no push for them. The next push is the next mention.
    json_ok(
        app.post_form(
            &format!(
                "/api/v1/accounts/{}/follow",
                alice_account_id(&app, &alice).await
            ),
            &bob,
            &[],
        )
        .await,
    )
    .await;
    json_ok(
        app.post_form("/api/v1/statuses", &bob, &[("status", "@alice second")])
            .await,
    )
    .await;
    let push = next(&mut pushes).await;
    let payload = open(&push, &keys.public_key, &origin, &private, &auth_bytes);
    assert_eq!(payload["notification_type"], "mention", "{payload}");
    assert_eq!(payload["body"], "@alice second");

    // With the policy "followed", bob (whom alice does not follow) is not pushed.
    json_ok(
        app.client
            .put(app.url("/api/v1/push/subscription"))
            .bearer_auth(&alice)
            .form(&[
                ("data[alerts][mention]", "true"),
                ("data[policy]", "followed"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    json_ok(
        app.post_form("/api/v1/statuses", &bob, &[("status", "@alice unseen")])
            .await,
    )
    .await;
    json_ok(
        app.post_form(
            &format!("/api/v1/accounts/{}/follow", bob_account.id),
            &alice,
            &[],
        )
        .await,
    )
    .await;
    json_ok(
        app.post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", "@alice now followed")],
        )
        .await,
    )
    .await;
    let push = next(&mut pushes).await;
    let payload = open(&push, &keys.public_key, &origin, &private, &auth_bytes);
    assert_eq!(payload["body"], "@alice now followed");

    // The push service forgot the subscription (410): it is deleted.
    status.store(410, Ordering::SeqCst);
    json_ok(
        app.post_form("/api/v1/statuses", &bob, &[("status", "@alice gone?")])
            .await,
    )
    .await;
    next(&mut pushes).await;
    app.eventually("the subscription to be deleted", || async {
        (app.get("/api/v1/push/subscription", &alice).await.status() == 404).then_some(())
    })
    .await;
}

async fn alice_account_id(app: &TestApp, token: &str) -> String {
    json_ok(app.get("/api/v1/accounts/verify_credentials", token).await).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
