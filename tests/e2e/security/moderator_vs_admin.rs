//! A Moderator used to act on Admins and the Owner: the admin API's
//! `POST /api/v1/admin/accounts/:owner_id/action type=sensitive` answered
//! 200 and the Owner was sensitized (`disable` and the rest took the same
//! path, and so did the moderation pages). Now a staff member acts only on
//! accounts whose role theirs outranks (Owner > Admin > Moderator > User),
//! as Mastodon's policies say, and gets 403 "This action is not allowed"
//! otherwise, whether through the API or the pages.
use ferrodon_core::db::models::{Account, User};
use ferrodon_core::db::queries::moderation;
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, token_for, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

use crate::ui_moderation::staff;

const ADMIN_SCOPES: &str = "read write admin:read admin:write";
const ACTIONS: [&str; 5] = ["sensitive", "disable", "silence", "suspend", "none"];

async fn act(app: &TestApp, token: &str, target: i64, kind: &str) -> (u16, Value) {
    let response = app
        .post_json(
            &format!("/api/v1/admin/accounts/{target}/action"),
            token,
            &json!({ "type": kind, "text": "behave" }),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn act_ok(app: &TestApp, token: &str, target: i64, kind: &str) {
    let (status, body) = act(app, token, target, kind).await;
    assert_eq!(status, 200, "{kind}: {body}");
}

async fn current(app: &TestApp, account_id: i64) -> (Account, Option<User>) {
    let mut conn = app.state.conn().await.unwrap();
    moderation::get_account_with_user(&mut conn, account_id)
        .await
        .unwrap()
}

/// Asserts nothing was done to the account.
async fn untouched(app: &TestApp, account_id: i64, who: &str) {
    let (account, user) = current(app, account_id).await;
    assert!(account.sensitized_at.is_none(), "{who} was sensitized");
    assert!(account.silenced_at.is_none(), "{who} was limited");
    assert!(account.suspended_at.is_none(), "{who} was suspended");
    assert!(!user.unwrap().disabled, "{who} was disabled");
}

#[tokio::test]
async fn through_the_api_only_a_higher_role_may_act() {
    let app = TestApp::spawn().await;
    let owner = staff(&app, "owner", "Owner").await;
    let admin = staff(&app, "boss", "Admin").await;
    let moderator = staff(&app, "moddy", "Moderator").await;
    let other_moderator = staff(&app, "moddy2", "Moderator").await;
    let (plain, _, _) = local_user(&app.state, "someone").await;
    let moderator_token = token_for(&app.state, &moderator, ADMIN_SCOPES).await;
    let admin_token = token_for(&app.state, &admin, ADMIN_SCOPES).await;

    for (target, who) in [
        (&owner, "the Owner"),
        (&admin, "an Admin"),
        (&other_moderator, "another Moderator"),
    ] {
        for kind in ACTIONS {
            let (status, body) = act(&app, &moderator_token, target.account_id, kind).await;
            assert_eq!(status, 403, "Moderator {kind} on {who}: {body}");
            assert_eq!(body, json!({ "error": "This action is not allowed" }));
        }
        untouched(&app, target.account_id, who).await;
    }
    for kind in ACTIONS {
        let (status, body) = act(&app, &admin_token, owner.account_id, kind).await;
        assert_eq!(status, 403, "Admin {kind} on the Owner: {body}");
    }
    untouched(&app, owner.account_id, "the Owner").await;

    // Downwards still works.
    act_ok(&app, &moderator_token, plain.account_id, "sensitive").await;
    let (account, _) = current(&app, plain.account_id).await;
    assert!(account.sensitized_at.is_some());
    act_ok(&app, &admin_token, other_moderator.account_id, "silence").await;
    let (account, _) = current(&app, other_moderator.account_id).await;
    assert!(account.silenced_at.is_some());
}

#[tokio::test]
async fn through_the_moderation_pages_a_moderator_cannot_touch_the_owner() {
    let app = TestApp::spawn().await;
    let owner = staff(&app, "owner", "Owner").await;
    staff(&app, "moddy", "Moderator").await;
    let (plain, _, _) = local_user(&app.state, "someone").await;
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in("moddy", PASSWORD).await;

    for kind in ["sensitive", "disable", "suspend"] {
        let page = format!("/admin/accounts/{}", owner.account_id);
        let response = browser
            .submit(&page, &format!("{page}/action"), &[("type", kind)])
            .await;
        assert_eq!(response.status, 403, "{kind}: {}", response.body);
        assert!(response.body.contains("This action is not allowed"));
    }
    untouched(&app, owner.account_id, "the Owner").await;

    let page = format!("/admin/accounts/{}", plain.account_id);
    let response = browser
        .submit(&page, &format!("{page}/action"), &[("type", "sensitive")])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert!(current(&app, plain.account_id)
        .await
        .0
        .sensitized_at
        .is_some());
}
