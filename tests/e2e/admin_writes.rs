//! One admin write, three entry points: the admin API, the admin page and
//! `ferrodonctl` block an e-mail domain through the same service, refuse a
//! duplicate alike and each leave an audit entry (ferrodonctl's without an
//! account: "the system").
use ferrodon_core::db::queries::moderation;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{token_for, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::ui_moderation::staff;

const TAKEN: &str = "Validation failed: Domain has already been taken";

/// The audit entries about e-mail domain blocks: (account id, action, domain).
async fn email_block_entries(app: &TestApp) -> Vec<(Option<i64>, String, String)> {
    let mut conn = app.state.conn().await.unwrap();
    let mut entries: Vec<_> = moderation::recent_log(&mut conn, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|(entry, _)| entry.target_type == "EmailDomainBlock")
        .map(|(entry, _)| (entry.account_id, entry.action, entry.human_identifier))
        .collect();
    entries.reverse();
    entries
}

#[tokio::test]
async fn api_page_and_ferrodonctl_refuse_a_duplicate_email_domain_block_alike_and_audit() {
    let app = TestApp::spawn().await;
    let admin = staff(&app, "boss", "Admin").await;
    let token = token_for(&app.state, &admin, "admin:read admin:write").await;
    let mut page = Browser::new(&app.url(""));
    page.sign_in("boss", PASSWORD).await;

    // Created once from each entry point.
    let created = app
        .post_json(
            "/api/v1/admin/email_domain_blocks",
            &token,
            &json!({ "domain": "api.example" }),
        )
        .await;
    assert_eq!(created.status(), 200);
    let path = "/admin/email_domain_blocks";
    let added = page.submit(path, path, &[("domain", "page.example")]).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let out = app.ctl(&["email-domain-blocks", "add", "ctl.example"]);
    assert!(out.contains("Added 1, skipped 0"), "{out}");

    // Each entry point refuses each of them again, with the same message.
    for domain in ["api.example", "page.example", "ctl.example"] {
        let again = app
            .post_json(
                "/api/v1/admin/email_domain_blocks",
                &token,
                &json!({ "domain": domain }),
            )
            .await;
        assert_eq!(again.status(), 422, "API, {domain}");
        let body: Value = again.json().await.unwrap();
        assert_eq!(body["error"], TAKEN, "API, {domain}");

        let again = page.submit(path, path, &[("domain", domain)]).await;
        assert_eq!(again.status, 422, "page, {domain}");
        assert!(again.body.contains(TAKEN), "page, {domain}: {}", again.body);

        let failed = app.ctl_fails(&["email-domain-blocks", "add", domain]);
        assert!(failed.contains(TAKEN), "ferrodonctl, {domain}: {failed}");
    }
    // A refused domain does not stop the others, but the exit status says so.
    let failed = app.ctl_fails(&["email-domain-blocks", "add", "api.example", "new.example"]);
    assert!(
        failed.contains("1 of the domains were not added"),
        "{failed}"
    );
    let listed = app.ctl(&["email-domain-blocks", "list"]);
    assert!(listed.contains("new.example"), "{listed}");

    // One audit entry per change, none for the refusals.
    let me = Some(admin.account_id);
    assert_eq!(
        email_block_entries(&app).await,
        vec![
            (me, "create".to_owned(), "api.example".to_owned()),
            (me, "create".to_owned(), "page.example".to_owned()),
            (None, "create".to_owned(), "ctl.example".to_owned()),
            (None, "create".to_owned(), "new.example".to_owned()),
        ]
    );
    let out = app.ctl(&["email-domain-blocks", "remove", "ctl.example"]);
    assert!(out.contains("Removed 1, not found 0"), "{out}");
    let log = page.get("/admin/action_logs").await.body;
    assert!(log.contains("the system"), "{log}");
    assert_eq!(
        email_block_entries(&app).await.last(),
        Some(&(None, "destroy".to_owned(), "ctl.example".to_owned()))
    );
}
