//! `ferrodonctl import mastodon` against a Mastodon database built from
//! tests/fixtures/mastodon/{schema,data}.sql, then the imported instance
//! checked over HTTP: same actor id and key, same status ids and URIs,
//! followers kept, the Mastodon password still signing in.
use std::path::Path;

use ferrodon_core::db::diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use ferrodon_core::db::models::Role;
use ferrodon_core::db::queries::users;
use ferrodon_testkit::{oauth, TestApp, TestDb};
use serde_json::Value;

const ALICE: i64 = 109_990_000_000_000_001;
const CAROL_POST: i64 = 110_000_000_000_000_010;
const HELLO: i64 = 110_000_000_000_000_100;
const BOB_POST: i64 = 110_000_000_000_000_200;
const REPLY: i64 = 110_000_000_000_000_300;
const REBLOG: i64 = 110_000_000_000_000_400;
const DIRECT: i64 = 110_000_000_000_000_500;
const DELETED: i64 = 110_000_000_000_000_600;
const MEDIA: i64 = 110_000_000_000_000_101;
const ALICE_PASSWORD: &str = "correct horse battery staple";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/mastodon")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Devise's format: bcrypt version 2a, cost 10 (4 keeps the test fast).
fn devise_hash(password: &str) -> String {
    bcrypt::hash_with_result(password, 4)
        .unwrap()
        .format_for_version(bcrypt::Version::TwoA)
}

/// A tiny real PNG.
fn png(shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(2, 2, image::Rgb([shade, 100, 50]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Loads the fixture into `db`, with the Mastodon server at `base_url`.
async fn load_mastodon(db: &TestDb, base_url: &str) -> AsyncPgConnection {
    let data = fixture("data.sql")
        .replace("https://mastodon.example", base_url)
        .replace("{{ALICE_BCRYPT}}", &devise_hash(ALICE_PASSWORD))
        .replace("{{BOB_BCRYPT}}", &devise_hash("bob's password"));
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    conn.batch_execute(&fixture("schema.sql")).await.unwrap();
    conn.batch_execute(&data).await.unwrap();
    conn
}

/// Mastodon's public/system tree with alice's avatar and the attachment.
fn media_root(cat: &[u8], avatar: &[u8]) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!(
        "ferrodon-mastodon-system-{}",
        ferrodon_testkit::random_suffix()
    ));
    let files = [
        (
            "media_attachments/files/110/000/000/000/000/101/original/cat.png",
            cat,
        ),
        (
            "accounts/avatars/109/990/000/000/000/001/original/alice.png",
            avatar,
        ),
    ];
    for (key, bytes) in files {
        let path = root.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    root
}

/// An account's public key PEM as the Mastodon database holds it.
async fn source_public_key(conn: &mut AsyncPgConnection, username: &str) -> String {
    use ferrodon_core::db::diesel::dsl::sql;
    use ferrodon_core::db::diesel::sql_types::Text;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    assert!(username.chars().all(|c| c.is_ascii_alphanumeric()));
    let key: String = ferrodon_core::db::diesel::select(sql::<Text>(&format!(
        "(SELECT public_key FROM accounts WHERE username = '{username}' AND domain IS NULL)"
    )))
    .get_result(conn)
    .await
    .unwrap();
    assert!(key.starts_with("-----BEGIN PUBLIC KEY-----"));
    key
}

/// Row counts of the tables the import writes, to show a run wrote nothing.
async fn row_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    use ferrodon_core::db::diesel::dsl::sql;
    use ferrodon_core::db::diesel::sql_types::BigInt;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    let mut conn = app.state.conn().await.unwrap();
    let mut out = Vec::new();
    for table in [
        "accounts",
        "users",
        "account_images",
        "statuses",
        "mentions",
        "tags",
        "statuses_tags",
        "media_attachments",
        "follows",
    ] {
        let n: i64 = ferrodon_core::db::diesel::select(sql::<BigInt>(&format!(
            "(SELECT count(*) FROM {table})"
        )))
        .get_result(&mut *conn)
        .await
        .unwrap();
        out.push((table, n));
    }
    out
}

fn import(app: &TestApp, source: &TestDb, root: &Path, dry_run: bool) -> Value {
    let root = root.display().to_string();
    let mut args = vec![
        "import",
        "mastodon",
        "--source-database-url",
        source.url.as_str(),
        "--media-root",
        root.as_str(),
        "--json",
    ];
    if dry_run {
        args.push("--dry-run");
    }
    serde_json::from_str(&app.ctl(&args)).unwrap()
}

fn assert_tally(report: &Value, kind: &str, added: u64, present: u64) {
    assert_eq!(
        (
            report[kind]["added"].as_u64(),
            report[kind]["present"].as_u64()
        ),
        (Some(added), Some(present)),
        "{kind} in {report:#}"
    );
}

async fn json(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn password_grant(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let client = oauth::register_app(app, "Migrated", "read write").await;
    oauth::password_grant(app, &client, email, password, "read write").await
}

#[tokio::test]
async fn mastodon_import_keeps_ids_keys_followers_and_passwords() {
    let app = TestApp::spawn_with(&[("FERRODON_ENABLE_PASSWORD_GRANT", "true")]).await;
    let source = TestDb::empty().await;
    let mut src = load_mastodon(&source, &app.base_url).await;
    let (cat, avatar) = (png(10), png(200));
    let root = media_root(&cat, &avatar);

    // A dry run counts and writes nothing.
    let empty = row_counts(&app).await;
    let dry = import(&app, &source, &root, true);
    assert_eq!(row_counts(&app).await, empty, "the dry run wrote rows");
    assert_eq!(dry["dry_run"], true);
    assert_tally(&dry, "local_accounts", 2, 0);
    assert_tally(&dry, "remote_accounts", 1, 0);
    assert_tally(&dry, "statuses", 6, 0);
    assert_tally(&dry, "follows", 3, 0);
    let missing = app
        .client
        .get(app.url("/api/v1/accounts/lookup?acct=alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404, "the dry run wrote alice");

    let report = import(&app, &source, &root, false);
    assert_tally(&report, "local_accounts", 2, 0);
    assert_tally(&report, "remote_accounts", 1, 0);
    assert_tally(&report, "statuses", 6, 0);
    assert_tally(&report, "follows", 3, 0);
    assert_eq!(report["mentions"], 2, "{report:#}");
    assert_eq!(report["tags"], 1);
    assert_eq!(report["media"], 1);
    assert_eq!(report["files_copied"], 2, "{report:#}");
    assert_eq!(report["files_missing"], 0);

    // The actor keeps its id and the key remote servers have cached.
    let actor = json(
        app.client
            .get(app.url("/users/alice"))
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let actor_id = format!("{}/users/alice", app.base_url);
    assert_eq!(actor["id"], actor_id);
    assert_eq!(
        actor["publicKey"]["publicKeyPem"],
        source_public_key(&mut src, "alice").await
    );
    assert_eq!(actor["publicKey"]["owner"], actor_id);

    let domain = app.base_url.trim_start_matches("http://").to_owned();
    let jrd = json(
        app.client
            .get(app.url("/.well-known/webfinger"))
            .query(&[("resource", format!("acct:alice@{domain}"))])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let self_link = jrd["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(self_link["href"], actor_id);

    // The Mastodon password signs in, and the bcrypt hash becomes argon2.
    let wrong = password_grant(&app, "alice@mastodon.example", "not it").await;
    assert_eq!(wrong.status(), 400, "a wrong password must fail");
    let mut conn = app.state.conn().await.unwrap();
    let before = users::get_user_by_account_id(&mut conn, ALICE)
        .await
        .unwrap();
    assert!(before.encrypted_password.starts_with("$2a$"));
    assert_eq!(before.role, Role::Owner);
    assert_eq!(before.default_privacy, "unlisted");
    let token = json(password_grant(&app, "alice@mastodon.example", ALICE_PASSWORD).await).await;
    let token = token["access_token"].as_str().unwrap().to_owned();
    let after = users::get_user_by_account_id(&mut conn, ALICE)
        .await
        .unwrap();
    assert!(
        after.encrypted_password.starts_with("$argon2id$"),
        "the hash was not upgraded"
    );
    drop(conn);
    let again = password_grant(&app, "alice@mastodon.example", ALICE_PASSWORD).await;
    assert_eq!(again.status(), 200, "the argon2 hash must verify too");

    // Profile and counters.
    let me = json(app.get("/api/v1/accounts/verify_credentials", &token).await).await;
    assert_eq!(me["id"], ALICE.to_string());
    assert_eq!(me["display_name"], "Alice Liddell");
    assert_eq!(me["followers_count"], 2);
    assert_eq!(me["following_count"], 1);
    assert_eq!(me["statuses_count"], 4);
    assert_eq!(me["fields"][0]["name"], "Home");
    let avatar_url = me["avatar"].as_str().unwrap();
    let served = app.client.get(avatar_url).send().await.unwrap();
    assert_eq!(served.status(), 200, "{avatar_url}");
    assert_eq!(served.bytes().await.unwrap().as_ref(), avatar.as_slice());

    // Statuses keep their ids, URIs and content.
    let list = json(
        app.get(
            &format!("/api/v1/accounts/{ALICE}/statuses?limit=40"),
            &token,
        )
        .await,
    )
    .await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for id in [HELLO, REPLY, REBLOG] {
        assert!(
            ids.contains(&id.to_string().as_str()),
            "{id} not in {ids:?}"
        );
    }
    assert!(!ids.contains(&DELETED.to_string().as_str()));
    let hello = json(app.get(&format!("/api/v1/statuses/{HELLO}"), &token).await).await;
    assert_eq!(
        hello["uri"],
        format!("{}/users/alice/statuses/{HELLO}", app.base_url)
    );
    assert!(hello["content"]
        .as_str()
        .unwrap()
        .starts_with("<p>Hello from Mastodon <a href="));
    assert_eq!(hello["url"], format!("{}/@alice/{HELLO}", app.base_url));
    assert_eq!(hello["tags"][0]["name"], "ferrodon");
    assert_eq!(hello["spoiler_text"], "cat picture");
    assert_eq!(hello["sensitive"], true);
    assert_eq!(hello["language"], "en");
    let media = &hello["media_attachments"][0];
    assert_eq!(media["id"], MEDIA.to_string());
    assert_eq!(media["type"], "image");
    assert_eq!(media["description"], "A small cat");
    assert_eq!(media["blurhash"], "LEHV6nWB2yk8pyo0adR*.7kCMdnj");
    let media_url = media["url"].as_str().unwrap();
    assert!(
        media_url.ends_with("/media_attachments/files/110/000/000/000/000/101/original/cat.png")
    );
    let served = app.client.get(media_url).send().await.unwrap();
    assert_eq!(served.status(), 200, "{media_url}");
    assert_eq!(served.bytes().await.unwrap().as_ref(), cat.as_slice());

    let reply = json(app.get(&format!("/api/v1/statuses/{REPLY}"), &token).await).await;
    assert_eq!(reply["in_reply_to_id"], CAROL_POST.to_string());
    assert_eq!(reply["visibility"], "unlisted");
    assert_eq!(reply["mentions"][0]["acct"], "carol@remote.example");
    let parent = json(
        app.get(&format!("/api/v1/statuses/{CAROL_POST}"), &token)
            .await,
    )
    .await;
    assert_eq!(
        parent["uri"],
        "https://remote.example/users/carol/statuses/9001"
    );
    assert_eq!(parent["content"], "<p>Carol's remote post</p>");
    let reblog = json(app.get(&format!("/api/v1/statuses/{REBLOG}"), &token).await).await;
    assert_eq!(reblog["reblog"]["id"], BOB_POST.to_string());
    assert_eq!(
        reblog["uri"],
        format!("{}/users/alice/statuses/{REBLOG}/activity", app.base_url)
    );
    let direct = json(app.get(&format!("/api/v1/statuses/{DIRECT}"), &token).await).await;
    assert_eq!(direct["visibility"], "direct");
    assert_eq!(direct["mentions"][0]["acct"], "carol@remote.example");
    assert!(direct["content"]
        .as_str()
        .unwrap()
        .contains("href=\"https://remote.example/@carol\""));

    // The ActivityPub URI of a status still resolves to the same object.
    let note = json(
        app.client
            .get(app.url(&format!("/users/alice/statuses/{HELLO}")))
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(note["id"], hello["uri"]);
    assert_eq!(note["attributedTo"], actor_id);

    // The remote follower is still a follower (so posts are delivered to it).
    let followers = json(
        app.get(&format!("/api/v1/accounts/{ALICE}/followers"), &token)
            .await,
    )
    .await;
    let accts: Vec<&str> = followers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap())
        .collect();
    assert!(accts.contains(&"carol@remote.example"), "{accts:?}");
    assert!(accts.contains(&"bob"), "{accts:?}");
    let mut conn = app.state.conn().await.unwrap();
    let inboxes = ferrodon_core::db::queries::follows::remote_follower_inboxes(&mut conn, ALICE)
        .await
        .unwrap();
    assert_eq!(inboxes, vec!["https://remote.example/inbox".to_owned()]);
    drop(conn);

    // A second run finds everything and adds nothing.
    let imported = row_counts(&app).await;
    assert!(imported.iter().all(|(_, n)| *n > 0), "{imported:?}");
    let second = import(&app, &source, &root, false);
    assert_eq!(
        row_counts(&app).await,
        imported,
        "the second run wrote rows"
    );
    assert_tally(&second, "local_accounts", 0, 2);
    assert_tally(&second, "remote_accounts", 0, 1);
    assert_tally(&second, "statuses", 0, 6);
    assert_tally(&second, "follows", 0, 3);
    assert_eq!(second["files_copied"], 0);
    let me_again = json(app.get("/api/v1/accounts/verify_credentials", &token).await).await;
    assert_eq!(me_again["statuses_count"], 4);
    assert_eq!(me_again["followers_count"], 2);
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn mastodon_import_refuses_another_domain() {
    let app = TestApp::spawn().await;
    let source = TestDb::empty().await;
    let _src = load_mastodon(&source, "https://mastodon.example").await;
    let err = app.ctl_fails(&[
        "import",
        "mastodon",
        "--source-database-url",
        source.url.as_str(),
    ]);
    assert!(err.contains("https://mastodon.example"), "{err}");
    assert!(err.contains("LOCAL_DOMAIN"), "{err}");
    let missing = app
        .client
        .get(app.url("/api/v1/accounts/lookup?acct=alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        404,
        "nothing is written after the refusal"
    );
}

#[tokio::test]
async fn mastodon_import_leaves_a_taken_username_alone() {
    let app = TestApp::spawn().await;
    let (_, existing_bob, _) = ferrodon_testkit::factories::local_user(&app.state, "bob").await;
    let source = TestDb::empty().await;
    let _src = load_mastodon(&source, &app.base_url).await;
    let root = media_root(&png(1), &png(2));
    let text = app.ctl(&[
        "import",
        "mastodon",
        "--source-database-url",
        source.url.as_str(),
        "--dry-run",
    ]);
    let line = |kind: &str| {
        text.lines()
            .find(|l| l.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} line in:\n{text}"))
            .split_whitespace()
            .filter_map(|w| w.parse::<u64>().ok())
            .collect::<Vec<_>>()
    };
    assert_eq!(line("local accounts"), vec![1, 0, 1], "{text}");
    assert_eq!(line("statuses"), vec![4, 0, 2], "{text}");
    assert!(text.contains("would add"), "{text}");
    assert!(
        text.contains("warning: skipped local account bob"),
        "{text}"
    );
    let report = import(&app, &source, &root, false);
    assert_tally(&report, "local_accounts", 1, 0);
    assert_eq!(report["local_accounts"]["skipped"], 1, "{report:#}");
    // bob's post and alice's reblog of it stay behind; bob's follow of alice too.
    assert_tally(&report, "statuses", 4, 0);
    assert_eq!(report["statuses"]["skipped"], 2, "{report:#}");
    assert_tally(&report, "follows", 2, 0);
    assert!(report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("skipped local account bob")));
    let bob = json(
        app.client
            .get(app.url("/api/v1/accounts/lookup?acct=bob"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bob["id"], existing_bob.id.to_string());
    assert_eq!(bob["statuses_count"], 0);
    let _ = std::fs::remove_dir_all(&root);
}
