//! A moderator handles a report in a real browser (tests/browser/moderation.mjs).
use ferrodon_testkit::factories::PASSWORD;
use ferrodon_testkit::TestApp;

use crate::ui_moderation::{reported_troll, staff};

#[tokio::test]
async fn a_moderator_suspends_a_reported_account_in_chromium() {
    let app = TestApp::spawn().await;
    staff(&app, "moddy", "Moderator").await;
    let (_, report_id) = reported_troll(&app).await;
    let base = app.url("");
    crate::browser::run_flow(
        "moderation.mjs",
        base.trim_end_matches('/'),
        &[
            ("MODERATOR_LOGIN", "moddy"),
            ("MODERATOR_PASSWORD", PASSWORD),
            ("REPORT_ID", &report_id),
            ("TARGET_USERNAME", "troll"),
        ],
    );
}
