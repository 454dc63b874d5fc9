use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// The URL of a `Link` header's `rel`.
pub(super) fn link_url(resp: &reqwest::Response, rel: &str) -> Option<String> {
    let header = resp.headers().get("link")?.to_str().ok()?.to_owned();
    header
        .split(", ")
        .find(|part| part.ends_with(&format!("rel=\"{rel}\"")))
        .map(|part| {
            part.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
}

#[tokio::test]
async fn home_timeline_paginates_with_link_headers() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let follow = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[],
        )
        .await;
    assert_eq!(follow.status(), 200);
    let mut ids = Vec::new();
    for i in 0..5 {
        let s: Value = app
            .post_form(
                "/api/v1/statuses",
                &alice,
                &[("status", &format!("status {i}"))],
            )
            .await
            .json()
            .await
            .unwrap();
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    ids.reverse();
    let first = app.get("/api/v1/timelines/home?limit=2", &bob).await;
    let next = link_url(&first, "next").expect("next link");
    let prev = link_url(&first, "prev").expect("prev link");
    assert!(
        next.starts_with(&app.base_url)
            && next.contains("limit=2")
            && next.contains(&format!("max_id={}", ids[1]))
    );
    assert!(prev.contains(&format!("min_id={}", ids[0])));
    let page: Vec<Value> = first.json().await.unwrap();
    assert_eq!(
        page.iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ids[0..2]
    );
    let second: Vec<Value> = app
        .client
        .get(&next)
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        second
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ids[2..4]
    );
    let newer: Vec<Value> = app
        .get(&format!("/api/v1/timelines/home?since_id={}", ids[2]), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newer.len(), 2);
    let empty = app
        .get(&format!("/api/v1/timelines/home?min_id={}", ids[0]), &bob)
        .await;
    assert!(empty.headers().get("link").is_none());
    assert_eq!(empty.json::<Vec<Value>>().await.unwrap().len(), 0);
    assert_eq!(
        app.client
            .get(app.url("/api/v1/timelines/home"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn public_and_tag_timelines() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[("status", "public #Rustacean")],
    )
    .await;
    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[("status", "quiet #rustacean"), ("visibility", "unlisted")],
    )
    .await;
    app.post_form(
        "/api/v1/statuses",
        &alice,
        &[
            ("status", "followers #rustacean"),
            ("visibility", "private"),
        ],
    )
    .await;
    let public: Vec<Value> = app
        .client
        .get(app.url("/api/v1/timelines/public?local=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public.len(), 1);
    assert!(public[0]["content"].as_str().unwrap().contains("public"));
    let remote: Vec<Value> = app
        .client
        .get(app.url("/api/v1/timelines/public?remote=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(remote.is_empty());
    let tagged: Vec<Value> = app
        .client
        .get(app.url("/api/v1/timelines/tag/RUSTACEAN"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tagged.len(), 1);
}

#[tokio::test]
async fn favourites_and_bookmarks_lists() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let s: Value = app
            .post_form("/api/v1/statuses", &alice, &[("status", &format!("s{i}"))])
            .await
            .json()
            .await
            .unwrap();
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    for id in [&ids[2], &ids[0]] {
        app.post_form(&format!("/api/v1/statuses/{id}/favourite"), &alice, &[])
            .await;
        app.post_form(&format!("/api/v1/statuses/{id}/bookmark"), &alice, &[])
            .await;
    }
    for list in ["/api/v1/favourites", "/api/v1/bookmarks"] {
        let resp = app.get(list, &alice).await;
        assert!(resp.headers().get("link").is_some());
        let items: Vec<Value> = resp.json().await.unwrap();
        let got: Vec<&str> = items.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(
            got,
            vec![ids[0].as_str(), ids[2].as_str()],
            "{list} is ordered by when it was added"
        );
    }
}

#[tokio::test]
async fn timeline_preview_off_requires_sign_in() {
    let app = TestApp::spawn_with_streaming(&[]).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    app.post_form("/api/v1/statuses", &alice, &[("status", "hello #preview")])
        .await;
    assert_eq!(
        app.client
            .get(app.url("/api/v1/timelines/public"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    ferrodon_core::services::instance_settings::set_timeline_preview(&app.state, false)
        .await
        .unwrap();
    for path in ["/api/v1/timelines/public", "/api/v1/timelines/tag/preview"] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 422, "{path}");
        assert_eq!(
            resp.json::<Value>().await.unwrap()["error"],
            "This method requires an authenticated user"
        );
        let signed_in: Vec<Value> = app.get(path, &alice).await.json().await.unwrap();
        assert_eq!(signed_in.len(), 1, "{path} with a token");
    }
    let streaming = app
        .streaming_url
        .as_ref()
        .unwrap()
        .replace("ws://", "http://");
    let anonymous = app
        .client
        .get(format!("{streaming}/api/v1/streaming/public"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

/// The names (keys of `ids`) of the statuses a signed-out
/// `GET /api/v1/timelines/tag/{path}` lists, sorted.
async fn tagged<'a>(
    app: &TestApp,
    ids: &'a std::collections::HashMap<&'static str, String>,
    path: String,
) -> Vec<&'a str> {
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/timelines/tag/{path}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let page: Vec<Value> = resp.json().await.unwrap();
    let mut names: Vec<&str> = page
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap();
            *ids.iter().find(|(_, v)| v.as_str() == id).unwrap().0
        })
        .collect();
    names.sort_unstable();
    names
}

/// A hashtag timeline takes other tags, as Mastodon's TagFeed: `any[]`
/// adds alternatives, `all[]` requires more tags (a name no post used
/// constrains nothing), `none[]` leaves posts with those tags out.
#[tokio::test]
async fn tag_timelines_take_any_all_and_none() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let mut ids = std::collections::HashMap::new();
    for (name, text) in [
        ("cats", "#cats only"),
        ("dogs", "#dogs only"),
        ("both", "#cats and #dogs"),
        ("birds", "#cats and #birds"),
    ] {
        let posted: Value = app
            .post_form("/api/v1/statuses", &alice, &[("status", text)])
            .await
            .json()
            .await
            .unwrap();
        ids.insert(name, posted["id"].as_str().unwrap().to_owned());
    }
    let timeline = |query: &str| tagged(&app, &ids, format!("cats{query}"));
    assert_eq!(timeline("").await, ["birds", "both", "cats"]);
    assert_eq!(
        timeline("?any[]=dogs").await,
        ["birds", "both", "cats", "dogs"]
    );
    assert_eq!(timeline("?all[]=dogs").await, ["both"]);
    assert_eq!(timeline("?all[]=Dogs&all[]=neverused").await, ["both"]);
    assert_eq!(timeline("?none[]=dogs&none[]=birds").await, ["cats"]);
    assert_eq!(
        timeline("?any[]=dogs&none[]=cats").await,
        ["dogs"],
        "none applies to the alternatives too"
    );
}

/// Mastodon's TagFeed takes at most four tags per mode (`LIMIT_PER_MODE`)
/// and drops the rest without an error; for `any[]` the timeline's own tag
/// is the first of the four.
#[tokio::test]
async fn tag_timelines_take_four_tags_per_mode() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let mut ids = std::collections::HashMap::new();
    for (name, text) in [
        ("t1", "#t1"),
        ("t2", "#t2"),
        ("t4", "#t4"),
        ("t5", "#t5"),
        ("x_a_to_d", "#x #a #b #c #d"),
        ("x_a_to_e", "#x #a #b #c #d #e"),
        ("x_e", "#x #e"),
        ("x_f", "#x #f"),
        ("x_d", "#x #d"),
    ] {
        let resp = app
            .post_form("/api/v1/statuses", &alice, &[("status", text)])
            .await;
        assert_eq!(resp.status(), 200);
        let posted: Value = resp.json().await.unwrap();
        ids.insert(name, posted["id"].as_str().unwrap().to_owned());
    }
    let timeline = |path: &str| tagged(&app, &ids, path.to_owned());
    // t1 and the first three alternatives: t5 is the fifth name.
    assert_eq!(
        timeline("t1?any[]=t2&any[]=t3&any[]=t4&any[]=t5").await,
        ["t1", "t2", "t4"]
    );
    // The timeline's tag repeated among the alternatives counts once.
    assert_eq!(
        timeline("t1?any[]=t1&any[]=t2&any[]=t3&any[]=t4&any[]=t5").await,
        ["t1", "t2", "t4"]
    );
    // all[]: the fifth name (e) is not required.
    assert_eq!(
        timeline("x?all[]=a&all[]=b&all[]=c&all[]=d&all[]=e").await,
        ["x_a_to_d", "x_a_to_e"]
    );
    // none[]: the fifth name (f) does not exclude.
    assert_eq!(
        timeline("x?none[]=a&none[]=b&none[]=c&none[]=e&none[]=f").await,
        ["x_d", "x_f"]
    );
}
