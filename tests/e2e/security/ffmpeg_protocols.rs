//! Uploads run through ffmpeg, which opens more than the file it is given:
//! an "audio" upload that is an ID3 tag followed by an HLS playlist was
//! probed as HLS and its segment, any local file by path, was read into
//! the processed attachment (another user's media, say); an AVI's
//! embedded subtitle stream can carry such a playlist too. ffmpeg and
//! ffprobe now read only local files and pipes, only through the demuxers
//! of containers we serve, and AVI is refused at upload like any type we
//! do not serve.
use std::path::PathBuf;

use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// Runs ffmpeg on lavfi sources into a temporary file with `extension`;
/// the file's path.
fn generate(source: &str, codec: &[&str], extension: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "ferrodon-e2e-{}-{}.{extension}",
        std::process::id(),
        ferrodon_testkit::random_suffix()
    ));
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(source)
        .args(codec)
        .arg(&path)
        .status()
        .expect("ffmpeg (installed by scripts/setup-services)");
    assert!(status.success());
    path
}

async fn upload_v1(app: &TestApp, token: &str, file: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file).file_name("upload.mp3"),
    );
    let response = app
        .client
        .post(app.url("/api/v1/media"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_playlist_posing_as_audio_cannot_pull_in_a_local_file() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "mallory").await;
    // Someone else's audio on the server's disk (three seconds long).
    let secret = generate("sine=frequency=440:duration=3", &[], "mp3");

    // An empty ID3v2 tag (so it sniffs as audio), then an HLS playlist
    // whose one segment is that file.
    let mut upload = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    upload.extend_from_slice(
        format!(
            "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:10\n#EXTINF:3,\nfile:{}\n#EXT-X-ENDLIST\n",
            secret.display()
        )
        .as_bytes(),
    );
    let (status, body) = upload_v1(&app, &token, upload).await;
    let _ = std::fs::remove_file(&secret);
    assert_eq!(
        status, 422,
        "the playlist was processed, the local file read: {body}"
    );
    assert!(body["error"].is_string(), "{body}");

    // Real audio still goes through.
    let real = generate("sine=frequency=440:duration=1", &[], "mp3");
    let bytes = std::fs::read(&real).unwrap();
    let _ = std::fs::remove_file(&real);
    let (status, body) = upload_v1(&app, &token, bytes).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], "audio");
}

#[tokio::test]
async fn avi_uploads_are_refused() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "mallory").await;
    let avi = generate(
        "testsrc=duration=1:size=160x120:rate=10",
        &["-c:v", "mpeg4"],
        "avi",
    );
    let bytes = std::fs::read(&avi).unwrap();
    let _ = std::fs::remove_file(&avi);
    assert_eq!(&bytes[8..12], b"AVI ");
    let (status, body) = upload_v1(&app, &token, bytes).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("content type"),
        "{body}"
    );
}
