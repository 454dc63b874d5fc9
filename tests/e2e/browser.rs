//! Flows through the HTML pages in a real browser: Debian's headless
//! Chromium driven by playwright-core (tests/browser/*.mjs). Screenshots of
//! every step go to `$CARGO_TARGET_DIR/browser-artifacts/<flow>/` (or
//! `FERRODON_BROWSER_ARTIFACTS`), which CI keeps.
//!
//! Needs `node`, `/usr/bin/chromium` (or `CHROMIUM_PATH`) and
//! `tests/browser/node_modules` (`npm ci` in tests/browser; scripts/test
//! does it). Missing pieces fail the test with what to install.
use std::path::{Path, PathBuf};
use std::process::Command;

use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

fn artifacts_dir(flow: &str) -> PathBuf {
    let root = std::env::var_os("FERRODON_BROWSER_ARTIFACTS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR").map(|d| PathBuf::from(d).join("browser-artifacts"))
        })
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser-artifacts")
        });
    let dir = root.join(flow.trim_end_matches(".mjs"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `tests/browser/<script>` against `base_url` with `env`, and fails
/// the test with the flow's output unless it passes.
pub fn run_flow(script: &str, base_url: &str, env: &[(&str, &str)]) {
    let dir = browser_dir();
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run `npm ci` in {}",
        dir.display()
    );
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: install Debian's chromium package (or set CHROMIUM_PATH)"
    );
    let artifacts = artifacts_dir(script);
    let output = Command::new("node")
        .arg(script)
        .current_dir(&dir)
        .env("BASE_URL", base_url)
        .env("ARTIFACTS_DIR", &artifacts)
        .env("CHROMIUM_PATH", &chromium)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("could not run node (is Node.js installed?): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser flow {script} failed (screenshots in {}):\n{stdout}\n{stderr}",
        artifacts.display()
    );
    println!("{stdout}");
}

#[tokio::test]
async fn signing_in_in_chromium_sets_a_protected_session_cookie() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    let base = app.url("");
    run_flow(
        "smoke.mjs",
        base.trim_end_matches('/'),
        &[("SIGN_IN_LOGIN", "alice"), ("SIGN_IN_PASSWORD", PASSWORD)],
    );
}

#[tokio::test]
async fn the_web_client_works_in_chromium_without_javascript() {
    let app = TestApp::spawn().await;
    local_user(&app.state, "alice").await;
    local_user(&app.state, "bob").await;
    let base = app.url("");
    run_flow(
        "client.mjs",
        base.trim_end_matches('/'),
        &[
            ("ALICE_LOGIN", "alice"),
            ("BOB_LOGIN", "bob"),
            ("PASSWORD", PASSWORD),
        ],
    );
}

#[tokio::test]
async fn a_client_on_another_origin_calls_the_api_in_chromium() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let base = app.url("");
    run_flow(
        "cors.mjs",
        base.trim_end_matches('/'),
        &[("API_TOKEN", &token)],
    );
}

#[tokio::test]
async fn the_web_clients_main_pages_pass_axe_in_chromium() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let form = reqwest::multipart::Form::new()
        .text("description", "A red square")
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::media::png(40, 40)).file_name("r.png"),
        );
    let media: serde_json::Value = app
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&alice)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status: serde_json::Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "An accessible post #accessible"),
                ("spoiler_text", "A warning"),
                ("media_ids[]", media["id"].as_str().unwrap()),
                ("poll[options][]", "Yes"),
                ("poll[options][]", "No"),
                ("poll[expires_in]", "3600"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let id = status["id"].as_str().unwrap();
    app.post_form(
        "/api/v1/statuses",
        &bob,
        &[("status", "@alice a reply"), ("in_reply_to_id", id)],
    )
    .await;
    app.post_form(&format!("/api/v1/statuses/{id}/favourite"), &bob, &[])
        .await;
    let base = app.url("");
    run_flow(
        "a11y.mjs",
        base.trim_end_matches('/'),
        &[
            ("SIGN_IN_LOGIN", "alice"),
            ("SIGN_IN_PASSWORD", PASSWORD),
            ("STATUS_ID", id),
            ("USERNAME", "alice"),
        ],
    );
}
