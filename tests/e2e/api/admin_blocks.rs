//! The admin API's blocks and what they enforce: e-mail domain and
//! canonical e-mail blocks at sign-up, IP blocks at sign-up and on every
//! request, the federation allowlist in limited federation mode, trend
//! review, the dashboard's measures, and the warning a moderator's action
//! sends its target.
use ferrodon_core::apub::signatures::keys::{generate_rsa_key_pair, PrivateKey};
use ferrodon_core::db::models::{Role, User};
use ferrodon_core::services::register_account::{register_account, Origin, Registration};
use ferrodon_testkit::factories::{local_user, token_for, PASSWORD};
use ferrodon_testkit::oauth::app_token;
use ferrodon_testkit::{random_suffix, TestApp};
use serde_json::{json, Value};

use crate::federation::{post_signed, signed_headers};

const ADMIN_SCOPES: &str = "read write admin:read admin:write";

async fn answer(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    answer(app.get(path, token).await).await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    answer(app.post_json(path, token, &body).await).await
}

async fn delete(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    answer(
        app.client
            .delete(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// A user with a staff role and an admin-scoped token.
async fn staff(app: &TestApp, username: &str, role: Role) -> (User, String) {
    let (user, _) = register_account(
        &app.state,
        Registration {
            username: username.to_owned(),
            email: format!("{username}@example.com"),
            password: PASSWORD.to_owned(),
            role,
            confirmed: true,
            approved: true,
            locale: "en".into(),
            reason: None,
            application_id: None,
        },
        Origin::Admin,
    )
    .await
    .unwrap();
    let token = token_for(&app.state, &user, ADMIN_SCOPES).await;
    (user, token)
}

/// `POST /api/v1/accounts` from `ip` (X-Forwarded-For through the trusted
/// loopback proxy).
async fn sign_up_from(
    app: &TestApp,
    app_token: &str,
    username: &str,
    email: &str,
    ip: &str,
) -> (u16, Value) {
    answer(
        app.client
            .post(app.url("/api/v1/accounts"))
            .bearer_auth(app_token)
            .header("X-Forwarded-For", ip)
            .form(&[
                ("username", username),
                ("email", email),
                ("password", "a fine password"),
                ("agreement", "true"),
                ("locale", "en"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn blocked_email_domains_refuse_sign_ups_from_them_and_their_subdomains() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let (_, moderator) = staff(&app, "moddy", Role::Moderator).await;
    let signup = app_token(&app).await;

    let (status, _) = get(&app, "/api/v1/admin/email_domain_blocks", &moderator).await;
    assert_eq!(status, 403, "blocks need the Manage Blocks permission");
    let (status, block) = post(
        &app,
        "/api/v1/admin/email_domain_blocks",
        &admin,
        json!({ "domain": "Spam.Example" }),
    )
    .await;
    assert_eq!(status, 200, "{block}");
    assert_eq!(block["domain"], "spam.example");
    assert_eq!(block["history"].as_array().map(Vec::len), Some(7));
    let id = block["id"].as_str().unwrap().to_owned();
    let (status, again) = post(
        &app,
        "/api/v1/admin/email_domain_blocks",
        &admin,
        json!({ "domain": "spam.example" }),
    )
    .await;
    assert_eq!(status, 422, "{again}");

    let (status, refused) =
        sign_up_from(&app, &signup, "spammer", "me@mail.spam.example", "10.1.0.1").await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        refused,
        json!({
            "error": "Validation failed: E-mail address uses a disallowed e-mail provider",
            "details": { "email": [{ "error": "ERR_BLOCKED", "description": "uses a disallowed e-mail provider" }] },
        })
    );
    let (status, _) = sign_up_from(&app, &signup, "honest", "me@fine.example", "10.1.0.1").await;
    assert_eq!(status, 200);

    let (_, shown) = get(
        &app,
        &format!("/api/v1/admin/email_domain_blocks/{id}"),
        &admin,
    )
    .await;
    assert_eq!(
        shown["history"][0]["uses"], "1",
        "today's refused attempt: {shown}"
    );
    let (_, listed) = get(&app, "/api/v1/admin/email_domain_blocks", &admin).await;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["id"] == id.as_str()));

    let (status, _) = delete(
        &app,
        &format!("/api/v1/admin/email_domain_blocks/{id}"),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) =
        sign_up_from(&app, &signup, "spammer", "me@mail.spam.example", "10.1.0.1").await;
    assert_eq!(status, 200, "the domain is no longer blocked");
    let (status, _) = get(
        &app,
        &format!("/api/v1/admin/email_domain_blocks/{id}"),
        &admin,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn canonical_email_blocks_refuse_every_variant_of_the_address() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let signup = app_token(&app).await;

    let (status, block) = post(
        &app,
        "/api/v1/admin/canonical_email_blocks",
        &admin,
        json!({ "email": "Troll.Face+ban@Example.com" }),
    )
    .await;
    assert_eq!(status, 200, "{block}");
    let id = block["id"].as_str().unwrap().to_owned();
    let hash = block["canonical_email_hash"].as_str().unwrap().to_owned();
    let (_, matched) = post(
        &app,
        "/api/v1/admin/canonical_email_blocks/test",
        &admin,
        json!({ "email": "trollface@example.com" }),
    )
    .await;
    assert_eq!(matched, json!([{ "id": id, "canonical_email_hash": hash }]));
    let (_, unmatched) = post(
        &app,
        "/api/v1/admin/canonical_email_blocks/test",
        &admin,
        json!({ "email": "someone@example.com" }),
    )
    .await;
    assert_eq!(unmatched, json!([]));
    let (status, _) = post(
        &app,
        "/api/v1/admin/canonical_email_blocks",
        &admin,
        json!({ "canonical_email_hash": hash }),
    )
    .await;
    assert_eq!(status, 422, "the hash is blocked already");

    let (status, refused) = sign_up_from(
        &app,
        &signup,
        "troll",
        "troll.face+again@example.com",
        "10.2.0.1",
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["details"]["email"][0]["error"], "ERR_TAKEN");

    let (status, _) = delete(
        &app,
        &format!("/api/v1/admin/canonical_email_blocks/{id}"),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = sign_up_from(
        &app,
        &signup,
        "troll",
        "troll.face+again@example.com",
        "10.2.0.1",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn ip_blocks_hold_sign_ups_for_approval_refuse_them_or_refuse_everything() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let signup = app_token(&app).await;
    let block =
        |ip: &str, severity: &str| json!({ "ip": ip, "severity": severity, "comment": "test" });

    let (status, approval) = post(
        &app,
        "/api/v1/admin/ip_blocks",
        &admin,
        block("198.51.100.7/24", "sign_up_requires_approval"),
    )
    .await;
    assert_eq!(status, 200, "{approval}");
    assert_eq!(
        approval["ip"], "198.51.100.0/24",
        "the network, host bits cleared"
    );
    assert_eq!(approval["severity"], "sign_up_requires_approval");
    assert_eq!(approval["expires_at"], Value::Null);
    let (status, _) = post(
        &app,
        "/api/v1/admin/ip_blocks",
        &admin,
        block("198.51.100.0/24", "no_access"),
    )
    .await;
    assert_eq!(status, 422, "one block per range");
    let (status, _) = post(
        &app,
        "/api/v1/admin/ip_blocks",
        &admin,
        block("198.51.101.0/24", "ban"),
    )
    .await;
    assert_eq!(status, 422, "unknown severity");

    let (status, _) =
        sign_up_from(&app, &signup, "waiting", "w@example.com", "198.51.100.20").await;
    assert_eq!(status, 200);
    let (_, pending) = get(&app, "/api/v1/admin/accounts?pending=true", &admin).await;
    let names: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["username"].as_str())
        .collect();
    assert_eq!(names, ["waiting"], "{pending}");
    let (status, _) = sign_up_from(&app, &signup, "freely", "f@example.com", "192.0.2.99").await;
    assert_eq!(status, 200);
    let (_, pending) = get(&app, "/api/v1/admin/accounts?pending=true", &admin).await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1), "{pending}");

    let (_, sign_up_block) = post(
        &app,
        "/api/v1/admin/ip_blocks",
        &admin,
        block("192.0.2.0/25", "sign_up_block"),
    )
    .await;
    let (status, refused) =
        sign_up_from(&app, &signup, "refused", "r@example.com", "192.0.2.5").await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"], "This action is not allowed");

    let (status, no_access) = post(
        &app,
        "/api/v1/admin/ip_blocks",
        &admin,
        json!({ "ip": "203.0.113.0/24", "severity": "no_access", "expires_in": 3600 }),
    )
    .await;
    assert_eq!(status, 200, "{no_access}");
    assert!(no_access["expires_at"].is_string(), "{no_access}");
    let from = |ip: &'static str| {
        app.client
            .get(app.url("/api/v1/instance"))
            .header("X-Forwarded-For", ip)
            .send()
    };
    let (status, body) = answer(from("203.0.113.9").await.unwrap()).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "This action is not allowed");
    assert_eq!(from("203.0.114.9").await.unwrap().status(), 200);
    let probe = app
        .client
        .get(app.url("/health"))
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), 200, "health probes answer from anywhere");

    let id = no_access["id"].as_str().unwrap();
    let (status, updated) = answer(
        app.client
            .put(app.url(&format!("/api/v1/admin/ip_blocks/{id}")))
            .bearer_auth(&admin)
            .json(&json!({ "severity": "sign_up_block", "comment": "calmer now" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["comment"], "calmer now");
    assert_eq!(updated["ip"], "203.0.113.0/24");
    assert_eq!(from("203.0.113.9").await.unwrap().status(), 200);

    let (_, listed) = get(&app, "/api/v1/admin/ip_blocks", &admin).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(3), "{listed}");
    let sign_up_block_id = sign_up_block["id"].as_str().unwrap();
    let (status, _) = delete(
        &app,
        &format!("/api/v1/admin/ip_blocks/{sign_up_block_id}"),
        &admin,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = sign_up_from(&app, &signup, "refused", "r@example.com", "192.0.2.5").await;
    assert_eq!(status, 200, "the block is gone");
}

/// A delivery to `app`'s inbox signed with a key said to be on `domain`.
async fn deliver_from(app: &TestApp, domain: &str) -> u16 {
    let keys = generate_rsa_key_pair().unwrap();
    let key = PrivateKey::from_pem(&keys.private_key_pem).unwrap();
    let actor = format!("https://{domain}/users/someone");
    let body = serde_json::to_vec(&json!({
        "id": format!("{actor}#follows/1"),
        "type": "Follow",
        "actor": actor,
        "object": format!("{}/users/nobody", app.base_url),
    }))
    .unwrap();
    let inbox = format!("{}/inbox", app.base_url);
    let headers = signed_headers(
        &key,
        &format!("{actor}#main-key"),
        &inbox,
        &body,
        chrono::Utc::now(),
    );
    post_signed(app, &headers, body).await.status().as_u16()
}

#[tokio::test]
async fn limited_federation_mode_refuses_servers_that_are_not_allowed() {
    let app = TestApp::spawn_with(&[("LIMITED_FEDERATION_MODE", "true")]).await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    assert_eq!(
        deliver_from(&app, "stranger.invalid").await,
        403,
        "refused before its key is even fetched"
    );
    let (status, allow) = post(
        &app,
        "/api/v1/admin/domain_allows",
        &admin,
        json!({ "domain": "Friend.Invalid" }),
    )
    .await;
    assert_eq!(status, 200, "{allow}");
    assert_eq!(allow["domain"], "friend.invalid");
    let status = deliver_from(&app, "friend.invalid").await;
    assert_ne!(
        status, 403,
        "an allowed server gets as far as the key fetch (which fails here)"
    );
    assert_eq!(deliver_from(&app, "sub.friend.invalid").await, 403);

    let id = allow["id"].as_str().unwrap();
    let (_, shown) = get(&app, &format!("/api/v1/admin/domain_allows/{id}"), &admin).await;
    assert_eq!(shown["domain"], "friend.invalid");
    let (status, _) = delete(&app, &format!("/api/v1/admin/domain_allows/{id}"), &admin).await;
    assert_eq!(status, 200);
    assert_eq!(deliver_from(&app, "friend.invalid").await, 403);
    let (_, listed) = get(&app, "/api/v1/admin/domain_allows", &admin).await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn without_limited_federation_mode_any_unblocked_server_gets_through() {
    let app = TestApp::spawn().await;
    assert_ne!(deliver_from(&app, "stranger.invalid").await, 403);
}

#[tokio::test]
async fn rejected_trends_leave_the_public_trends_and_approved_ones_need_no_review() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    for token in [&alice, &bob] {
        let (status, _) = post(
            &app,
            "/api/v1/statuses",
            token,
            json!({ "status": "hello #rustlang and #spamtag" }),
        )
        .await;
        assert_eq!(status, 200);
    }
    let public_names = || async {
        let (_, tags) = get(&app, "/api/v1/trends/tags", &bob).await;
        let mut names: Vec<String> = tags
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    assert_eq!(public_names().await, ["rustlang", "spamtag"]);

    let (status, review) = get(&app, "/api/v1/admin/trends/tags", &admin).await;
    assert_eq!(status, 200);
    assert!(
        review
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["requires_review"] == true),
        "{review}"
    );
    let id_of = |name: &str| {
        review
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .and_then(|t| t["id"].as_str())
            .unwrap()
            .to_owned()
    };
    let (status, rejected) = post(
        &app,
        &format!("/api/v1/admin/trends/tags/{}/reject", id_of("spamtag")),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(rejected["trendable"], false);
    let (_, approved) = post(
        &app,
        &format!("/api/v1/admin/trends/tags/{}/approve", id_of("rustlang")),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(approved["requires_review"], false);
    assert_eq!(approved["trendable"], true);

    assert_eq!(public_names().await, ["rustlang"]);
    let (_, review) = get(&app, "/api/v1/admin/trends/tags", &admin).await;
    assert_eq!(
        review.as_array().map(Vec::len),
        Some(2),
        "staff still see both"
    );

    // Statuses: a favourited public status of a discoverable account trends.
    let (_, status) = post(
        &app,
        "/api/v1/statuses",
        &alice,
        json!({ "status": "a popular post" }),
    )
    .await;
    let status_id = status["id"].as_str().unwrap().to_owned();
    let resp = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .json(&json!({ "discoverable": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    post(
        &app,
        &format!("/api/v1/statuses/{status_id}/favourite"),
        &bob,
        json!({}),
    )
    .await;
    let trending = || async {
        let (_, statuses) = get(&app, "/api/v1/trends/statuses", &bob).await;
        statuses
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == status_id.as_str())
    };
    assert!(trending().await);
    let (_, admin_statuses) = get(&app, "/api/v1/admin/trends/statuses", &admin).await;
    assert_eq!(
        admin_statuses[0]["requires_review"], true,
        "{admin_statuses}"
    );
    let (status, _) = post(
        &app,
        &format!("/api/v1/admin/trends/statuses/{status_id}/reject"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!trending().await, "a rejected status leaves the trends");
    let (status, _) = post(
        &app,
        "/api/v1/admin/trends/links/999/approve",
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
}

/// The `total` of one measure.
async fn measure_total(app: &TestApp, admin: &str, key: &str, extra: Value) -> i64 {
    let today = chrono::Utc::now().date_naive().to_string();
    let mut body = json!({ "keys": [key], "start_at": today, "end_at": today });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let (status, measures) = post(app, "/api/v1/admin/measures", admin, body).await;
    assert_eq!(status, 200, "{measures}");
    assert_eq!(measures[0]["key"], key, "{measures}");
    let total: i64 = measures[0]["total"].as_str().unwrap().parse().unwrap();
    let today_value: i64 = measures[0]["data"][0]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(total, today_value, "one day: the total is the day's value");
    total
}

#[tokio::test]
async fn measures_dimensions_and_retention_count_real_rows() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let users_before = measure_total(&app, &admin, "new_users", json!({})).await;
    let reports_before = measure_total(&app, &admin, "opened_reports", json!({})).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, troll, _) = local_user(&app.state, "troll").await;
    let (status, _) = post(
        &app,
        "/api/v1/reports",
        &alice,
        json!({ "account_id": troll.id.to_string(), "comment": "rude" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        measure_total(&app, &admin, "new_users", json!({})).await,
        users_before + 2
    );
    assert_eq!(
        measure_total(&app, &admin, "opened_reports", json!({})).await,
        reports_before + 1
    );
    assert_eq!(
        measure_total(&app, &admin, "resolved_reports", json!({})).await,
        0
    );
    let remote =
        ferrodon_testkit::factories::remote_account(&app.state, "far", "far.example").await;
    let (status, _) = post(
        &app,
        "/api/v1/reports",
        &alice,
        json!({ "account_id": remote.id.to_string() }),
    )
    .await;
    assert_eq!(status, 200);
    let domain = json!({ "instance_reports": { "domain": "far.example" } });
    assert_eq!(
        measure_total(&app, &admin, "instance_reports", domain).await,
        1
    );

    let (status, _) = post(
        &app,
        "/api/v1/statuses",
        &alice,
        json!({ "status": "Hallo Welt", "language": "de" }),
    )
    .await;
    assert_eq!(status, 200);
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, dimensions) = post(
        &app,
        "/api/v1/admin/dimensions",
        &admin,
        json!({ "keys": ["languages", "space_usage", "no_such_key"], "start_at": today, "end_at": today }),
    )
    .await;
    assert_eq!(status, 200, "{dimensions}");
    assert_eq!(
        dimensions.as_array().map(Vec::len),
        Some(2),
        "unknown keys are left out"
    );
    assert_eq!(
        dimensions[0],
        json!({ "key": "languages", "data": [{ "key": "de", "human_key": "German", "value": "1" }] })
    );
    assert_eq!(dimensions[1]["data"][0]["key"], "postgresql");
    assert_eq!(dimensions[1]["data"][0]["unit"], "bytes");

    let (status, cohorts) = post(
        &app,
        "/api/v1/admin/retention",
        &admin,
        json!({ "start_at": today, "end_at": today, "frequency": "day" }),
    )
    .await;
    assert_eq!(status, 200, "{cohorts}");
    assert_eq!(cohorts[0]["frequency"], "day");
    assert_eq!(cohorts[0]["data"][0]["rate"], 1.0);
    assert_eq!(
        cohorts[0]["data"][0]["value"],
        (users_before + 2).to_string(),
        "{cohorts}"
    );
    // An unknown frequency is `day`, as Mastodon's Retention.
    let (status, daily) = post(
        &app,
        "/api/v1/admin/retention",
        &admin,
        json!({ "start_at": today, "end_at": today, "frequency": "dayz" }),
    )
    .await;
    assert_eq!(status, 200, "{daily}");
    assert_eq!(daily, cohorts);
}

/// Mastodon takes missing `start_at`/`end_at` as unbounded (`nil` dates):
/// measures total everything (with no days to list and no previous
/// period), dimensions break down everything, and retention has no
/// periods to show.
#[tokio::test]
async fn metrics_without_dates_are_unbounded() {
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (status, _) = post(
        &app,
        "/api/v1/statuses",
        &alice,
        json!({ "status": "Bonjour", "language": "fr" }),
    )
    .await;
    assert_eq!(status, 200);
    // Everyone signed up today (boss and alice at least).
    let today = measure_total(&app, &admin, "new_users", json!({})).await;
    assert!(today >= 2);
    let today = today.to_string();

    let (status, measures) = post(
        &app,
        "/api/v1/admin/measures",
        &admin,
        json!({ "keys": ["new_users"] }),
    )
    .await;
    assert_eq!(status, 200, "{measures}");
    assert_eq!(measures[0]["key"], "new_users");
    assert_eq!(measures[0]["total"], today, "{measures}");
    assert_eq!(measures[0]["previous_total"], "0");
    assert_eq!(measures[0]["data"], json!([]));
    // Only a start: everything from it on.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let (status, measures) = post(
        &app,
        "/api/v1/admin/measures",
        &admin,
        json!({ "keys": ["new_users"], "start_at": yesterday }),
    )
    .await;
    assert_eq!(status, 200, "{measures}");
    assert_eq!(measures[0]["total"], today, "{measures}");
    let (_, measures) = post(
        &app,
        "/api/v1/admin/measures",
        &admin,
        json!({ "keys": ["new_users"], "start_at": tomorrow }),
    )
    .await;
    assert_eq!(measures[0]["total"], "0", "{measures}");
    // Only an end, before anything happened.
    let (_, measures) = post(
        &app,
        "/api/v1/admin/measures",
        &admin,
        json!({ "keys": ["new_users"], "end_at": yesterday }),
    )
    .await;
    assert_eq!(measures[0]["total"], "0", "{measures}");

    let (status, dimensions) = post(
        &app,
        "/api/v1/admin/dimensions",
        &admin,
        json!({ "keys": ["languages"] }),
    )
    .await;
    assert_eq!(status, 200, "{dimensions}");
    assert_eq!(
        dimensions,
        json!([{ "key": "languages", "data": [{ "key": "fr", "human_key": "French", "value": "1" }] }])
    );

    let (status, cohorts) = post(&app, "/api/v1/admin/retention", &admin, json!({})).await;
    assert_eq!(status, 200, "{cohorts}");
    assert_eq!(cohorts, json!([]));
    let (status, _) = post(
        &app,
        "/api/v1/admin/measures",
        &admin,
        json!({ "keys": ["new_users"], "start_at": "not a date" }),
    )
    .await;
    assert_eq!(status, 400, "a date that is there must be a date");
}

#[tokio::test]
async fn a_warned_local_account_is_notified_and_e_mailed() {
    let app = match TestApp::spawn_with_smtp(&[]).await {
        Some(app) => app,
        None => TestApp::spawn().await,
    };
    let (_, _, moderator) = {
        let name = format!("mod_{}", random_suffix());
        let (user, token) = staff(&app, &name, Role::Moderator).await;
        (user, (), token)
    };
    let name = format!("warned_{}", random_suffix());
    let (_, warned, warned_token) = local_user(&app.state, &name).await;
    let (status, _) = post(
        &app,
        &format!("/api/v1/admin/accounts/{}/action", warned.id),
        &moderator,
        json!({ "type": "none", "text": "Please keep it civil." }),
    )
    .await;
    assert_eq!(status, 200);
    let (_, notes) = get(&app, "/api/v1/notifications", &warned_token).await;
    assert_eq!(notes.as_array().map(Vec::len), Some(1), "{notes}");
    let note = &notes[0];
    assert_eq!(note["type"], "moderation_warning");
    let warning = &note["moderation_warning"];
    assert_eq!(warning["action"], "none");
    assert_eq!(warning["text"], "Please keep it civil.");
    assert_eq!(warning["status_ids"], json!([]));
    assert_eq!(warning["target_account"]["id"], warned.id.to_string());
    assert_eq!(warning["appeal"], Value::Null);
    assert!(warning["id"].is_string() && warning["created_at"].is_string());

    let mail = app.nth_mail_to(&format!("{name}@example.com"), 1).await;
    assert_eq!(
        mail.subject,
        format!("Your account @{name} has received a warning")
    );
    assert!(mail
        .text
        .unwrap_or_default()
        .contains("Please keep it civil."));

    let (status, _) = post(
        &app,
        &format!("/api/v1/admin/accounts/{}/action", warned.id),
        &moderator,
        json!({ "type": "sensitive", "text": "quietly", "send_email_notification": false }),
    )
    .await;
    assert_eq!(status, 200);
    let (_, notes) = get(&app, "/api/v1/notifications", &warned_token).await;
    assert_eq!(
        notes.as_array().map(Vec::len),
        Some(1),
        "no second notification"
    );
}

#[tokio::test]
async fn ferrodonctl_manages_the_same_email_domain_and_ip_blocks() {
    let app = TestApp::spawn().await;
    let signup = app_token(&app).await;

    let out = app.ctl(&[
        "email-domain-blocks",
        "add",
        "@Junk.Example.",
        "other.example",
    ]);
    assert!(out.contains("Added 2, skipped 0"), "{out}");
    let failed = app.ctl_fails(&["email_domain_blocks", "add", "junk.example"]);
    assert!(failed.contains("has already been taken"), "{failed}");
    let listed = app.ctl(&["email-domain-blocks", "list"]);
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        vec!["junk.example", "other.example"]
    );
    let (status, refused) =
        sign_up_from(&app, &signup, "junker", "me@junk.example", "10.9.0.1").await;
    assert_eq!(status, 422, "{refused}");
    let out = app.ctl(&[
        "email-domain-blocks",
        "remove",
        "junk.example",
        "never.example",
    ]);
    assert!(out.contains("Removed 1, not found 1"), "{out}");
    let (status, created) =
        sign_up_from(&app, &signup, "junker", "me@junk.example", "10.9.0.1").await;
    assert_eq!(status, 200, "{created}");

    let out = app.ctl(&[
        "ip-blocks",
        "add",
        "203.0.113.5",
        "2001:db8::1/32",
        "--severity",
        "sign_up_block",
        "--comment",
        "from the shell",
    ]);
    assert!(out.contains("Added 2, skipped 0"), "{out}");
    let nginx = app.ctl(&["ip-blocks", "export", "--format", "nginx"]);
    assert!(nginx.contains("deny 203.0.113.5/32;"), "{nginx}");
    assert!(nginx.contains("deny 2001:db8::/32;"), "{nginx}");
    // The web process re-reads the list within 10 seconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    for attempt in 0.. {
        let username = format!("blocked{attempt}");
        let email = format!("{username}@example.org");
        let (status, body) = sign_up_from(&app, &signup, &username, &email, "203.0.113.5").await;
        if status == 403 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {status}: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    // An expired block no longer shows but still holds its range: adding
    // the range again renews it instead of failing on the unique range.
    let out = app.ctl(&[
        "ip-blocks",
        "add",
        "198.51.100.1",
        "--severity",
        "no_access",
        "--duration",
        "1",
    ]);
    assert!(out.contains("Added 1, skipped 0"), "{out}");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        !app.ctl(&["ip-blocks", "export"])
            .contains("198.51.100.1/32"),
        "expired"
    );
    let out = app.ctl(&[
        "ip-blocks",
        "add",
        "198.51.100.1",
        "--severity",
        "sign_up_block",
    ]);
    assert!(
        out.contains("Replaced 198.51.100.1/32 (sign_up_block)"),
        "{out}"
    );
    let out = app.ctl(&["ip-blocks", "remove", "198.51.100.1"]);
    assert!(out.contains("Removed 1, not found 0"), "{out}");
    let failed = app.ctl_fails(&["ip-blocks", "add", "not-an-ip", "--severity", "no_access"]);
    assert!(failed.contains("not an IP address"), "{failed}");
    let out = app.ctl(&["ip-blocks", "remove", "203.0.113.5"]);
    assert!(out.contains("Removed 1, not found 0"), "{out}");
    let plain = app.ctl(&["ip-blocks", "export"]);
    assert_eq!(plain.trim(), "2001:db8::/32");
}

/// The publishers of links (Mastodon's PreviewCardProvider, `GET
/// /api/v1/admin/trends/links/publishers`): one per host of a preview card;
/// rejecting one takes its links out of the public trends unless a link
/// has a verdict of its own, and marks them reviewed.
#[tokio::test]
async fn link_publishers_are_listed_approved_and_rejected() {
    use ferrodon_core::db::queries::preview_cards::{put_card_for_status, NewPreviewCard};
    let app = TestApp::spawn().await;
    let (_, admin) = staff(&app, "boss", Role::Admin).await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    for token in [&alice, &bob] {
        let resp = app
            .client
            .patch(app.url("/api/v1/accounts/update_credentials"))
            .bearer_auth(token)
            .json(&json!({ "discoverable": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    // Both share both links; the cards are stored as the pull queue
    // stores them.
    let news = "https://News.Example/today?utm=1";
    let blog = "https://blog.example:8443/post";
    for token in [&alice, &bob] {
        for url in [news, blog] {
            let (status, posted) = post(
                &app,
                "/api/v1/statuses",
                token,
                json!({ "status": format!("read {url}") }),
            )
            .await;
            assert_eq!(status, 200);
            let id: i64 = posted["id"].as_str().unwrap().parse().unwrap();
            let mut conn = app.state.conn().await.unwrap();
            let card = NewPreviewCard {
                url: url.to_owned(),
                title: format!("About {url}"),
                kind: "link".into(),
                ..Default::default()
            };
            put_card_for_status(&mut conn, id, &card).await.unwrap();
        }
    }
    let public_links = || async {
        let (_, links) = get(&app, "/api/v1/trends/links", &alice).await;
        let mut urls: Vec<String> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["url"].as_str().unwrap().to_owned())
            .collect();
        urls.sort();
        urls
    };
    assert_eq!(public_links().await, [news, blog]);

    let (status, listed) = get(&app, "/api/v1/admin/trends/links/publishers", &admin).await;
    assert_eq!(status, 200, "{listed}");
    let listed = listed.as_array().unwrap().clone();
    let mut domains: Vec<&str> = listed
        .iter()
        .map(|p| p["domain"].as_str().unwrap())
        .collect();
    domains.sort_unstable();
    assert_eq!(domains, ["blog.example", "news.example"]);
    let news_publisher = listed
        .iter()
        .find(|p| p["domain"] == "news.example")
        .unwrap();
    assert_eq!(news_publisher["trendable"], Value::Null);
    assert_eq!(news_publisher["reviewed_at"], Value::Null);
    assert_eq!(news_publisher["requested_review_at"], Value::Null);
    assert_eq!(news_publisher["requires_review"], true);
    let news_id = news_publisher["id"].as_str().unwrap().to_owned();
    let blog_id = listed
        .iter()
        .find(|p| p["domain"] == "blog.example")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Paged by id, newest first, with a Link header.
    let first = app
        .get("/api/v1/admin/trends/links/publishers?limit=1", &admin)
        .await;
    assert!(
        super::timelines::link_url(&first, "next").is_some(),
        "a next link"
    );
    let first: Value = first.json().await.unwrap();
    assert_eq!(first.as_array().map(Vec::len), Some(1));

    // Only staff who manage taxonomies, with admin scopes.
    let (status, _) = get(&app, "/api/v1/admin/trends/links/publishers", &alice).await;
    assert_eq!(status, 403);
    let path = format!("/api/v1/admin/trends/links/publishers/{news_id}/reject");
    let (status, _) = post(&app, &path, &alice, json!({})).await;
    assert_eq!(status, 403);

    let (status, rejected) = post(&app, &path, &admin, json!({})).await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(rejected["id"], news_id.as_str());
    assert_eq!(rejected["trendable"], false);
    assert_eq!(rejected["requires_review"], false);
    assert!(rejected["reviewed_at"].is_string());
    assert_eq!(public_links().await, [blog], "the publisher's link left");
    let (_, admin_links) = get(&app, "/api/v1/admin/trends/links", &admin).await;
    let news_link = admin_links
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == news)
        .unwrap_or_else(|| panic!("staff still see it: {admin_links}"))
        .clone();
    assert_eq!(
        news_link["requires_review"], false,
        "reviewed by its publisher"
    );
    let blog_link = admin_links
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["url"] == blog)
        .unwrap()
        .clone();
    assert_eq!(blog_link["requires_review"], true);

    // A link's own verdict wins over its publisher's.
    let link_id = news_link["id"].as_str().unwrap();
    let (status, _) = post(
        &app,
        &format!("/api/v1/admin/trends/links/{link_id}/approve"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(public_links().await.len(), 2);

    let (status, approved) = post(
        &app,
        &format!("/api/v1/admin/trends/links/publishers/{blog_id}/approve"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["trendable"], true);
    assert_eq!(approved["requires_review"], false);
    let (status, _) = post(
        &app,
        "/api/v1/admin/trends/links/publishers/12345/approve",
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
}
