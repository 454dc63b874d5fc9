//! The moderation pages: who gets in, a report handled from its page
//! (with its effect seen through the API and the audit log), and the
//! server settings reaching the instance API and the about page.
use ferrodon_core::db::queries::users;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, token_for, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

/// A local user given a staff role with ferrodonctl.
pub async fn staff(app: &TestApp, username: &str, role: &str) -> ferrodon_core::db::models::User {
    let (user, _, _) = local_user(&app.state, username).await;
    app.ctl(&["accounts", "modify", username, "--role", role]);
    let mut conn = app.state.conn().await.unwrap();
    users::get_user_by_account_id(&mut conn, user.account_id)
        .await
        .unwrap()
}

/// A troll's public post reported by a victim; (troll account id, report id).
pub async fn reported_troll(app: &TestApp) -> (String, String) {
    let (_, troll, troll_token) = local_user(&app.state, "troll").await;
    let (_, _, victim_token) = local_user(&app.state, "victim").await;
    let status: Value = app
        .post_json(
            "/api/v1/statuses",
            &troll_token,
            &json!({ "status": "something nasty" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let report: Value = app
        .post_json(
            "/api/v1/reports",
            &victim_token,
            &json!({
                "account_id": troll.id.to_string(),
                "status_ids": [status["id"]],
                "comment": "rude to me <b>twice</b>",
                "category": "other"
            }),
        )
        .await
        .json()
        .await
        .unwrap();
    (
        troll.id.to_string(),
        report["id"].as_str().unwrap().to_owned(),
    )
}

async fn signed_in(app: &TestApp, login: &str) -> Browser {
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in(login, PASSWORD).await;
    browser
}

#[tokio::test]
async fn moderation_pages_are_for_staff_and_settings_for_admins() {
    let app = TestApp::spawn().await;
    staff(&app, "moddy", "Moderator").await;
    staff(&app, "boss", "Admin").await;
    local_user(&app.state, "someone").await;

    let mut visitor = Browser::new(&app.url(""));
    let page = visitor.get("/admin/reports").await;
    assert_eq!(page.status, 303);
    assert!(page.location.unwrap().starts_with("/auth/sign_in"));

    let mut user = signed_in(&app, "someone").await;
    for path in ["/admin/reports", "/admin/accounts", "/admin/settings"] {
        assert_eq!(user.get(path).await.status, 403, "{path}");
    }
    let refused = user.post_form("/admin/rules", &[("text", "No spam")]).await;
    assert_eq!(refused.status, 403);

    let mut moderator = signed_in(&app, "moddy").await;
    for path in [
        "/admin/reports",
        "/admin/reports?resolved=1",
        "/admin/accounts",
        "/admin/accounts?status=pending",
        "/admin/action_logs",
    ] {
        let page = moderator.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        assert!(page.body.contains("aria-label=\"Moderation\""));
    }
    for path in [
        "/admin/settings",
        "/admin/rules",
        "/admin/domain_blocks",
        "/admin/relays",
        "/admin/custom_emojis",
    ] {
        assert_eq!(moderator.get(path).await.status, 403, "{path}");
    }
    let reports = moderator.get("/admin/reports").await;
    assert!(
        !reports.body.contains("href=\"/admin/settings\""),
        "no tab to what they cannot open"
    );

    let mut admin = signed_in(&app, "boss").await;
    for path in [
        "/admin/settings",
        "/admin/rules",
        "/admin/domain_blocks",
        "/admin/relays",
        "/admin/custom_emojis",
    ] {
        assert_eq!(admin.get(path).await.status, 200, "{path}");
    }
    // A form without the session's token is refused.
    let forged = admin
        .post_form(
            "/admin/rules",
            &[("authenticity_token", "forged"), ("text", "No spam")],
        )
        .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_report_resolved_with_a_suspension_suspends_the_account() {
    let app = TestApp::spawn().await;
    let moderator_user = staff(&app, "moddy", "Moderator").await;
    let (troll_id, report_id) = reported_troll(&app).await;
    let mut moderator = signed_in(&app, "moddy").await;

    let queue = moderator.get("/admin/reports").await;
    assert!(queue
        .body
        .contains(&format!("href=\"/admin/reports/{report_id}\"")));
    assert!(queue.body.contains("troll"));
    let report_path = format!("/admin/reports/{report_id}");
    let report = moderator.get(&report_path).await;
    assert_eq!(report.status, 200);
    assert!(report
        .body
        .contains("rude to me &#60;b&#62;twice&#60;/b&#62;"));
    assert!(report.body.contains("something nasty"));
    assert!(report.body.contains("<span class=\"badge\">Open</span>"));

    let assigned = moderator
        .submit(&report_path, &format!("{report_path}/assign_to_self"), &[])
        .await;
    assert_eq!(assigned.status, 303);
    let acted = moderator
        .submit(
            &report_path,
            &format!("{report_path}/action"),
            &[("type", "suspend"), ("text", "You were warned.")],
        )
        .await;
    assert_eq!(acted.status, 303, "{}", acted.body);
    assert_eq!(acted.location.as_deref(), Some(report_path.as_str()));
    let report = moderator.get(&report_path).await;
    assert!(report
        .body
        .contains("<span class=\"badge\">Resolved</span>"));
    assert!(
        report.body.contains("The action was taken"),
        "the notice is shown"
    );

    // The API sees the suspension and the resolved report.
    let token = token_for(
        &app.state,
        &moderator_user,
        "read write admin:read admin:write",
    )
    .await;
    let account: Value = app
        .get(&format!("/api/v1/admin/accounts/{troll_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(account["suspended"], true);
    let api_report: Value = app
        .get(&format!("/api/v1/admin/reports/{report_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api_report["action_taken"], true);
    assert_eq!(api_report["assigned_account"]["username"], "moddy");
    assert_eq!(
        app.client
            .get(app.url("/@troll"))
            .send()
            .await
            .unwrap()
            .status(),
        410
    );

    // The audit log lists the assignment, the suspension and the resolution.
    let log = moderator.get("/admin/action_logs").await;
    assert_eq!(log.status, 200);
    for entry in [
        "<td>assigned_to_self</td>",
        "<td>suspend</td>",
        "<td>resolve</td>",
    ] {
        assert!(log.body.contains(entry), "{entry} missing:\n{}", log.body);
    }
    assert!(log.body.contains("Account troll"));

    // The account page offers to lift it, and lifting it is logged.
    let account_path = format!("/admin/accounts/{troll_id}");
    let lifted = moderator
        .submit(&account_path, &format!("{account_path}/unsuspend"), &[])
        .await;
    assert_eq!(lifted.status, 303);
    let account: Value = app
        .get(&format!("/api/v1/admin/accounts/{troll_id}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(account["suspended"], false);
    assert!(moderator
        .get("/admin/action_logs")
        .await
        .body
        .contains("<td>unsuspend</td>"));
}

#[tokio::test]
async fn server_settings_reach_the_instance_api_and_the_about_page() {
    let app = TestApp::spawn().await;
    staff(&app, "boss", "Admin").await;
    let mut admin = signed_in(&app, "boss").await;
    let saved = admin
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[
                ("site_title", "Rusty Place"),
                ("short_description", "A small server for <testing>"),
                ("extended_description", "Be nice.\n\nReally nice."),
                ("privacy_policy", "We keep very little."),
                ("contact_username", "boss"),
                ("contact_email", "admin@rusty.example"),
                ("registrations_mode", "approved"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let rule = admin
        .submit(
            "/admin/rules",
            "/admin/rules",
            &[("text", "No spam"), ("hint", "None at all")],
        )
        .await;
    assert_eq!(rule.status, 303);

    let v2: Value = app
        .client
        .get(app.url("/api/v2/instance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v2["title"], "Rusty Place");
    assert_eq!(v2["description"], "A small server for <testing>");
    assert_eq!(v2["contact"]["email"], "admin@rusty.example");
    assert_eq!(v2["contact"]["account"]["username"], "boss");
    assert_eq!(v2["registrations"]["approval_required"], true);
    assert_eq!(v2["rules"][0]["text"], "No spam");
    let v1: Value = app
        .client
        .get(app.url("/api/v1/instance"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["title"], "Rusty Place");
    assert_eq!(v1["email"], "admin@rusty.example");
    assert_eq!(v1["contact_account"]["username"], "boss");

    let about = admin.get("/about").await;
    assert!(about.body.contains("A small server for &#60;testing&#62;"));
    assert!(about.body.contains("<p>Be nice.</p><p>Really nice.</p>"));
    assert!(about.body.contains("mailto:admin@rusty.example"));
    assert!(about.body.contains("No spam"));
    assert!(about.body.contains("moderator approves each"));
    assert!(about.body.contains("<title>About - Rusty Place</title>"));
    let privacy = admin.get("/privacy-policy").await;
    assert!(privacy.body.contains("<p>We keep very little.</p>"));

    // Timeline preview was left unticked: visitors see no posts.
    let preview: Value = app
        .client
        .get(app.url("/api/v1/timelines/public"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(preview.get("error").is_some(), "{preview}");

    // A domain block from its page, logged.
    let blocked = admin
        .submit(
            "/admin/domain_blocks",
            "/admin/domain_blocks",
            &[
                ("domain", "Spam.Example"),
                ("severity", "suspend"),
                ("public_comment", "spam"),
            ],
        )
        .await;
    assert_eq!(blocked.status, 303, "{}", blocked.body);
    let blocks: Value = app
        .client
        .get(app.url("/api/v1/instance/domain_blocks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null);
    let listed = admin.get("/admin/domain_blocks").await;
    assert!(listed.body.contains("<td>spam.example</td>"), "{blocks}");
    assert!(admin
        .get("/admin/action_logs")
        .await
        .body
        .contains("DomainBlock spam.example"));
}
