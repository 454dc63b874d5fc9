//! Link preview cards: fetched by the `pull` queue from the page a status
//! links to, shown as the status's `card`.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// An HTTP server answering every request with `html`; counts requests.
async fn serve_page(html: &'static str) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    html.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(html.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), hits)
}

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Plain title</title>
<meta property="og:title" content="Ferrodon 1.0 &amp; friends">
<meta property="og:description" content="A Mastodon-compatible server.">
<meta property="og:image" content="/cover.png">
<meta property="og:site_name" content="Example News">
</head><body>hello</body></html>"#;

#[tokio::test]
async fn a_linked_page_becomes_the_status_card() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (server, hits) = serve_page(PAGE).await;
    let link = format!("{server}/articles/1");
    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", &format!("@alice read {link} #news"))],
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        posted["card"].is_null(),
        "the card comes later, from the queue"
    );
    let path = format!("/api/v1/statuses/{}", posted["id"].as_str().unwrap());
    let card = app
        .eventually("the preview card", || async {
            let status: Value = app.get(&path, &alice).await.json().await.unwrap();
            (!status["card"].is_null()).then(|| status["card"].clone())
        })
        .await;
    assert_eq!(card["url"], link.as_str());
    assert_eq!(card["title"], "Ferrodon 1.0 & friends");
    assert_eq!(card["description"], "A Mastodon-compatible server.");
    assert_eq!(card["type"], "link");
    assert_eq!(card["provider_name"], "Example News");
    assert_eq!(card["image"], format!("{server}/cover.png").as_str());
    assert_eq!(card["language"], "en");

    // A second status with the same link reuses the card without a fetch.
    let before = hits.load(Ordering::SeqCst);
    let again: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", &format!("again {link}"))],
        )
        .await
        .json()
        .await
        .unwrap();
    let again_path = format!("/api/v1/statuses/{}", again["id"].as_str().unwrap());
    app.eventually("the reused card", || async {
        let status: Value = app.get(&again_path, &alice).await.json().await.unwrap();
        (status["card"]["title"] == "Ferrodon 1.0 & friends").then_some(())
    })
    .await;
    assert_eq!(hits.load(Ordering::SeqCst), before, "no second fetch");

    // Two accounts shared it: it trends, with its history.
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let shared: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", &format!("wow {link}"))],
        )
        .await
        .json()
        .await
        .unwrap();
    let shared_path = format!("/api/v1/statuses/{}", shared["id"].as_str().unwrap());
    app.eventually("bob's card", || async {
        let status: Value = app.get(&shared_path, &bob).await.json().await.unwrap();
        (!status["card"].is_null()).then_some(())
    })
    .await;
    let trending: Value = app
        .get("/api/v1/trends/links", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trending[0]["url"], link.as_str(), "{trending}");
    assert_eq!(trending[0]["history"][0]["accounts"], "2");

    // Editing the link away removes the card.
    app.client
        .put(app.url(&again_path))
        .bearer_auth(&alice)
        .form(&[("status", "no link any more")])
        .send()
        .await
        .unwrap();
    app.eventually("the card gone after the edit", || async {
        let status: Value = app.get(&again_path, &alice).await.json().await.unwrap();
        status["card"].is_null().then_some(())
    })
    .await;
}

#[tokio::test]
async fn private_addresses_get_no_card() {
    // Without the development setting, a link to a loopback address is
    // never fetched, so the status gets no card.
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (server, hits) = serve_page(PAGE).await;
    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", &format!("look {server}/secret"))],
        )
        .await
        .json()
        .await
        .unwrap();
    let status = ferrodon_core::db::queries::statuses::get_status_by_id(
        &mut app.state.conn().await.unwrap(),
        posted["id"].as_str().unwrap().parse().unwrap(),
    )
    .await
    .unwrap();
    ferrodon_core::cards::fetch_card(&app.state, &status)
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    let shown: Value = app
        .get(
            &format!("/api/v1/statuses/{}", posted["id"].as_str().unwrap()),
            &alice,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(shown["card"].is_null());
}
