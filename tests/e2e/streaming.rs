//! The streaming API: real web + streaming binaries; a client posts over
//! REST and WebSocket and SSE subscribers receive the events.
use std::time::Duration;

use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::own_redis::OwnRedis;
use ferrodon_testkit::TestApp;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// The next JSON event of a WebSocket stream (plain or TLS), within 10 s.
pub async fn next_event<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an event within 10 s")
            .expect("stream open")
            .expect("valid frame");
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn websocket_user_and_hashtag_streams() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;

    let url = format!(
        "{}/api/v1/streaming?stream=user&access_token={bob}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::text(
        r#"{"type":"subscribe","stream":"hashtag","tag":"Ferrodon"}"#,
    ))
    .await
    .unwrap();
    app.wait_for_subscriber(&format!("timeline:{}", bob_acct.id))
        .await;
    app.wait_for_subscriber("timeline:hashtag:ferrodon").await;
    let metrics_url = app
        .streaming_url
        .as_ref()
        .unwrap()
        .replacen("ws://", "http://", 1)
        + "/metrics";
    let metrics = app
        .client
        .get(&metrics_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|l| l == "ferrodon_streaming_connections 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .lines()
            .any(|l| l == "ferrodon_streaming_redis_connected 1"),
        "{metrics}"
    );
    // bob's timeline, the announcements, the hashtag, and bob's token (for revocation).
    assert!(
        metrics
            .lines()
            .any(|l| l == "ferrodon_streaming_channels 4"),
        "{metrics}"
    );

    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "live from #ferrodon")],
        )
        .await
        .json()
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let event = next_event(&mut ws).await;
        assert_eq!(event["event"], "update");
        let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload["id"], posted["id"]);
        assert_eq!(payload["account"]["acct"], "alice");
        seen.push(event["stream"].clone());
    }
    assert!(seen.contains(&serde_json::json!(["user"])));
    assert!(seen.contains(&serde_json::json!(["hashtag", "ferrodon"])));

    app.post_form("/api/v1/statuses", &alice, &[("status", "hey @bob")])
        .await;
    let mut kinds = Vec::new();
    for _ in 0..2 {
        kinds.push(
            next_event(&mut ws).await["event"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    kinds.sort();
    assert_eq!(kinds, vec!["notification", "update"]);

    let id = posted["id"].as_str().unwrap();
    app.client
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    let deleted = next_event(&mut ws).await;
    assert_eq!(deleted["event"], "delete");
    assert_eq!(deleted["payload"], id);
}

/// A deleted status's `delete` reaches every stream its `update` went to,
/// the hashtag streams too (Mastodon's RemoveStatusService), not only the
/// author's followers and the public streams.
#[tokio::test]
async fn deleting_a_tagged_status_reaches_the_hashtag_streams() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    let url = format!(
        "{}/api/v1/streaming?stream=hashtag:local&tag=Ferrodon&access_token={carol}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    app.wait_for_subscriber("timeline:hashtag:ferrodon:local")
        .await;

    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "gone soon #Ferrodon")],
        )
        .await
        .json()
        .await
        .unwrap();
    let id = posted["id"].as_str().unwrap();
    let update = next_event(&mut ws).await;
    assert_eq!(update["event"], "update");
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    let event = next_event(&mut ws).await;
    assert_eq!(event["event"], "delete");
    assert_eq!(event["payload"], id);
    assert_eq!(
        event["stream"],
        serde_json::json!(["hashtag:local", "ferrodon"])
    );
}

#[tokio::test]
async fn sse_public_local_stream_and_auth_errors() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let base = app.streaming_url.as_ref().unwrap().replace("ws://", "");
    let mut stream = app
        .client
        .get(format!("http://{base}/api/v1/streaming/public/local"))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert_eq!(
        stream.headers()["content-type"],
        "text/event-stream",
        "Mastodon's SSE content type"
    );
    assert_eq!(
        stream.headers()["transfer-encoding"],
        "chunked",
        "chunked, so clients see where each piece ends"
    );
    app.wait_for_subscriber("timeline:public:local").await;
    let posted: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "public news")])
        .await
        .json()
        .await
        .unwrap();
    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[
            ("status", "not for the public timeline"),
            ("visibility", "unlisted"),
        ],
    )
    .await;
    let mut received = String::new();
    while !received.contains("event: update\ndata: ") || !received.ends_with("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("an SSE event")
            .unwrap()
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.starts_with(":)"), "{received}");
    let data = received
        .split("event: update\ndata: ")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    let payload: Value = serde_json::from_str(data).unwrap();
    assert_eq!(payload["id"], posted["id"]);
    assert_eq!(
        received.matches("event: update").count(),
        1,
        "the unlisted status is not on the public stream"
    );

    let streaming_http = format!("http://{base}");
    let anonymous_user = app
        .client
        .get(format!("{streaming_http}/api/v1/streaming/user"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous_user.status(), 401);
    let bad_token = app
        .client
        .get(format!(
            "{streaming_http}/api/v1/streaming/public?access_token=nope"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_token.status(), 401);
    let unknown = app
        .client
        .get(format!("{streaming_http}/api/v1/streaming/nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn revoking_a_token_closes_its_connections() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, _, _) = local_user(&app.state, "alice").await;
    let client: Value = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Streamer"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "read"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let url = format!(
        "{}/api/v1/streaming?stream=public&access_token={token}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    app.wait_for_subscriber("timeline:public").await;
    let revoked = app
        .client
        .post(app.url("/oauth/revoke"))
        .form(&[
            ("token", token),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the connection was not closed after revocation"
    );
}

#[tokio::test]
async fn subscribers_keep_receiving_after_a_redis_restart() {
    let port = ferrodon_testkit::app::free_port();
    let redis = OwnRedis::start(port).await;
    let url = redis.url();
    let app = TestApp::spawn_with_streaming(&[("REDIS_URL", url.as_str())]).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let ws_url = format!(
        "{}/api/v1/streaming?stream=public",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await.unwrap();
    app.wait_for_subscriber("timeline:public").await;

    let redis = redis.restart().await;
    app.wait_for_subscriber("timeline:public").await;

    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "after the restart")],
        )
        .await
        .json()
        .await
        .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(event["event"], "update");
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], posted["id"]);
    drop(redis);
}

#[tokio::test]
async fn muted_and_blocking_accounts_are_held_back() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    let (_, dave_acct, dave) = local_user(&app.state, "dave").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    app.post_form(
        &format!("/api/v1/accounts/{}/mute", carol_acct.id),
        &bob,
        &[],
    )
    .await;
    app.post_form(
        &format!("/api/v1/accounts/{}/block", dave_acct.id),
        &bob,
        &[],
    )
    .await;

    let url = format!(
        "{}/api/v1/streaming?stream=user&access_token={bob}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::text(r#"{"type":"subscribe","stream":"public"}"#))
        .await
        .unwrap();
    app.wait_for_subscriber(&format!("timeline:{}", bob_acct.id))
        .await;
    app.wait_for_subscriber("timeline:public").await;

    app.post_form("/api/v1/statuses", &carol, &[("status", "muted voice")])
        .await;
    app.post_form("/api/v1/statuses", &dave, &[("status", "blocked voice")])
        .await;
    let heard: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "welcome voice")])
        .await
        .json()
        .await
        .unwrap();
    for _ in 0..2 {
        let event = next_event(&mut ws).await;
        let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
        assert_eq!(
            payload["id"], heard["id"],
            "only alice's status reaches bob, on user and public: {event}"
        );
    }
}

#[tokio::test]
async fn list_stream_delivers_members_statuses_to_the_owner_only() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    let list: Value = app
        .post_form("/api/v1/lists", &bob, &[("title", "Watch")])
        .await
        .json()
        .await
        .unwrap();
    let id = list["id"].as_str().unwrap().to_owned();
    app.post_form(
        &format!("/api/v1/lists/{id}/accounts"),
        &bob,
        &[("account_ids[]", &alice_acct.id.to_string())],
    )
    .await;

    let streaming = app.streaming_url.as_ref().unwrap().clone();
    let foreign = app
        .client
        .get(format!(
            "{}/api/v1/streaming/list?list={id}&access_token={carol}",
            streaming.replace("ws://", "http://")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404, "carol cannot listen to bob's list");

    let (mut ws, _) = tokio_tungstenite::connect_async(format!(
        "{streaming}/api/v1/streaming?access_token={bob}"
    ))
    .await
    .unwrap();
    ws.send(Message::text(format!(
        r#"{{"type":"subscribe","stream":"list","list":"{id}"}}"#
    )))
    .await
    .unwrap();
    app.wait_for_subscriber(&format!("timeline:list:{id}"))
        .await;
    let posted: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "for the list")])
        .await
        .json()
        .await
        .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(event["stream"], serde_json::json!(["list", id]));
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], posted["id"]);
}

#[tokio::test]
async fn filters_mark_or_hold_back_statuses_and_conversations_arrive_on_direct() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    for (title, action, keyword) in [("Cats", "warn", "cat"), ("Dogs", "hide", "dog")] {
        let made = app
            .post_json(
                "/api/v2/filters",
                &bob,
                &serde_json::json!({
                    "title": title,
                    "context": ["home", "public"],
                    "filter_action": action,
                    "keywords_attributes": [{"keyword": keyword}],
                }),
            )
            .await;
        assert_eq!(made.status(), 200);
    }
    let url = format!(
        "{}/api/v1/streaming?stream=user&access_token={bob}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    for stream in ["public", "direct"] {
        ws.send(Message::text(format!(
            r#"{{"type":"subscribe","stream":"{stream}"}}"#
        )))
        .await
        .unwrap();
    }
    app.wait_for_subscriber(&format!("timeline:{}", bob_acct.id))
        .await;
    app.wait_for_subscriber("timeline:public").await;
    app.wait_for_subscriber(&format!("timeline:direct:{}", bob_acct.id))
        .await;

    for text in ["the dog park", "a cat nap", "plain hello"] {
        app.post_form("/api/v1/statuses", &alice, &[("status", text)])
            .await;
    }
    for _ in 0..4 {
        let event = next_event(&mut ws).await;
        let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
        let content = payload["content"].as_str().unwrap();
        assert!(!content.contains("dog"), "hide filters hold back: {event}");
        let titles: Vec<&str> = payload["filtered"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["filter"]["title"].as_str().unwrap())
            .collect();
        if content.contains("cat") {
            assert_eq!(titles, ["Cats"], "{event}");
        } else {
            assert!(titles.is_empty(), "{event}");
        }
    }

    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[("status", "@bob psst"), ("visibility", "direct")],
    )
    .await;
    let conversation = loop {
        let event = next_event(&mut ws).await;
        if event["event"] == "conversation" {
            assert_eq!(event["stream"][0], "direct");
            break serde_json::from_str::<Value>(event["payload"].as_str().unwrap()).unwrap();
        }
    };
    assert_eq!(conversation["accounts"][0]["acct"], "alice");
    assert_eq!(conversation["unread"], true);
    assert!(conversation["last_status"]["content"]
        .as_str()
        .unwrap()
        .contains("psst"));
}

#[tokio::test]
async fn announcements_reach_every_user_stream() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let connect = |token: String, stream: &'static str| {
        let url = format!(
            "{}/api/v1/streaming?stream={stream}&access_token={token}",
            app.streaming_url.as_ref().unwrap()
        );
        async move { tokio_tungstenite::connect_async(url).await.unwrap().0 }
    };
    let mut user_ws = connect(alice.clone(), "user").await;
    let mut notification_ws = connect(alice.clone(), "user:notification").await;
    app.wait_for_subscriber(&format!("timeline:{}", alice_acct.id))
        .await;
    app.wait_for_subscriber(&format!("timeline:{}:notifications", alice_acct.id))
        .await;
    app.wait_for_subscriber("timeline:announcements").await;

    let id = app.ctl(&["announcements", "create", "Maintenance tonight #ops"]);
    let id = id.trim();
    let event = next_event(&mut user_ws).await;
    assert_eq!(event["event"], "announcement");
    assert_eq!(event["stream"], serde_json::json!(["user"]));
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["id"], id);
    assert!(payload["content"]
        .as_str()
        .unwrap()
        .contains("Maintenance tonight"));
    assert!(payload.get("read").is_none());

    let put = app
        .client
        .put(app.url(&format!(
            "/api/v1/announcements/{id}/reactions/%F0%9F%91%8D"
        )))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let event = next_event(&mut user_ws).await;
    assert_eq!(event["event"], "announcement.reaction");
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        payload,
        serde_json::json!({"name": "👍", "count": 1, "announcement_id": id})
    );

    app.ctl(&["announcements", "unpublish", id]);
    let event = next_event(&mut user_ws).await;
    assert_eq!(event["event"], "announcement.delete");
    assert_eq!(event["payload"], id);
    app.ctl(&["announcements", "publish", id]);
    assert_eq!(next_event(&mut user_ws).await["event"], "announcement");
    app.ctl(&["announcements", "delete", id]);
    let event = next_event(&mut user_ws).await;
    assert_eq!(event["event"], "announcement.delete");
    assert_eq!(event["payload"], id);

    // The notification-only stream carries none of it.
    let quiet = tokio::time::timeout(Duration::from_millis(300), notification_ws.next()).await;
    assert!(quiet.is_err(), "{quiet:?}");
}

#[tokio::test]
async fn notifications_filtered_by_the_policy_are_not_streamed() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    let url = format!(
        "{}/api/v1/streaming?stream=user:notification&access_token={bob}",
        app.streaming_url.as_ref().unwrap()
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    app.wait_for_subscriber(&format!("timeline:{}:notifications", bob_acct.id))
        .await;

    // A private mention from a stranger is filtered by bob's default
    // policy; one from alice, whom bob follows, is not.
    app.post_form(
        "/api/v1/statuses",
        &carol,
        &[("status", "@bob psst"), ("visibility", "direct")],
    )
    .await;
    let heard: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "@bob hi"), ("visibility", "direct")],
        )
        .await
        .json()
        .await
        .unwrap();
    let event = next_event(&mut ws).await;
    assert_eq!(event["event"], "notification");
    let payload: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["status"]["id"], heard["id"], "{event}");
}

#[tokio::test]
async fn sigterm_says_goodbye_to_websocket_clients() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let port = ferrodon_testkit::app::free_port();
    let mut env = app.env().to_vec();
    env.push(("STREAMING_PORT".into(), port.to_string()));
    env.push(("FERRODON_SHUTDOWN_TIMEOUT".into(), "10s".into()));
    let mut streaming =
        std::process::Command::new(ferrodon_testkit::app::bin_dir().join("ferrodon-streaming"))
            .env_clear()
            .envs(env)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ready = app.client.get(format!("{base}/readyz")).send().await;
        if matches!(&ready, Ok(r) if r.status() == 200) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "streaming never ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let live = app
        .client
        .get(format!("{base}/livez"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let url = format!("ws://127.0.0.1:{port}/api/v1/streaming?stream=user&access_token={token}");
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    app.wait_for_subscriber(&format!("timeline:{}", alice.id))
        .await;

    let status = std::process::Command::new("kill")
        .args(["-TERM", &streaming.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let close = loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s of SIGTERM");
        match msg {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("connection ended without a close frame: {other:?}"),
        }
    };
    let frame = close.expect("a close frame with a code");
    assert_eq!(u16::from(frame.code), 1001, "{frame:?}");
    let exit = tokio::task::spawn_blocking(move || streaming.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}
