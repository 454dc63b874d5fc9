//! Local custom emojis: `ferrodonctl emoji`, `GET /api/v1/custom_emojis`,
//! their use in statuses and profiles and in the federated documents.
use std::path::{Path, PathBuf};
use std::process::Command;

use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::media::png;

/// A GIF header followed by filler: enough for type sniffing.
fn gif() -> Vec<u8> {
    let mut bytes = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    bytes.extend_from_slice(&[0x3b; 16]);
    bytes
}

fn scratch_dir(app: &TestApp, name: &str) -> PathBuf {
    let port = app.base_url.rsplit(':').next().unwrap_or("0").to_owned();
    let dir = std::env::temp_dir().join(format!("ferrodon-emoji-{port}-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `tar czf` of `files` written into `dir`; the archive's path.
fn archive(dir: &Path, files: &[(&str, Vec<u8>)]) -> String {
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    for (name, bytes) in files {
        std::fs::write(content.join(name), bytes).unwrap();
    }
    let path = dir.join("emojis.tar.gz");
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let status = Command::new("tar")
        .arg("czf")
        .arg(&path)
        .arg("-C")
        .arg(&content)
        .args(&names)
        .status()
        .unwrap();
    assert!(status.success());
    path.to_string_lossy().into_owned()
}

async fn listed(app: &TestApp) -> Vec<Value> {
    let resp = app
        .client
        .get(app.url("/api/v1/custom_emojis"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cache = resp.headers()["Cache-Control"].to_str().unwrap().to_owned();
    assert!(cache.contains("public"), "{cache}");
    resp.json::<Vec<Value>>().await.unwrap()
}

fn shortcodes(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|e| e["shortcode"].as_str().unwrap())
        .collect()
}

async fn fetch_ap(app: &TestApp, url: &str) -> Value {
    app.client
        .get(url)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    app.get(path, token).await.json().await.unwrap()
}

fn emoji_tags(document: &Value) -> Vec<(String, String)> {
    document["tag"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["type"] == "Emoji")
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["icon"]["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn emojis_are_imported_listed_and_refused_when_bad() {
    let app = TestApp::spawn().await;
    assert!(listed(&app).await.is_empty());
    let dir = scratch_dir(&app, "import");
    let blobcat = png(32, 32);
    let path = archive(
        &dir,
        &[
            ("blobcat.png", blobcat.clone()),
            ("party_parrot.gif", gif()),
            ("._blobcat.png", png(4, 4)),
            ("readme.txt", b"not an emoji".to_vec()),
            ("fake.png", b"<html>not a png</html>".to_vec()),
            ("x.png", png(4, 4)),
            ("huge.png", vec![0x89; 300 * 1024]),
        ],
    );

    let out = app.ctl(&["emoji", "import", &path, "--category", "Blobs"]);
    assert!(
        out.contains("Imported 2, skipped 0, failed to import 3"),
        "{out}"
    );
    let list = listed(&app).await;
    assert_eq!(shortcodes(&list), ["blobcat", "party_parrot"]);
    assert_eq!(list[0]["category"], "Blobs");
    assert_eq!(list[0]["visible_in_picker"], true);
    assert_eq!(list[0]["static_url"], list[0]["url"]);
    let url = list[0]["url"].as_str().unwrap();
    assert!(url.contains("/custom_emojis/images/"), "{url}");
    let image = app.client.get(url).send().await.unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.bytes().await.unwrap().to_vec(), blobcat);

    // Again: existing ones are skipped, or replaced with --overwrite; a
    // prefix makes new shortcodes.
    let out = app.ctl(&["emoji", "import", &path]);
    assert!(
        out.contains("Imported 0, skipped 2, failed to import 3"),
        "{out}"
    );
    let out = app.ctl(&["emoji", "import", &path, "--overwrite"]);
    assert!(out.contains("Imported 2, skipped 0"), "{out}");
    let replaced = listed(&app).await;
    assert_ne!(replaced[0]["url"], list[0]["url"]);
    assert!(replaced[0].get("category").is_none());
    assert_eq!(app.client.get(url).send().await.unwrap().status(), 404);
    // ("x" alone is too short, "a_x_z" is not.)
    let out = app.ctl(&["emoji", "import", &path, "--prefix", "a_", "--suffix", "_z"]);
    assert!(
        out.contains("Imported 3, skipped 0, failed to import 2"),
        "{out}"
    );
    assert_eq!(
        shortcodes(&listed(&app).await),
        [
            "a_blobcat_z",
            "a_party_parrot_z",
            "a_x_z",
            "blobcat",
            "party_parrot"
        ]
    );

    // One by one: bad shortcodes, types and sizes are refused.
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let good = file("good.png", &png(8, 8));
    let err = app.ctl_fails(&["emoji", "add", "bad-code", &good]);
    assert!(err.contains("Shortcode"), "{err}");
    app.ctl_fails(&["emoji", "add", "b", &good]);
    let err = app.ctl_fails(&["emoji", "add", "text", &file("t.png", b"hello")]);
    assert!(err.contains("file type"), "{err}");
    let mut big = png(8, 8);
    big.resize(257 * 1024, 0);
    let err = app.ctl_fails(&["emoji", "add", "big", &file("big.png", &big)]);
    assert!(err.contains("256 KB"), "{err}");
    app.ctl_fails(&["emoji", "add", "blobcat", &good]);
    assert!(app
        .ctl(&["emoji", "add", "neko", &good, "--category", "Cats"])
        .contains("Added"));
    let list = app.ctl(&["emoji", "list"]);
    assert!(list.contains("neko\tCats\t"), "{list}");

    // Export, purge, import the export back.
    let export = dir.join("export.tar.gz").to_string_lossy().into_owned();
    assert!(app
        .ctl(&["emoji", "export", &export])
        .contains("Exported 6"));
    // GNU tar reads the export too.
    let listing = Command::new("tar")
        .arg("tzf")
        .arg(&export)
        .output()
        .unwrap();
    assert!(listing.status.success(), "{listing:?}");
    assert_eq!(String::from_utf8_lossy(&listing.stdout).lines().count(), 6);
    app.ctl_fails(&["emoji", "export", &export]);
    assert!(app.ctl(&["emoji", "remove", "neko"]).contains("Removed"));
    app.ctl_fails(&["emoji", "remove", "neko"]);
    app.ctl(&["emoji", "purge", "--remote-only"]);
    assert_eq!(listed(&app).await.len(), 5);
    app.ctl(&["emoji", "purge"]);
    assert!(listed(&app).await.is_empty());
    let out = app.ctl(&["emoji", "import", &export]);
    assert!(
        out.contains("Imported 6, skipped 0, failed to import 0"),
        "{out}"
    );
    assert_eq!(listed(&app).await.len(), 6);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn local_emojis_appear_in_statuses_profiles_and_federated_documents() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let dir = scratch_dir(&app, "use");
    let image = dir.join("blobcat.png");
    std::fs::write(&image, png(16, 16)).unwrap();
    app.ctl(&["emoji", "add", "blobcat", image.to_str().unwrap()]);
    app.ctl(&["emoji", "add", "wave", image.to_str().unwrap()]);
    let url = listed(&app).await[0]["url"].as_str().unwrap().to_owned();

    let status: Value = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[("status", "hello :blobcat: and :unknown: and : blobcat :")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["emojis"].as_array().unwrap().len(), 1, "{status}");
    assert_eq!(status["emojis"][0]["shortcode"], "blobcat");
    assert_eq!(status["emojis"][0]["url"], url.as_str());
    let id = status["id"].as_str().unwrap();
    let fetched = get_json(&app, &format!("/api/v1/statuses/{id}"), &token).await;
    assert_eq!(fetched["emojis"][0]["shortcode"], "blobcat");

    let note = fetch_ap(&app, status["uri"].as_str().unwrap()).await;
    assert_eq!(emoji_tags(&note), [(":blobcat:".to_owned(), url.clone())]);

    // A profile using :wave: gets it in its account entity and actor.
    let me: Value = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&token)
        .form(&[("display_name", "Alice :wave:")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["emojis"][0]["shortcode"], "wave", "{me}");
    let shown = get_json(&app, &format!("/api/v1/accounts/{}", alice.id), &token).await;
    assert_eq!(shown["emojis"][0]["shortcode"], "wave");
    let actor = fetch_ap(&app, &alice.uri).await;
    assert_eq!(emoji_tags(&actor)[0].0, ":wave:");
    let by_profile_url = fetch_ap(&app, &format!("{}/@alice", app.base_url)).await;
    assert_eq!(emoji_tags(&by_profile_url)[0].0, ":wave:");

    // Removed emojis are no longer attached.
    app.ctl(&["emoji", "remove", "blobcat"]);
    let fetched = get_json(&app, &format!("/api/v1/statuses/{id}"), &token).await;
    assert!(fetched["emojis"].as_array().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
