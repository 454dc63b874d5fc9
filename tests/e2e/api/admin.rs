//! The admin API: staff-only access, the account list and its filters,
//! actions on accounts (and what they do to the account), the report
//! queue, and the audit log every action writes.
use ferrodon_core::db::models::UserChanges;
use ferrodon_core::db::queries::{moderation, users};
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

const ADMIN_SCOPES: &str = "read write admin:read admin:write";

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let resp = app.get(path, token).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let resp = app.post_json(path, token, &body).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let resp = app
        .client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A moderator's admin token, a troll with a public status, and a report
/// about it filed by a victim.
struct Scene {
    app: TestApp,
    moderator: String,
    moderator_id: String,
    troll_id: String,
    troll_token: String,
    status_id: String,
    report_id: String,
}

async fn scene() -> Scene {
    let app = TestApp::spawn().await;
    let (moderator_user, moderator, _) = local_user(&app.state, "moddy").await;
    app.ctl(&["accounts", "modify", "moddy", "--role", "Moderator"]);
    let mut conn = app.state.conn().await.unwrap();
    let moderator_user = users::get_user_by_account_id(&mut conn, moderator_user.account_id)
        .await
        .unwrap();
    drop(conn);
    let token = token_for(&app.state, &moderator_user, ADMIN_SCOPES).await;
    let (_, troll, troll_token) = local_user(&app.state, "troll").await;
    let (_, _, victim_token) = local_user(&app.state, "victim").await;
    let (status, body) = post(
        &app,
        "/api/v1/statuses",
        &troll_token,
        json!({ "status": "something nasty" }),
    )
    .await;
    assert_eq!(status, 200);
    let status_id = body["id"].as_str().unwrap().to_owned();
    let (status, report) = post(
        &app,
        "/api/v1/reports",
        &victim_token,
        json!({ "account_id": troll.id.to_string(), "status_ids": [status_id], "comment": "rude", "category": "other" }),
    )
    .await;
    assert_eq!(status, 200);
    Scene {
        moderator: token,
        moderator_id: moderator.id.to_string(),
        troll_id: troll.id.to_string(),
        troll_token,
        status_id,
        report_id: report["id"].as_str().unwrap().to_owned(),
        app,
    }
}

#[tokio::test]
async fn only_staff_with_an_admin_scope_get_in() {
    let s = scene().await;
    let (user, _, _) = local_user(&s.app.state, "nobody").await;
    let plain = token_for(&s.app.state, &user, ADMIN_SCOPES).await;
    let (status, body) = get(&s.app, "/api/v1/admin/accounts", &plain).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "This action is not allowed");
    // The moderator without an admin scope is refused too.
    let mut conn = s.app.state.conn().await.unwrap();
    let account_id: i64 = s.moderator_id.parse().unwrap();
    let moderator_user = users::get_user_by_account_id(&mut conn, account_id)
        .await
        .unwrap();
    drop(conn);
    let read_only = token_for(&s.app.state, &moderator_user, "read write").await;
    let (status, _) = get(&s.app, "/api/v1/admin/reports", &read_only).await;
    assert_eq!(status, 403);
    let (status, _) = get(&s.app, "/api/v1/admin/reports", "").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn accounts_are_listed_with_their_private_details_and_filtered() {
    let s = scene().await;
    let (status, body) = get(&s.app, "/api/v1/admin/accounts", &s.moderator).await;
    assert_eq!(status, 200);
    let usernames: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(usernames, ["victim", "troll", "moddy"], "newest first");
    let troll = &body[1];
    assert_eq!(troll["email"], "troll@example.com");
    assert_eq!(troll["confirmed"], true);
    assert_eq!(troll["approved"], true);
    assert_eq!(troll["account"]["acct"], "troll");
    assert_eq!(body[2]["role"]["name"], "Moderator");

    let (_, body) = get(&s.app, "/api/v1/admin/accounts?username=TRO", &s.moderator).await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["id"], s.troll_id);
    let (_, body) = get(
        &s.app,
        "/api/v2/admin/accounts?permissions=staff",
        &s.moderator,
    )
    .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["username"], "moddy");
    let (_, body) = get(&s.app, "/api/v1/admin/accounts?remote=true", &s.moderator).await;
    assert_eq!(body, json!([]));
    let (status, body) = get(
        &s.app,
        "/api/v2/admin/accounts?status=nonsense",
        &s.moderator,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let resp = s
        .app
        .get("/api/v1/admin/accounts?limit=1", &s.moderator)
        .await;
    let link = resp.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains("rel=\"next\""), "{link}");
}

#[tokio::test]
async fn the_report_queue_is_assigned_and_resolved() {
    let s = scene().await;
    let (status, body) = get(&s.app, "/api/v1/admin/reports", &s.moderator).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().unwrap().len(), 1);
    let report = &body[0];
    assert_eq!(report["id"], s.report_id);
    assert_eq!(report["comment"], "rude");
    assert_eq!(report["action_taken"], false);
    assert_eq!(report["target_account"]["id"], s.troll_id);
    assert_eq!(report["account"]["username"], "victim");
    assert_eq!(report["statuses"][0]["id"], s.status_id);

    let path = format!("/api/v1/admin/reports/{}", s.report_id);
    let (_, body) = post(
        &s.app,
        &format!("{path}/assign_to_self"),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(body["assigned_account"]["id"], s.moderator_id);
    let (_, body) = post(&s.app, &format!("{path}/unassign"), &s.moderator, json!({})).await;
    assert_eq!(body["assigned_account"], Value::Null);
    let (status, body) = put(&s.app, &path, &s.moderator, json!({ "category": "spam" })).await;
    assert_eq!(status, 200);
    assert_eq!(body["category"], "spam");
    let (_, body) = post(&s.app, &format!("{path}/resolve"), &s.moderator, json!({})).await;
    assert_eq!(body["action_taken"], true);
    assert_eq!(body["action_taken_by_account"]["id"], s.moderator_id);
    let (_, open) = get(&s.app, "/api/v1/admin/reports", &s.moderator).await;
    assert_eq!(open, json!([]), "resolved reports leave the open queue");
    let (_, resolved) = get(&s.app, "/api/v1/admin/reports?resolved=true", &s.moderator).await;
    assert_eq!(resolved.as_array().unwrap().len(), 1);
    let (_, body) = post(&s.app, &format!("{path}/reopen"), &s.moderator, json!({})).await;
    assert_eq!(body["action_taken"], false);
    let (status, _) = get(&s.app, "/api/v1/admin/reports/12345", &s.moderator).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn silencing_hides_from_public_timelines_and_resolves_the_report() {
    let s = scene().await;
    let public = |body: &Value| {
        body.as_array().unwrap().iter().any(|st| {
            st["content"]
                .as_str()
                .unwrap_or("")
                .contains("something nasty")
        })
    };
    let (_, before) = get(&s.app, "/api/v1/timelines/public", "").await;
    assert!(public(&before));
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/admin/accounts/{}/action", s.troll_id),
        &s.moderator,
        json!({ "type": "silence", "report_id": s.report_id, "text": "be nice" }),
    )
    .await;
    assert_eq!(status, 200);
    let (_, after) = get(&s.app, "/api/v1/timelines/public", "").await;
    assert!(
        !public(&after),
        "a silenced account leaves the public timeline"
    );
    let (_, account) = get(
        &s.app,
        &format!("/api/v1/admin/accounts/{}", s.troll_id),
        &s.moderator,
    )
    .await;
    assert_eq!(account["silenced"], true);
    let (_, report) = get(
        &s.app,
        &format!("/api/v1/admin/reports/{}", s.report_id),
        &s.moderator,
    )
    .await;
    assert_eq!(report["action_taken"], true);

    let (_, account) = post(
        &s.app,
        &format!("/api/v1/admin/accounts/{}/unsilence", s.troll_id),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(account["silenced"], false);
    let mut conn = s.app.state.conn().await.unwrap();
    let log: Vec<String> = moderation::recent_log(&mut conn, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|(entry, _)| format!("{} {}", entry.action, entry.target_type))
        // The scene's role changes (ferrodonctl, audited too) come first.
        .filter(|line| line != "change_role User")
        .collect();
    assert_eq!(
        log,
        ["unsilence Account", "resolve Report", "silence Account"]
    );
}

#[tokio::test]
async fn suspension_and_disabling_lock_the_user_out() {
    let s = scene().await;
    let (status, _) = get(
        &s.app,
        "/api/v1/accounts/verify_credentials",
        &s.troll_token,
    )
    .await;
    assert_eq!(status, 200);
    let path = format!("/api/v1/admin/accounts/{}", s.troll_id);
    // Remote-only kinds and unknown kinds are refused.
    let (status, _) = post(
        &s.app,
        &format!("{path}/action"),
        &s.moderator,
        json!({ "type": "obliterate" }),
    )
    .await;
    assert_eq!(status, 422);
    // Only suspended accounts can be deleted.
    let resp = s
        .app
        .client
        .delete(s.app.url(&path))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let (status, _) = post(
        &s.app,
        &format!("{path}/action"),
        &s.moderator,
        json!({ "type": "suspend" }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = get(
        &s.app,
        "/api/v1/accounts/verify_credentials",
        &s.troll_token,
    )
    .await;
    assert_eq!(status, 401, "a suspended user's tokens stop working");
    let (_, public) = get(&s.app, &format!("/api/v1/accounts/{}", s.troll_id), "").await;
    assert_eq!(public["suspended"], true);
    let (_, account) = post(
        &s.app,
        &format!("{path}/unsuspend"),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(account["suspended"], false);
    let (status, _) = get(
        &s.app,
        "/api/v1/accounts/verify_credentials",
        &s.troll_token,
    )
    .await;
    assert_eq!(
        status, 200,
        "after unsuspending the user's tokens work again, as in Mastodon"
    );

    // Disabling: the user cannot sign in until enabled again.
    let (_, victim, _) = local_user(&s.app.state, "second").await;
    let victim_path = format!("/api/v1/admin/accounts/{}", victim.id);
    let (status, _) = post(
        &s.app,
        &format!("{victim_path}/action"),
        &s.moderator,
        json!({ "type": "disable" }),
    )
    .await;
    assert_eq!(status, 200);
    let (_, account) = get(&s.app, &victim_path, &s.moderator).await;
    assert_eq!(account["disabled"], true);
    let (_, account) = post(
        &s.app,
        &format!("{victim_path}/enable"),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(account["disabled"], false);

    // An admin deletes the suspended account.
    let (status, _) = post(
        &s.app,
        &format!("{path}/action"),
        &s.moderator,
        json!({ "type": "suspend" }),
    )
    .await;
    assert_eq!(status, 200);
    let resp = s
        .app
        .client
        .delete(s.app.url(&path))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403, "moderators may not delete user data");
    s.app
        .ctl(&["accounts", "modify", "moddy", "--role", "Admin"]);
    let resp = s
        .app
        .client
        .delete(s.app.url(&path))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, _) = get(&s.app, &path, &s.moderator).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn pending_sign_ups_are_approved_or_rejected() {
    let s = scene().await;
    let mut conn = s.app.state.conn().await.unwrap();
    let mut pending = Vec::new();
    for name in ["hopeful", "spammer"] {
        let (user, account, _) = local_user(&s.app.state, name).await;
        users::update_user(
            &mut conn,
            user.id,
            &UserChanges {
                approved: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        pending.push(account.id.to_string());
    }
    drop(conn);
    let (_, body) = get(
        &s.app,
        "/api/v2/admin/accounts?status=pending",
        &s.moderator,
    )
    .await;
    let listed: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [pending[1].as_str(), pending[0].as_str()]);
    let (status, account) = post(
        &s.app,
        &format!("/api/v1/admin/accounts/{}/approve", pending[0]),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(account["approved"], true);
    let (status, _) = post(
        &s.app,
        &format!("/api/v1/admin/accounts/{}/reject", pending[1]),
        &s.moderator,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = get(
        &s.app,
        &format!("/api/v1/admin/accounts/{}", pending[1]),
        &s.moderator,
    )
    .await;
    assert_eq!(status, 404, "a rejected sign-up is deleted");
    let (_, body) = get(
        &s.app,
        "/api/v2/admin/accounts?status=pending",
        &s.moderator,
    )
    .await;
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn admins_block_domains_and_the_block_reaches_known_accounts() {
    let s = scene().await;
    let remote =
        ferrodon_testkit::factories::remote_account(&s.app.state, "spammer", "spam.example").await;
    // Domain blocks need the federation permission: moderators are refused.
    let (status, _) = post(
        &s.app,
        "/api/v1/admin/domain_blocks",
        &s.moderator,
        json!({ "domain": "spam.example" }),
    )
    .await;
    assert_eq!(status, 403);
    s.app
        .ctl(&["accounts", "modify", "moddy", "--role", "Admin"]);

    let (status, block) = post(
        &s.app,
        "/api/v1/admin/domain_blocks",
        &s.moderator,
        json!({ "domain": "Spam.Example", "severity": "silence", "public_comment": "spam" }),
    )
    .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["domain"], "spam.example");
    assert_eq!(block["severity"], "silence");
    assert_eq!(block["public_comment"], "spam");
    assert_eq!(block["digest"].as_str().map(str::len), Some(64));
    let (_, account) = get(
        &s.app,
        &format!("/api/v1/admin/accounts/{}", remote.id),
        &s.moderator,
    )
    .await;
    assert_eq!(
        account["silenced"], true,
        "known accounts of the domain are silenced"
    );

    let (status, body) = post(
        &s.app,
        "/api/v1/admin/domain_blocks",
        &s.moderator,
        json!({ "domain": "spam.example" }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["existing_domain_block"]["id"], block["id"]);

    let path = format!(
        "/api/v1/admin/domain_blocks/{}",
        block["id"].as_str().unwrap()
    );
    let (status, updated) = put(
        &s.app,
        &path,
        &s.moderator,
        json!({ "severity": "suspend" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["severity"], "suspend");
    assert_eq!(
        updated["public_comment"], "spam",
        "unchanged fields are kept"
    );
    let (_, account) = get(
        &s.app,
        &format!("/api/v1/admin/accounts/{}", remote.id),
        &s.moderator,
    )
    .await;
    assert_eq!(account["suspended"], true);

    let (_, list) = get(&s.app, "/api/v1/admin/domain_blocks", &s.moderator).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let resp = s
        .app
        .client
        .delete(s.app.url(&path))
        .bearer_auth(&s.moderator)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, _) = get(&s.app, &path, &s.moderator).await;
    assert_eq!(status, 404);
    let (status, _) = post(
        &s.app,
        "/api/v1/admin/domain_blocks",
        &s.moderator,
        json!({ "domain": "https://spam.example/" }),
    )
    .await;
    assert_eq!(status, 422, "URLs are not domains");
}

#[tokio::test]
async fn staff_who_manage_users_hear_of_confirmed_sign_ups() {
    use ferrodon_core::auth::tokens::digest;
    use ferrodon_core::db::queries::accounts;
    let s = scene().await;
    let (_, _, bystander) = local_user(&s.app.state, "bystander").await;
    let app_token = ferrodon_testkit::oauth::app_token(&s.app).await;
    ferrodon_testkit::oauth::sign_up(&s.app, &app_token, "newcomer", "newcomer@example.com").await;
    let path = "/api/v1/notifications?types[]=admin.sign_up";
    // Not before the address is confirmed.
    let (status, none) = get(&s.app, path, &s.moderator).await;
    assert_eq!(status, 200);
    assert_eq!(none, json!([]));

    let confirm = || async {
        let mut conn = s.app.state.conn().await.unwrap();
        let account = accounts::get_account_by_acct(&mut conn, "newcomer", None)
            .await
            .unwrap();
        let user = users::get_user_by_account_id(&mut conn, account.id)
            .await
            .unwrap();
        users::set_confirmation_token(&mut conn, user.id, &digest("a-secret-token"))
            .await
            .unwrap();
        drop(conn);
        let confirmed = s
            .app
            .client
            .get(
                s.app
                    .url("/auth/confirmation?confirmation_token=a-secret-token"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(confirmed.status(), 200);
    };
    confirm().await;
    let (_, notes) = get(&s.app, path, &s.moderator).await;
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["type"], "admin.sign_up");
    assert_eq!(notes[0]["account"]["username"], "newcomer");
    // Someone without the permission hears nothing.
    let (_, theirs) = get(&s.app, path, &bystander).await;
    assert_eq!(theirs, json!([]));
    // Confirming again (a changed address) is no new sign-up.
    confirm().await;
    let (_, again) = get(&s.app, path, &s.moderator).await;
    assert_eq!(again.as_array().unwrap().len(), 1);
}
