//! `/settings/export`: Mastodon-compatible CSV files of follows, blocks,
//! mutes and domain blocks.
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn exports_list_follows_blocks_mutes_and_domain_blocks_as_csv() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let (_, bob, _) = local_user(&app.state, "bob").await;
    let (_, carol, _) = local_user(&app.state, "carol").await;
    let (_, dave, _) = local_user(&app.state, "dave").await;
    let post = |path: String, body: serde_json::Value| {
        let app = &app;
        let token = &token;
        async move {
            let resp = app.post_json(&path, token, &body).await;
            assert_eq!(resp.status(), 200, "{path}");
        }
    };
    post(
        format!("/api/v1/accounts/{}/follow", bob.id),
        json!({"reblogs": false, "notify": true, "languages": ["en", "de"]}),
    )
    .await;
    post(format!("/api/v1/accounts/{}/block", carol.id), json!({})).await;
    post(
        format!("/api/v1/accounts/{}/mute", dave.id),
        json!({"notifications": true}),
    )
    .await;
    post(
        "/api/v1/domain_blocks".into(),
        json!({"domain": "spam.example"}),
    )
    .await;

    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let page = browser.get("/settings/export").await;
    assert!(page
        .body
        .contains("/settings/exports/following_accounts.csv"));
    let domain = app.state.config.local_domain.clone();

    let following = browser
        .get("/settings/exports/following_accounts.csv")
        .await;
    assert_eq!(following.status, 200);
    assert!(following.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        following.body,
        format!("Account address,Show boosts,Notify on new posts,Languages\nbob@{domain},false,true,\"en, de\"\n")
    );
    let blocked = browser.get("/settings/exports/blocked_accounts.csv").await;
    assert_eq!(blocked.body, format!("carol@{domain}\n"));
    let muted = browser.get("/settings/exports/muted_accounts.csv").await;
    assert_eq!(
        muted.body,
        format!("Account address,Hide notifications\ndave@{domain},true\n")
    );
    let domains = browser.get("/settings/exports/blocked_domains.csv").await;
    assert_eq!(domains.body, "spam.example\n");
    assert_eq!(
        browser.get("/settings/exports/secrets.csv").await.status,
        404
    );

    let mut stranger = Browser::new(&app.url(""));
    assert_eq!(
        stranger
            .get("/settings/exports/blocked_accounts.csv")
            .await
            .status,
        303
    );
}

/// The files of a `.tar.gz`, by name.
fn untar(gz: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut tar)
        .expect("gzip");
    let mut files = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at] != 0 {
        let header = &tar[at..at + 512];
        let name_end = header[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = String::from_utf8(header[..name_end].to_vec()).unwrap();
        let size_text = std::str::from_utf8(&header[124..135]).unwrap();
        let size = usize::from_str_radix(size_text.trim_matches(char::from(0)).trim(), 8).unwrap();
        // Octal digits, ended by a NUL or a space (ustar writers differ in
        // how many digits they use).
        let checksum_field = std::str::from_utf8(&header[148..156]).unwrap();
        let checksum = usize::from_str_radix(
            checksum_field
                .trim_start()
                .split(['\0', ' '])
                .next()
                .unwrap(),
            8,
        )
        .unwrap();
        let mut blanked = header.to_vec();
        blanked[148..156].copy_from_slice(b"        ");
        assert_eq!(
            checksum,
            blanked.iter().map(|&b| b as usize).sum::<usize>(),
            "{name} checksum"
        );
        files.push((name, tar[at + 512..at + 512 + size].to_vec()));
        at += 512 + size.div_ceil(512) * 512;
    }
    files
}

#[tokio::test]
async fn the_archive_holds_every_post_as_activitypub() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let (_, _, other) = local_user(&app.state, "bob").await;
    for (text, visibility) in [
        ("hello world", "public"),
        ("just friends", "private"),
        ("@bob psst", "direct"),
    ] {
        let resp = app
            .post_json(
                "/api/v1/statuses",
                &token,
                &json!({"status": text, "visibility": visibility}),
            )
            .await;
        assert_eq!(resp.status(), 200);
    }
    app.post_json(
        "/api/v1/statuses",
        &other,
        &json!({"status": "not alice's"}),
    )
    .await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("alice", PASSWORD).await;
    assert!(browser
        .get("/settings/export")
        .await
        .body
        .contains("/settings/export/archive"));
    let session = browser.cookie("_ferrodon_session").unwrap().to_owned();
    let resp = app
        .client
        .get(app.url("/settings/export/archive"))
        .header("Cookie", format!("_ferrodon_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/gzip");
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"archive-alice-"));
    let bytes = resp.bytes().await.unwrap();
    // GNU tar reads it too.
    let path = std::env::temp_dir().join(format!("ferrodon-archive-{}.tar.gz", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let listed = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "actor.json\noutbox.json\n"
    );
    let files = untar(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["actor.json", "outbox.json"]);
    let actor: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
    assert_eq!(actor["id"], alice.uri);
    let outbox: serde_json::Value = serde_json::from_slice(&files[1].1).unwrap();
    assert_eq!(outbox["totalItems"], 3);
    let contents: Vec<String> = outbox["orderedItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            assert_eq!(item["type"], "Create");
            assert_eq!(item["actor"], alice.uri);
            item["object"]["content"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(
        contents[0].contains("psst")
            && contents[1].contains("just friends")
            && contents[2].contains("hello world")
    );

    // Signed out, there is nothing to download.
    let anonymous = app
        .client
        .get(app.url("/settings/export/archive"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
}
