//! The other moderation pages: pending sign-ups, deleting reported posts,
//! custom emoji, rules, domain blocks and the server's thumbnail.
use ferrodon_core::db::models::UserChanges;
use ferrodon_core::db::queries::users;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::media::png;
use crate::ui_moderation::{reported_troll, staff};

async fn signed_in(app: &TestApp, login: &str) -> Browser {
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in(login, PASSWORD).await;
    browser
}

async fn json(app: &TestApp, path: &str) -> Value {
    app.client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn moderators_approve_sign_ups_and_delete_reported_posts() {
    let app = TestApp::spawn().await;
    staff(&app, "moddy", "Moderator").await;
    let mut pending = Vec::new();
    for name in ["hopeful", "spammer"] {
        let (user, account, _) = local_user(&app.state, name).await;
        let mut conn = app.state.conn().await.unwrap();
        let changes = UserChanges {
            approved: Some(false),
            ..Default::default()
        };
        users::update_user(&mut conn, user.id, &changes)
            .await
            .unwrap();
        pending.push(account.id);
    }
    let (troll_id, report_id) = reported_troll(&app).await;
    let mut moderator = signed_in(&app, "moddy").await;

    let list = moderator.get("/admin/accounts?status=pending").await;
    assert!(list.body.contains("<h1>Pending approvals</h1>"));
    assert!(list.body.contains("hopeful") && list.body.contains("spammer"));
    assert!(
        !list.body.contains(">troll<"),
        "only pending accounts are listed"
    );
    let hopeful = format!("/admin/accounts/{}", pending[0]);
    let approved = moderator
        .submit(&hopeful, &format!("{hopeful}/approve"), &[])
        .await;
    assert_eq!(approved.status, 303);
    let spammer = format!("/admin/accounts/{}", pending[1]);
    let rejected = moderator
        .submit(&spammer, &format!("{spammer}/reject"), &[])
        .await;
    assert_eq!(rejected.status, 303);
    assert_eq!(
        moderator.get(&spammer).await.status,
        404,
        "rejected accounts are deleted"
    );
    let list = moderator.get("/admin/accounts?status=pending").await;
    assert!(!list.body.contains("hopeful") && !list.body.contains("spammer"));
    let found = moderator.get("/admin/accounts?username=hope").await;
    assert!(found.body.contains(&format!("href=\"{hopeful}\"")));

    // Deleting the reported posts removes them and resolves the report.
    let report = format!("/admin/reports/{report_id}");
    let deleted = moderator
        .submit(&report, &format!("{report}/delete_statuses"), &[])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    let statuses = json(&app, &format!("/api/v1/accounts/{troll_id}/statuses")).await;
    assert_eq!(statuses.as_array().unwrap().len(), 0, "{statuses}");
    let page = moderator.get(&report).await;
    assert!(page.body.contains("<span class=\"badge\">Resolved</span>"));
    let log = moderator.get("/admin/action_logs").await.body;
    for entry in [
        "<td>approve</td>",
        "<td>reject</td>",
        "<td>destroy</td>",
        "Status troll",
    ] {
        assert!(log.contains(entry), "{entry} missing:\n{log}");
    }
}

#[tokio::test]
async fn admins_manage_emoji_rules_blocks_and_the_thumbnail() {
    let app = TestApp::spawn().await;
    staff(&app, "boss", "Admin").await;
    let mut admin = signed_in(&app, "boss").await;

    // Custom emoji: upload, disable, enable, delete.
    let token = admin.get("/admin/custom_emojis").await.csrf_token();
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", token.clone())
        .text("shortcode", "blobcat")
        .text("category", "cats")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png(16, 16))
                .file_name("blobcat.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let uploaded = admin.post_multipart("/admin/custom_emojis", form).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let emojis = json(&app, "/api/v1/custom_emojis").await;
    assert_eq!(emojis[0]["shortcode"], "blobcat");
    let page = admin.get("/admin/custom_emojis").await.body;
    let id = page
        .split("/admin/custom_emojis/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let disabled = admin
        .post_form(
            &format!("/admin/custom_emojis/{id}/disable"),
            &[("authenticity_token", &token)],
        )
        .await;
    assert_eq!(disabled.status, 303);
    assert_eq!(
        json(&app, "/api/v1/custom_emojis").await,
        serde_json::json!([])
    );
    admin
        .post_form(
            &format!("/admin/custom_emojis/{id}/enable"),
            &[("authenticity_token", &token)],
        )
        .await;
    assert_eq!(
        json(&app, "/api/v1/custom_emojis").await[0]["shortcode"],
        "blobcat"
    );
    admin
        .post_form(
            &format!("/admin/custom_emojis/{id}/delete"),
            &[("authenticity_token", &token)],
        )
        .await;
    assert_eq!(
        json(&app, "/api/v1/custom_emojis").await,
        serde_json::json!([])
    );

    // Rules: add, edit, delete.
    admin
        .submit("/admin/rules", "/admin/rules", &[("text", "Be kind")])
        .await;
    let rule_id = json(&app, "/api/v1/instance/rules").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let edited = admin
        .submit(
            &format!("/admin/rules/{rule_id}/edit"),
            &format!("/admin/rules/{rule_id}"),
            &[("text", "Be very kind"), ("hint", "Always")],
        )
        .await;
    assert_eq!(edited.status, 303);
    let rules = json(&app, "/api/v1/instance/rules").await;
    assert_eq!(rules[0]["text"], "Be very kind");
    assert_eq!(rules[0]["hint"], "Always");
    admin
        .submit(
            "/admin/rules",
            &format!("/admin/rules/{rule_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(
        json(&app, "/api/v1/instance/rules").await,
        serde_json::json!([])
    );

    // Domain blocks: add, edit, remove.
    admin
        .submit(
            "/admin/domain_blocks",
            "/admin/domain_blocks",
            &[("domain", "noisy.example"), ("severity", "silence")],
        )
        .await;
    let page = admin.get("/admin/domain_blocks").await.body;
    let block_id = page
        .split("/admin/domain_blocks/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let edit = format!("/admin/domain_blocks/{block_id}/edit");
    let updated = admin
        .submit(
            &edit,
            &format!("/admin/domain_blocks/{block_id}"),
            &[("severity", "suspend"), ("reject_media", "1")],
        )
        .await;
    assert_eq!(updated.status, 303, "{}", updated.body);
    let page = admin.get("/admin/domain_blocks").await.body;
    assert!(page.contains("<td>suspend</td>") && page.contains("no media"));
    let again = admin
        .submit(
            "/admin/domain_blocks",
            "/admin/domain_blocks",
            &[("domain", "noisy.example"), ("severity", "silence")],
        )
        .await;
    assert_eq!(
        again.status, 422,
        "a second block of the same domain is refused"
    );
    admin
        .submit(
            "/admin/domain_blocks",
            &format!("/admin/domain_blocks/{block_id}/delete"),
            &[],
        )
        .await;
    let page = admin.get("/admin/domain_blocks").await.body;
    assert!(page.contains("noisy.example is no longer blocked."));
    assert!(!page.contains("<td>noisy.example</td>"));

    // Relays: add (the follow is queued), list, remove.
    let added = admin
        .submit(
            "/admin/relays",
            "/admin/relays",
            &[("inbox_url", "https://relay.example/inbox")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = admin.get("/admin/relays").await.body;
    assert!(page.contains("<code>https://relay.example/inbox</code>"));
    let relay_id = page
        .split("/admin/relays/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let removed = admin
        .submit(
            "/admin/relays",
            &format!("/admin/relays/{relay_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(!admin
        .get("/admin/relays")
        .await
        .body
        .contains("<code>https://relay.example/inbox</code>"));

    // A thumbnail upload reaches the instance documents.
    let token = admin.get("/admin/settings").await.csrf_token();
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", token)
        .text("site_title", "Thumbs")
        .text("registrations_mode", "open")
        .text("timeline_preview", "1")
        .part(
            "thumbnail",
            reqwest::multipart::Part::bytes(png(32, 16))
                .file_name("thumb.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .part(
            "favicon",
            reqwest::multipart::Part::bytes(png(16, 16))
                .file_name("icon.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let saved = admin.post_multipart("/admin/settings", form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let v2 = json(&app, "/api/v2/instance").await;
    let thumbnail = v2["thumbnail"]["url"].as_str().unwrap();
    assert!(thumbnail.contains("site_uploads/thumbnail/"), "{thumbnail}");
    let image = app.client.get(thumbnail).send().await.unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(json(&app, "/api/v1/instance").await["thumbnail"], thumbnail);
    let about = app
        .client
        .get(app.url("/about"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        about.contains("<link rel=\"icon\" href=\"") && about.contains("site_uploads/favicon/"),
        "every page links the favicon"
    );

    let log = admin.get("/admin/action_logs").await.body;
    for entry in [
        "CustomEmoji blobcat",
        "<td>disable</td>",
        "<td>enable</td>",
        "Rule Be very kind",
        "DomainBlock noisy.example",
        "Relay https://relay.example/inbox",
    ] {
        assert!(log.contains(entry), "{entry} missing:\n{log}");
    }
}

#[tokio::test]
async fn admins_block_email_domains_and_addresses_and_list_allowed_servers() {
    let app = TestApp::spawn().await;
    staff(&app, "boss", "Admin").await;
    staff(&app, "moddy", "Moderator").await;
    let mut moderator = signed_in(&app, "moddy").await;
    for page in [
        "/admin/email_domain_blocks",
        "/admin/ip_blocks",
        "/admin/domain_allows",
    ] {
        assert_eq!(
            moderator.get(page).await.status,
            403,
            "{page} is for admins"
        );
    }
    let mut admin = signed_in(&app, "boss").await;

    let page = "/admin/email_domain_blocks";
    let added = admin
        .submit(
            page,
            page,
            &[("domain", "@Spam.Example"), ("allow_with_approval", "true")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let listed = admin.get(page).await;
    assert!(listed.body.contains("<td>spam.example</td>") && listed.body.contains("with approval"));
    let twice = admin
        .submit(page, page, &[("domain", "spam.example")])
        .await;
    assert_eq!(twice.status, 422);
    assert!(app
        .ctl(&["email-domain-blocks", "list"])
        .contains("spam.example (sign-up with approval)"));

    let page = "/admin/ip_blocks";
    let bad = admin
        .submit(page, page, &[("ip", "nonsense"), ("severity", "no_access")])
        .await;
    assert_eq!(bad.status, 422);
    let added = admin
        .submit(
            page,
            page,
            &[
                ("ip", "192.0.2.9/24"),
                ("severity", "sign_up_block"),
                ("expires_in", "86400"),
                ("comment", "wave"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let listed = admin.get(page).await;
    assert!(
        listed.body.contains("<code>192.0.2.0/24</code>") && listed.body.contains("sign_up_block")
    );
    assert_eq!(app.ctl(&["ip-blocks", "export"]).trim(), "192.0.2.0/24");

    let page = "/admin/domain_allows";
    let shown = admin.get(page).await;
    assert!(
        shown.body.contains("it is off"),
        "the page says the list is not in force"
    );
    let added = admin
        .submit(page, page, &[("domain", "Friends.Example")])
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let listed = admin.get(page).await;
    assert!(listed.body.contains("<td>friends.example</td>"));
    let token = listed.csrf_token();
    let id = listed
        .body
        .split("/admin/domain_allows/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let removed = admin
        .post_form(
            &format!("/admin/domain_allows/{id}/delete"),
            &[("authenticity_token", &token)],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(!admin
        .get(page)
        .await
        .body
        .contains("<td>friends.example</td>"));

    let log = admin.get("/admin/action_logs").await;
    for kind in ["EmailDomainBlock", "IpBlock", "DomainAllow"] {
        assert!(log.body.contains(kind), "{kind} in the audit log");
    }
}
