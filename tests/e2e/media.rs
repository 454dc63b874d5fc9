//! Media: uploads through the real web binary (and a real worker with
//! ffmpeg for video), attachments on statuses, avatars, the remote media
//! cache with its proxy and limits, and `ferrodonctl media`.
use std::io::Cursor;
use std::path::{Path, PathBuf};

use ferrodon_core::db::models::NewStatus;
use ferrodon_core::db::queries::{accounts, statuses};
use ferrodon_core::media::remote::{self, RemoteAttachment};
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// A PNG (opaque, with a colour gradient) of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7 % 256) as u8, (y * 5 % 256) as u8, 120])
    });
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A JPEG with an EXIF block saying "rotate 90° clockwise to display"
/// and a camera name that must not survive processing.
fn jpeg_rotated(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 10, 10]));
    let mut jpeg = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    // TIFF (little endian): IFD0 with Orientation = 6 and Make = "SpyCam".
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x0F, 0x01, 2, 0, 7, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"SpyCam\0");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn mp4(seconds: u32) -> Vec<u8> {
    let path = std::env::temp_dir().join(format!(
        "ferrodon-e2e-{}-{}.mp4",
        std::process::id(),
        ferrodon_testkit::random_suffix()
    ));
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc=duration={seconds}:size=320x240:rate=25"))
        .args(["-c:v", "libx264", "-preset", "ultrafast"])
        .arg(&path)
        .status()
        .expect("ffmpeg (installed by scripts/setup-services)");
    assert!(status.success());
    let bytes = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    bytes
}

async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    file: Vec<u8>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file).file_name("upload.bin"),
    );
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    app.client
        .post(format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub fn media_root(app: &TestApp) -> PathBuf {
    app.env()
        .iter()
        .find(|(k, _)| k == "PAPERCLIP_ROOT_PATH")
        .map(|(_, v)| PathBuf::from(v))
        .unwrap()
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The stored attachment files of one style (`upload`, `thumbnail`, …).
fn files_of_style(app: &TestApp, style: &str) -> Vec<PathBuf> {
    let needle = format!("/{style}/");
    files_under(&media_root(app))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&needle))
        .collect()
}

async fn download(app: &TestApp, url: &str) -> (u16, Vec<u8>) {
    let resp = app.client.get(url).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.bytes().await.unwrap().to_vec())
}

async fn count_media_rows(app: &TestApp) -> i64 {
    let mut conn = app.state.conn().await.unwrap();
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    ferrodon_core::db::schema::media_attachments::table
        .count()
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn image_upload_is_processed_stripped_and_attachable() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;

    let resp = upload(
        &app,
        "/api/v2/media",
        &token,
        jpeg_rotated(300, 200),
        &[("description", "A red gradient"), ("focus", "-0.5,0.25")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let media: Value = resp.json().await.unwrap();
    assert_eq!(media["type"], "image");
    assert_eq!(media["description"], "A red gradient");
    assert_eq!(media["remote_url"], Value::Null);
    // EXIF orientation 6 applied: 300×200 stored sideways displays as 200×300.
    assert_eq!(media["meta"]["original"]["width"], 200);
    assert_eq!(media["meta"]["original"]["height"], 300);
    assert_eq!(media["meta"]["focus"]["x"], -0.5);
    assert_eq!(media["blurhash"].as_str().unwrap().len(), 36);
    let url = media["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/system/media_attachments/files/", app.base_url)),
        "{url}"
    );
    let (status, bytes) = download(&app, url).await;
    assert_eq!(status, 200);
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(
        !contains(b"Exif") && !contains(b"SpyCam"),
        "metadata survived"
    );
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (200, 300));
    let (status, _) = download(&app, media["preview_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);

    let id = media["id"].as_str().unwrap().to_owned();
    let shown = app.get(&format!("/api/v1/media/{id}"), &token).await;
    assert_eq!(shown.status(), 200);
    let updated: Value = app
        .client
        .put(format!("{}/api/v1/media/{id}", app.base_url))
        .bearer_auth(&token)
        .form(&[("description", "Still red"), ("focus", "0.1,0.2")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["description"], "Still red");
    assert_eq!(updated["meta"]["focus"]["y"], 0.2);

    // A second image, then a status with both in the order given.
    let second: Value = upload(&app, "/api/v1/media", &token, png(64, 64), &[])
        .await
        .json()
        .await
        .unwrap();
    let second_id = second["id"].as_str().unwrap().to_owned();
    let status: Value = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[
                ("status", ""),
                ("media_ids[]", &second_id),
                ("media_ids[]", &id),
                ("sensitive", "true"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let attached: Vec<&str> = status["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(attached, vec![second_id.as_str(), id.as_str()]);
    assert_eq!(status["sensitive"], true);

    // Media filters on the account and public timelines.
    let text_only: Value = app
        .post_form("/api/v1/statuses", &token, &[("status", "no pictures")])
        .await
        .json()
        .await
        .unwrap();
    let only_media: Vec<Value> = app
        .get(
            &format!("/api/v1/accounts/{}/statuses?only_media=true", alice.id),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only_media.len(), 1);
    assert_eq!(only_media[0]["id"], status["id"]);
    let public: Vec<Value> = app
        .get("/api/v1/timelines/public?only_media=true", &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(public.iter().all(|s| s["id"] != text_only["id"]));
    assert_eq!(public.len(), 1);

    // Attached media cannot be attached again or deleted.
    let again = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[("status", "again"), ("media_ids[]", &id)],
        )
        .await;
    assert_eq!(again.status(), 422);
    let delete = app
        .client
        .delete(format!("{}/api/v1/media/{id}", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 422);
}

#[tokio::test]
async fn bad_uploads_get_422_and_leave_nothing_behind() {
    let app = TestApp::spawn_with(&[
        ("FERRODON_MAX_IMAGE_BYTES", "200K"),
        ("FERRODON_MAX_IMAGE_PIXELS", "250000"),
    ])
    .await;
    let (user, _, token) = local_user(&app.state, "alice").await;
    let root = media_root(&app);

    let png_whole = png(100, 100);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage",
            b"this is not an image at all".to_vec(),
            "content type",
        ),
        (
            "svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".to_vec(),
            "content type",
        ),
        (
            "truncated",
            png_whole[..png_whole.len() / 2].to_vec(),
            "could not be processed",
        ),
        (
            "jpeg magic only",
            b"\xFF\xD8\xFF\xE0garbage garbage".to_vec(),
            "could not be processed",
        ),
        ("bomb", png(600, 600), "pixels"),
        (
            "too big",
            [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 300 * 1024]].concat(),
            "must be less than",
        ),
        (
            "fake video",
            b"\0\0\0\x18ftypisomnot really a video".to_vec(),
            "could not be processed",
        ),
    ];
    for (name, bytes, message) in cases {
        let resp = upload(&app, "/api/v1/media", &token, bytes, &[]).await;
        assert_eq!(resp.status(), 422, "{name}");
        let body: Value = resp.json().await.unwrap();
        let error = body["error"].as_str().unwrap();
        assert!(error.starts_with("Validation failed: "), "{name}: {error}");
        assert!(error.contains(message), "{name}: {error}");
    }
    // No file field at all.
    let resp = app
        .client
        .post(format!("{}/api/v2/media", app.base_url))
        .bearer_auth(&token)
        .multipart(reqwest::multipart::Form::new().text("description", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert_eq!(count_media_rows(&app).await, 0);
    assert!(files_under(&root).is_empty(), "{:?}", files_under(&root));

    // Alt text too long, and a focus point out of range.
    let long = "x".repeat(1501);
    let resp = upload(
        &app,
        "/api/v2/media",
        &token,
        png(10, 10),
        &[("description", &long)],
    )
    .await;
    assert_eq!(resp.status(), 422);
    let resp = upload(
        &app,
        "/api/v2/media",
        &token,
        png(10, 10),
        &[("focus", "3,0")],
    )
    .await;
    assert_eq!(resp.status(), 422);

    // Scopes: a read-only token cannot upload.
    let read_only = token_for(&app.state, &user, "read").await;
    let resp = upload(&app, "/api/v2/media", &read_only, png(10, 10), &[]).await;
    assert_eq!(resp.status(), 403);

    // Someone else's upload, too many and unknown ids are refused on post.
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let bobs: Value = upload(&app, "/api/v2/media", &bob_token, png(10, 10), &[])
        .await
        .json()
        .await
        .unwrap();
    let resp = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[
                ("status", "stolen"),
                ("media_ids[]", bobs["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(resp.status(), 422);
    let resp = app
        .get(
            &format!("/api/v1/media/{}", bobs["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(resp.status(), 404);
    let mut ids = Vec::new();
    for _ in 0..5 {
        let m: Value = upload(&app, "/api/v2/media", &token, png(10, 10), &[])
            .await
            .json()
            .await
            .unwrap();
        ids.push(m["id"].as_str().unwrap().to_owned());
    }
    let mut form: Vec<(&str, &str)> = vec![("status", "five")];
    form.extend(ids.iter().map(|id| ("media_ids[]", id.as_str())));
    let resp = app.post_form("/api/v1/statuses", &token, &form).await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("limited to 4"),
        "{body}"
    );

    // Unattached uploads are swept after their grace period, files first.
    let removed =
        ferrodon_core::media::cleanup::remove_unattached(&app.state, chrono::Duration::zero())
            .await
            .unwrap();
    assert_eq!(removed, 6);
    assert_eq!(count_media_rows(&app).await, 0);
    assert!(files_under(&root).is_empty());
}

#[tokio::test]
async fn video_is_processed_by_the_worker_and_v1_waits() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    let resp = upload(&app, "/api/v2/media", &token, mp4(1), &[("focus", "0,0.5")]).await;
    assert_eq!(resp.status(), 202);
    let media: Value = resp.json().await.unwrap();
    assert_eq!(media["type"], "video");
    assert_eq!(media["url"], Value::Null);
    let id = media["id"].as_str().unwrap().to_owned();
    // Not attachable while processing… (unless the worker was quicker)
    let early = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[("status", "v"), ("media_ids[]", &id)],
        )
        .await;
    let posted_early = early.status() == 200;
    if !posted_early {
        assert_eq!(early.status(), 422);
    }
    let done: Value = app
        .eventually("video processing", || async {
            let resp = app.get(&format!("/api/v1/media/{id}"), &token).await;
            match resp.status().as_u16() {
                200 => Some(resp.json::<Value>().await.unwrap()),
                206 => None,
                other => panic!("unexpected {other}"),
            }
        })
        .await;
    assert_eq!(done["meta"]["original"]["width"], 320);
    assert_eq!(done["meta"]["focus"]["y"], 0.5);
    let (status, bytes) = download(&app, done["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(&bytes[4..8], b"ftyp");
    let (status, thumb) = download(&app, done["preview_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(&thumb[..3], &[0xFF, 0xD8, 0xFF]);
    // The raw upload is gone once processed.
    let uploads = files_of_style(&app, "upload");
    assert!(uploads.is_empty(), "{uploads:?}");
    if !posted_early {
        let resp = app
            .post_form(
                "/api/v1/statuses",
                &token,
                &[("status", "v"), ("media_ids[]", &id)],
            )
            .await;
        assert_eq!(resp.status(), 200);
    }

    // v1 answers only once the file is processed.
    let resp = upload(&app, "/api/v1/media", &token, mp4(1), &[]).await;
    assert_eq!(resp.status(), 200);
    let v1: Value = resp.json().await.unwrap();
    assert!(v1["url"].as_str().unwrap().ends_with(".mp4"));
}

#[tokio::test]
async fn avatars_and_headers_are_cropped_and_removable() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let form = reqwest::multipart::Form::new()
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(png(800, 600)).file_name("a.png"),
        )
        .part(
            "header",
            reqwest::multipart::Part::bytes(png(3000, 600)).file_name("h.png"),
        )
        .text("display_name", "Alice");
    let resp = app
        .client
        .patch(format!(
            "{}/api/v1/accounts/update_credentials",
            app.base_url
        ))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let account: Value = resp.json().await.unwrap();
    assert_eq!(account["display_name"], "Alice");
    let avatar = account["avatar"].as_str().unwrap();
    assert!(avatar.contains("/system/accounts/avatars/"), "{avatar}");
    let (_, bytes) = download(&app, avatar).await;
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 400));
    let (_, bytes) = download(&app, account["header"].as_str().unwrap()).await;
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1500, 500));

    // A bad image leaves the profile untouched.
    let form = reqwest::multipart::Form::new()
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(b"nope".to_vec()).file_name("a.png"),
        )
        .text("display_name", "Mallory");
    let resp = app
        .client
        .patch(format!(
            "{}/api/v1/accounts/update_credentials",
            app.base_url
        ))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["display_name"], "Alice");
    assert_eq!(me["avatar"], avatar);

    let resp = app
        .client
        .delete(format!("{}/api/v1/profile/avatar", app.base_url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let me: Value = resp.json().await.unwrap();
    assert_ne!(me["avatar"], avatar);
    let (status, _) = download(&app, avatar).await;
    assert_eq!(status, 404);
}

/// A tiny HTTP server for remote files: answers every GET with `body`.
pub(crate) async fn serve_file(body: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}")
}

/// A remote account with a public status carrying `n` attachments served by `server`.
pub(crate) async fn remote_status_with_media(
    app: &TestApp,
    server: &str,
    n: usize,
) -> (i64, Vec<i64>) {
    let mut conn = app.state.conn().await.unwrap();
    let account = accounts::put_account(
        &mut conn,
        &ferrodon_core::db::models::NewAccount {
            username: "carol".into(),
            domain: Some("remote.example".into()),
            display_name: "Carol".into(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: "https://remote.example/users/carol".into(),
            url: Some("https://remote.example/@carol".into()),
            inbox_url: String::new(),
            shared_inbox_url: String::new(),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: None,
        },
    )
    .await
    .unwrap();
    let id = accounts::next_id(&mut conn).await.unwrap();
    statuses::put_status(
        &mut conn,
        &NewStatus {
            id,
            uri: format!("https://remote.example/statuses/{id}"),
            url: None,
            account_id: account.id,
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog_of_id: None,
            text: String::new(),
            content: "<p>pictures</p>".into(),
            spoiler_text: String::new(),
            sensitive: false,
            visibility: 0,
            language: None,
            local: false,
            application_id: None,
            quote_approval_policy: 0,
        },
    )
    .await
    .unwrap();
    let mut media_ids = Vec::new();
    for i in 0..n {
        let row = remote::register(
            &mut conn,
            account.id,
            id,
            &RemoteAttachment {
                url: format!("{server}/files/{i}.png"),
                kind: "image".into(),
                description: Some(format!("remote {i}")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        media_ids.push(row.id);
    }
    (id, media_ids)
}

#[tokio::test]
async fn remote_media_is_cached_through_the_proxy_and_bounded() {
    // Each cached entry is one 300×300 PNG re-encoded (original + preview):
    // a cap of 1 byte below two entries' size keeps exactly one.
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let server = serve_file(png(300, 300)).await;
    let (status_id, media_ids) = remote_status_with_media(&app, &server, 3).await;

    let status: Value = app
        .get(&format!("/api/v1/statuses/{status_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let attachments = status["media_attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 3);
    let first = &attachments[0];
    assert!(first["remote_url"].as_str().unwrap().starts_with(&server));
    let proxy = first["url"].as_str().unwrap();
    assert!(proxy.contains("/media_proxy/"), "{proxy}");

    // Forged or missing signatures find nothing.
    let forged = proxy.split("?s=").next().unwrap().to_owned() + "?s=000000000000000000000000";
    assert_eq!(download(&app, &forged).await.0, 404);

    // First request: fetched, stored under cache/, redirected there.
    let resp = app.client.get(proxy).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/system/cache/media_attachments/"),
        "{location}"
    );
    let (status, bytes) = download(&app, &location).await;
    assert_eq!(status, 200);
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 300);
    // Now the API points straight at the cached file.
    let status: Value = app
        .get(&format!("/api/v1/statuses/{status_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["media_attachments"][0]["url"], location.as_str());

    // The job path caches the others.
    for id in &media_ids[1..] {
        remote::cache_attachment(&app.state, *id)
            .await
            .unwrap()
            .unwrap();
    }
    let usage: Value = serde_json::from_str(&app.ctl(&["media", "usage", "--json"])).unwrap();
    let cached = usage["cached_remote_attachments"].as_i64().unwrap();
    assert!(cached > 0);
    let per_entry = cached / 3;

    // Touch the first again so that the second is the least recently used.
    {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::media_attachments::dsl as m;
        let mut conn = app.state.conn().await.unwrap();
        for (id, minutes_ago) in [(media_ids[0], 1), (media_ids[1], 30), (media_ids[2], 10)] {
            ferrodon_core::db::diesel::update(m::media_attachments.find(id))
                .set(m::accessed_at.eq(chrono::Utc::now() - chrono::Duration::minutes(minutes_ago)))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    let mut capped_config = (*app.state.config).clone();
    capped_config.media.cache_max_bytes = Some((per_entry * 2 + per_entry / 2) as u64);
    let capped = ferrodon_core::AppState::new(capped_config).unwrap();
    let trimmed = ferrodon_core::media::cleanup::trim_cache(&capped)
        .await
        .unwrap();
    assert_eq!(trimmed.by_size, 1);
    let mut conn = app.state.conn().await.unwrap();
    let evicted = ferrodon_core::db::queries::media::find_media(&mut conn, media_ids[1])
        .await
        .unwrap()
        .unwrap();
    assert!(evicted.file_key.is_none() && evicted.cached_at.is_none());
    for kept in [media_ids[0], media_ids[2]] {
        let row = ferrodon_core::db::queries::media::find_media(&mut conn, kept)
            .await
            .unwrap()
            .unwrap();
        assert!(row.file_key.is_some());
    }
    drop(conn);

    // Retention by age through ferrodonctl, then the evicted one comes back on demand.
    let out = app.ctl(&["media", "remove", "--days", "0"]);
    assert!(out.contains("Removed 2 cached attachments"), "{out}");
    let cache_files: Vec<PathBuf> = files_under(&media_root(&app).join("cache"));
    assert!(cache_files.is_empty(), "{cache_files:?}");
    assert_eq!(app.client.get(proxy).send().await.unwrap().status(), 302);

    // Orphans: a stray file goes, referenced files stay.
    let stray =
        media_root(&app).join("media_attachments/files/000/000/000/000/000/001/original/stray.png");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"stray").unwrap();
    let out = app.ctl(&["media", "remove-orphans"]);
    assert!(out.contains("Removed 1 orphaned files"), "{out}");
    assert!(!stray.exists());
    assert_eq!(app.client.get(proxy).send().await.unwrap().status(), 302);
}

#[tokio::test]
async fn remote_media_on_private_addresses_is_refused() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let server = serve_file(png(50, 50)).await;
    let (status_id, media_ids) = remote_status_with_media(&app, &server, 1).await;
    let status: Value = app
        .get(&format!("/api/v1/statuses/{status_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let proxy = status["media_attachments"][0]["url"].as_str().unwrap();
    assert_eq!(app.client.get(proxy).send().await.unwrap().status(), 404);
    let row = remote::cache_attachment(&app.state, media_ids[0])
        .await
        .unwrap();
    assert!(row.is_none());
    assert!(files_under(&media_root(&app)).is_empty());
}

#[tokio::test]
async fn uploads_go_to_object_storage_when_s3_is_enabled() {
    let Ok(endpoint) = std::env::var("FERRODON_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: FERRODON_TEST_S3_ENDPOINT is not set (scripts/test starts moto)");
        return;
    };
    let bucket = format!(
        "ferrodon-e2e-{}",
        ferrodon_testkit::random_suffix().to_lowercase()
    );
    let app = TestApp::spawn_with(&[
        ("S3_ENABLED", "true"),
        ("S3_BUCKET", &bucket),
        ("S3_ENDPOINT", &endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ])
    .await;
    let ferrodon_core::media::MediaStore::S3(store) = &app.state.media else {
        panic!("S3_ENABLED did not select the S3 store");
    };
    store.create_bucket().await.unwrap();
    let (_, _, token) = local_user(&app.state, "alice").await;

    let image: Value = upload(&app, "/api/v2/media", &token, png(400, 300), &[])
        .await
        .json()
        .await
        .unwrap();
    let url = image["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{endpoint}/{bucket}/media_attachments/")),
        "{url}"
    );
    // Public-read: a plain anonymous GET, as a client's would be.
    let (status, bytes) = download(&app, url).await;
    assert_eq!(status, 200);
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 400);

    // Video: the raw upload goes through the bucket to the worker and back.
    let resp = upload(&app, "/api/v2/media", &token, mp4(1), &[]).await;
    assert_eq!(resp.status(), 202);
    let id = resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let video: Value = app
        .eventually("video processing", || async {
            let resp = app.get(&format!("/api/v1/media/{id}"), &token).await;
            (resp.status() == 200)
                .then_some(resp)
                .map(|r| r.json::<Value>())
        })
        .await
        .await
        .unwrap();
    let (status, bytes) = download(&app, video["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(&bytes[4..8], b"ftyp");
    assert!(files_under(&media_root(&app)).is_empty());

    // Every stored object is known: nothing to sweep; the raw upload was removed.
    let out = app.ctl(&["media", "remove-orphans", "--dry-run"]);
    assert!(out.contains("Found 0 orphaned files"), "{out}");
    let listed = app.state.media.list("media_attachments/").await.unwrap();
    assert_eq!(listed.len(), 4, "{listed:?}");

    // Deleting an unattached upload deletes its objects.
    let resp = app
        .client
        .delete(format!(
            "{}/api/v1/media/{}",
            app.base_url,
            image["id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_ne!(download(&app, url).await.0, 200);
    assert_eq!(
        app.state
            .media
            .list("media_attachments/")
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn nginx_serves_local_media_files_itself_with_long_cache_headers() {
    let app = TestApp::spawn().await;
    let nginx = ferrodon_testkit::nginx::Nginx::start(&app);
    let (_, _, token) = local_user(&app.state, "alice").await;
    // The upload goes through nginx too (multipart, client_max_body_size).
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png(320, 200)).file_name("a.png"),
    );
    let resp = app
        .client
        .post(format!("{}/api/v2/media", nginx.base_url))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let media: Value = resp.json().await.unwrap();
    let path = media["url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.base_url)
        .unwrap()
        .to_owned();
    let resp = app
        .client
        .get(format!("{}{path}", nginx.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    // Static-file answers carry these; ferrodon-web's fallback does not.
    assert!(
        headers.contains_key("last-modified") && headers.contains_key("etag"),
        "{headers:?}"
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 320);
    // Outside the media directory nothing is served.
    let resp = app
        .client
        .get(format!("{}/system/../Cargo.toml", nginx.base_url))
        .send()
        .await
        .unwrap();
    assert_ne!(resp.status(), 200);
}

#[tokio::test]
async fn remote_avatars_and_headers_are_cached_and_prunable() {
    let app = TestApp::spawn_with(&[("FERRODON_DEV_ALLOW_PRIVATE_FETCH", "true")]).await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let server = serve_file(png(900, 600)).await;
    let (status_id, _) = remote_status_with_media(&app, &server, 0).await;
    let status: Value = app
        .get(&format!("/api/v1/statuses/{status_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    let account_id: i64 = status["account"]["id"].as_str().unwrap().parse().unwrap();
    let default_avatar = status["account"]["avatar"].as_str().unwrap().to_owned();

    ferrodon_core::jobs::queue::enqueue(
        &app.state,
        ferrodon_core::jobs::Job::CacheAccountImages {
            account_id,
            avatar_url: Some(format!("{server}/avatar.png")),
            header_url: Some(format!("{server}/header.png")),
        },
    )
    .await
    .unwrap();
    let account: Value = app
        .eventually("the worker to cache the images", || async {
            let account: Value = app
                .get(&format!("/api/v1/accounts/{account_id}"), &token)
                .await
                .json()
                .await
                .unwrap();
            (account["avatar"] != default_avatar.as_str()).then_some(account)
        })
        .await;
    let avatar = account["avatar"].as_str().unwrap();
    assert!(
        avatar.contains("/system/cache/accounts/avatars/"),
        "{avatar}"
    );
    let (_, bytes) = download(&app, avatar).await;
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 400));
    // 900×600 cropped to the header's 3:1, not enlarged to 1500×500.
    let (_, bytes) = download(&app, account["header"].as_str().unwrap()).await;
    let header = image::load_from_memory(&bytes).unwrap();
    assert_eq!((header.width(), header.height()), (900, 300));
    let usage: Value = serde_json::from_str(&app.ctl(&["media", "usage", "--json"])).unwrap();
    assert!(
        usage["cached_remote_avatars_and_headers"].as_i64().unwrap() > 0,
        "{usage}"
    );

    // Without --prune-profiles they stay; with it they go, back to the default.
    app.ctl(&["media", "remove", "--days", "0"]);
    assert_eq!(download(&app, avatar).await.0, 200);
    let out = app.ctl(&["media", "remove", "--days", "0", "--prune-profiles"]);
    assert!(out.contains("of 1 remote accounts"), "{out}");
    assert_eq!(download(&app, avatar).await.0, 404);
    let account: Value = app
        .get(&format!("/api/v1/accounts/{account_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(account["avatar"], default_avatar.as_str());
    assert!(files_under(&media_root(&app).join("cache")).is_empty());
}

#[tokio::test]
async fn edits_replace_reorder_and_describe_attachments() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let media: Value = upload(&app, "/api/v2/media", &alice, jpeg_rotated(64, 48), &[])
            .await
            .json()
            .await
            .unwrap();
        ids.push(media["id"].as_str().unwrap().to_owned());
    }
    let bobs: Value = upload(&app, "/api/v2/media", &bob, jpeg_rotated(64, 48), &[])
        .await
        .json()
        .await
        .unwrap();
    let status: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "pictures"),
                ("media_ids[]", &ids[0]),
                ("media_ids[]", &ids[1]),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/statuses/{}", status["id"].as_str().unwrap());
    let put = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let path = path.clone();
        let alice = alice.clone();
        async move {
            app.client
                .put(app.url(&path))
                .bearer_auth(&alice)
                .form(&fields)
                .send()
                .await
                .unwrap()
        }
    };
    let attached = |v: &Value| -> Vec<String> {
        v["media_attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };

    // Reorder, add the third, describe the first.
    let edited: Value = put(vec![
        ("status", "pictures, edited".into()),
        ("media_ids[]", ids[2].clone()),
        ("media_ids[]", ids[1].clone()),
        ("media_ids[]", ids[0].clone()),
        ("media_attributes[][id]", ids[0].clone()),
        ("media_attributes[][description]", "a test card".into()),
        ("media_attributes[][focus]", "0.2,-0.5".into()),
    ])
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        attached(&edited),
        vec![ids[2].clone(), ids[1].clone(), ids[0].clone()]
    );
    assert_eq!(edited["media_attachments"][2]["description"], "a test card");
    assert_eq!(edited["media_attachments"][2]["meta"]["focus"]["x"], 0.2);
    assert_eq!(edited["media_attachments"][2]["meta"]["focus"]["y"], -0.5);

    // Someone else's upload cannot be attached, and nothing changes.
    let refused = put(vec![
        ("status", "stolen".into()),
        ("media_ids[]", bobs["id"].as_str().unwrap().to_owned()),
    ])
    .await;
    assert_eq!(refused.status(), 422);
    let unchanged: Value = app.get(&path, &alice).await.json().await.unwrap();
    assert_eq!(attached(&unchanged).len(), 3);
    assert_eq!(unchanged["content"], "<p>pictures, edited</p>");

    // Without media_ids the attachments stay; with one id the others go.
    let text_only: Value = put(vec![("status", "text only edit".into())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(attached(&text_only).len(), 3);
    let one: Value = put(vec![
        ("status", "just one".into()),
        ("media_ids[]", ids[1].clone()),
    ])
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(attached(&one), vec![ids[1].clone()]);
    let detached = app.get(&format!("/api/v1/media/{}", ids[0]), &alice).await;
    assert_eq!(
        detached.status(),
        200,
        "a detached upload is the author's again"
    );
    let reused: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "reused"), ("media_ids[]", &ids[0])],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(attached(&reused), vec![ids[0].clone()]);

    // Deleting with delete_media removes the files at once, not after a day.
    let gone = app
        .client
        .delete(app.url(&format!(
            "/api/v1/statuses/{}?delete_media=true",
            reused["id"].as_str().unwrap()
        )))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 200);
    let media = app.get(&format!("/api/v1/media/{}", ids[0]), &alice).await;
    assert_eq!(media.status(), 404);
}

/// A multipart body with `file` and, when given, `thumbnail`.
async fn upload_with_thumbnail(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    file: Option<Vec<u8>>,
    thumbnail: Vec<u8>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "thumbnail",
        reqwest::multipart::Part::bytes(thumbnail).file_name("thumb.bin"),
    );
    if let Some(file) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name("upload.bin"),
        );
    }
    app.client
        .request(method, format!("{}{path}", app.base_url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// `thumbnail` on `POST /api/v1|v2/media` and `PUT /api/v1/media/:id` is
/// the preview (`preview_url`, and the blurhash) of a video or audio, as
/// Mastodon's; processing keeps it, a new one replaces the old file, and
/// deleting the upload removes it. An image keeps its own preview.
#[tokio::test]
async fn a_chosen_thumbnail_is_the_preview_of_a_video() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;

    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::POST,
        "/api/v2/media",
        &token,
        Some(mp4(1)),
        png(64, 48),
    )
    .await;
    assert_eq!(resp.status(), 202);
    let media: Value = resp.json().await.unwrap();
    let id = media["id"].as_str().unwrap().to_owned();
    let preview = media["preview_url"].as_str().unwrap().to_owned();
    assert!(preview.contains("/thumbnail/"), "{preview}");
    let blurhash = media["blurhash"].as_str().unwrap().to_owned();
    let done: Value = app
        .eventually("video processing", || async {
            let resp = app.get(&format!("/api/v1/media/{id}"), &token).await;
            match resp.status().as_u16() {
                200 => Some(resp.json::<Value>().await.unwrap()),
                206 => None,
                other => panic!("unexpected {other}"),
            }
        })
        .await;
    assert_eq!(done["preview_url"], preview.as_str(), "processing keeps it");
    assert_eq!(done["blurhash"], blurhash.as_str());
    assert!(done["url"].as_str().unwrap().ends_with(".mp4"));
    let (status, bytes) = download(&app, &preview).await;
    assert_eq!(status, 200);
    // Re-encoded by the image pipeline, as the preview of an image is.
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(files_of_style(&app, "thumbnail").len(), 1);

    // A new thumbnail replaces the old one, file and all.
    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/media/{id}"),
        &token,
        None,
        jpeg_rotated(40, 30),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let replaced: Value = resp.json().await.unwrap();
    let new_preview = replaced["preview_url"].as_str().unwrap().to_owned();
    assert_ne!(new_preview, preview);
    assert!(new_preview.contains("/thumbnail/"));
    let (status, bytes) = download(&app, &new_preview).await;
    assert_eq!(status, 200);
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(
        download(&app, &preview).await.0,
        404,
        "the old file is gone"
    );
    assert_eq!(files_of_style(&app, "thumbnail").len(), 1);

    // Something that is not an image is refused, and changes nothing.
    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/media/{id}"),
        &token,
        None,
        b"not an image at all".to_vec(),
    )
    .await;
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["error"],
        "Validation failed: Thumbnail content type is invalid"
    );
    let rows = count_media_rows(&app).await;
    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::POST,
        "/api/v1/media",
        &token,
        Some(mp4(1)),
        b"not an image at all".to_vec(),
    )
    .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(count_media_rows(&app).await, rows, "no row left behind");
    let shown: Value = app
        .get(&format!("/api/v1/media/{id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["preview_url"], new_preview.as_str());

    // v1 waits for processing and answers with the thumbnail too.
    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::POST,
        "/api/v1/media",
        &token,
        Some(mp4(1)),
        png(32, 32),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let v1: Value = resp.json().await.unwrap();
    assert!(v1["preview_url"].as_str().unwrap().contains("/thumbnail/"));
    assert!(v1["url"].as_str().unwrap().ends_with(".mp4"));

    // An image is its own preview.
    let resp = upload_with_thumbnail(
        &app,
        reqwest::Method::POST,
        "/api/v2/media",
        &token,
        Some(png(100, 80)),
        png(32, 32),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let image: Value = resp.json().await.unwrap();
    assert!(!image["preview_url"]
        .as_str()
        .unwrap()
        .contains("/thumbnail/"));

    // Deleting the video removes its thumbnail.
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/media/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(download(&app, &new_preview).await.0, 404);
}
