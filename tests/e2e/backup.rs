//! `ferrodonctl backup create|verify|restore`: a backup of a live instance
//! restored into an empty database and media directory gives an instance
//! that answers the API exactly as the original did, with the same files.
use std::path::{Path, PathBuf};

use ferrodon_testkit::app::{free_port, run_ctl_with};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::{TestApp, TestDb};
use serde_json::{json, Value};

use crate::media::{files_under, media_root, png};

fn env_value(app: &TestApp, name: &str) -> String {
    app.env()
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Every file under `root`, as (relative path, bytes), sorted.
fn contents_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = files_under(root)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (relative, std::fs::read(&path).unwrap())
        })
        .collect();
    found.sort();
    found
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let resp = app.get(path, token).await;
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.json().await.unwrap()
}

/// Alice follows Bob, posts with an image, Bob favourites it.
async fn arrange(app: &TestApp) -> (String, String, String) {
    let (_, alice, alice_token) = local_user(&app.state, "alice").await;
    let (_, bob, bob_token) = local_user(&app.state, "bob").await;
    let resp = app
        .post_json(
            &format!("/api/v1/accounts/{}/follow", bob.id),
            &alice_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(png(64, 48)).file_name("a.png"),
        )
        .text("description", "a gradient");
    let media: Value = app
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&alice_token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media_id = media["id"].as_str().unwrap().to_owned();
    let status: Value = app
        .post_json(
            "/api/v1/statuses",
            &alice_token,
            &json!({ "status": "before the backup #ferrodon", "media_ids": [media_id] }),
        )
        .await
        .json()
        .await
        .unwrap();
    let status_id = status["id"].as_str().unwrap().to_owned();
    let resp = app
        .post_json(
            &format!("/api/v1/statuses/{status_id}/favourite"),
            &bob_token,
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    (alice.id.to_string(), alice_token, status_id)
}

fn backup_dir() -> PathBuf {
    std::env::temp_dir().join(format!(
        "ferrodon-backup-{}",
        ferrodon_testkit::random_suffix()
    ))
}

#[tokio::test]
async fn a_restored_backup_answers_like_the_original() {
    let original = TestApp::spawn().await;
    let (alice_id, token, status_id) = arrange(&original).await;
    let dir = backup_dir();
    let dir_arg = dir.to_str().unwrap();

    original.ctl(&["backup", "create", dir_arg]);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["accounts"], 2);
    assert_eq!(manifest["counts"]["statuses"], 1);
    assert_eq!(manifest["counts"]["favourites"], 1);
    assert_eq!(
        manifest["local_domain"],
        env_value(&original, "LOCAL_DOMAIN")
    );
    let original_files = contents_under(&media_root(&original));
    assert!(!original_files.is_empty());
    assert_eq!(
        manifest["media"]["files"].as_array().map(Vec::len),
        Some(original_files.len()),
        "every stored file is in the backup"
    );
    let verified = original.ctl(&["backup", "verify", dir_arg]);
    assert!(verified.contains("files match the manifest"), "{verified}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("database.dump"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the dump is readable by its owner only");

    // Restoring over a database that holds accounts needs --force.
    let refused = original.ctl_fails(&["backup", "restore", dir_arg]);
    assert!(refused.contains("already holds 2 accounts"), "{refused}");

    // Into an empty database and media directory, under the same domain.
    let db = TestDb::new().await;
    let restored_root = std::env::temp_dir().join(format!(
        "ferrodon-media-restored-{}",
        ferrodon_testkit::random_suffix()
    ));
    let media_root_arg = restored_root.to_str().unwrap().to_owned();
    let domain = env_value(&original, "LOCAL_DOMAIN");
    let mut env = ferrodon_testkit::app::instance_env(&db.url, free_port(), "restore_ctl_unused");
    for (name, value) in [
        ("LOCAL_DOMAIN", domain.clone()),
        ("PAPERCLIP_ROOT_PATH", media_root_arg.clone()),
    ] {
        env.retain(|(k, _)| k != name);
        env.push((name.to_owned(), value));
    }
    let out = run_ctl_with(&env, &["backup", "restore", dir_arg]);
    assert!(
        out.status.success(),
        "restore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = TestApp::spawn_on(
        db,
        &[
            ("LOCAL_DOMAIN", domain.as_str()),
            ("PAPERCLIP_ROOT_PATH", media_root_arg.as_str()),
        ],
    )
    .await;

    // The same token works, and the API gives the same answers.
    for path in [
        format!("/api/v1/accounts/{alice_id}/statuses"),
        format!("/api/v1/statuses/{status_id}"),
        format!("/api/v1/accounts/{alice_id}/following"),
        "/api/v1/accounts/verify_credentials".to_owned(),
    ] {
        let before = get_json(&original, &path, &token).await;
        let after = get_json(&restored, &path, &token).await;
        assert_eq!(before, after, "{path} differs after the restore");
    }
    let statuses = get_json(
        &restored,
        &format!("/api/v1/accounts/{alice_id}/statuses"),
        &token,
    )
    .await;
    assert_eq!(
        statuses[0]["media_attachments"][0]["description"],
        "a gradient"
    );
    assert_eq!(statuses[0]["favourites_count"], 1);

    // The media files came back byte for byte.
    assert_eq!(original_files, contents_under(&restored_root));

    // A damaged backup is refused before anything is touched.
    let (key, _) = &original_files[0];
    std::fs::write(dir.join("media").join(key), b"garbage").unwrap();
    let damaged = original.ctl_fails(&["backup", "verify", dir_arg]);
    assert!(damaged.contains("is damaged"), "{damaged}");

    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_backup_is_not_restored_under_another_domain() {
    let original = TestApp::spawn().await;
    local_user(&original.state, "carol").await;
    let dir = backup_dir();
    original.ctl(&["backup", "create", dir.to_str().unwrap()]);
    // Another instance: an empty database but its own LOCAL_DOMAIN.
    let other = TestApp::spawn().await;
    let refused = other.ctl_fails(&["backup", "restore", dir.to_str().unwrap()]);
    assert!(refused.contains("LOCAL_DOMAIN"), "{refused}");
    // The existing output directory is not overwritten either.
    let again = original.ctl_fails(&["backup", "create", dir.to_str().unwrap()]);
    assert!(again.contains("not empty"), "{again}");
    let _ = std::fs::remove_dir_all(&dir);
}
