//! Signing up in a browser: the server rules, field errors, closed and
//! approval-only registrations, confirmation e-mails and invite links.
use ferrodon_core::db::models::Role;
use ferrodon_core::db::queries::rules;
use ferrodon_core::services::instance_settings::{set_registrations_mode, RegistrationsMode};
use ferrodon_testkit::browser::{form_value, Browser};
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn add_rule(app: &TestApp, text: &str) -> i64 {
    let mut conn = app.state.conn().await.unwrap();
    rules::put_rule(&mut conn, text, "").await.unwrap().id
}

async fn set_mode(app: &TestApp, mode: RegistrationsMode) {
    set_registrations_mode(&app.state, mode).await.unwrap();
}

/// The confirmation link of the newest e-mail to `address`.
async fn confirmation_link(app: &TestApp, address: &str, n: usize) -> String {
    let mail = app.nth_mail_to(address, n).await;
    let link = mail
        .link_containing("/auth/confirmation?confirmation_token=")
        .expect("confirmation link");
    link.trim_start_matches(&app.base_url).to_owned()
}

#[tokio::test]
async fn signing_up_needs_every_rule_agreed_then_confirms_by_email() {
    let app = TestApp::spawn().await;
    let be_nice = add_rule(&app, "Be nice").await;
    let no_spam = add_rule(&app, "No spam").await;
    let mut browser = Browser::new(&app.url(""));

    let page = browser.get("/auth/sign_up").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Be nice") && page.body.contains("No spam"));
    assert!(page.body.contains(&format!("name=\"rule_{be_nice}\"")));
    assert!(
        !page.body.contains("name=\"reason\""),
        "open mode asks no reason"
    );
    let token = page.csrf_token();
    let rule_a = format!("rule_{be_nice}");
    let rule_b = format!("rule_{no_spam}");

    // One rule not agreed to: 422, the form again with what was typed.
    let refused = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "newbie"),
                ("email", "newbie@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                (&rule_a, "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("You must agree to every rule"));
    assert_eq!(
        form_value(&refused.body, "username").as_deref(),
        Some("newbie")
    );

    // Errors from the registration service land next to their fields.
    local_user(&app.state, "taken").await;
    let bad = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "taken"),
                ("email", "someone@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", "something else"),
                (&rule_a, "1"),
                (&rule_b, "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"password_confirmation-error\""));
    let short = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "taken"),
                ("email", "someone@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                (&rule_a, "1"),
                (&rule_b, "1"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(
        short
            .body
            .contains("id=\"username-error\">Username has already been taken"),
        "{}",
        short.body
    );

    // A forged form is refused.
    let forged = browser
        .post_form("/auth/sign_up", &[("authenticity_token", "forged")])
        .await;
    assert_eq!(forged.status, 403);

    // Everything right: the check-your-e-mail page, and the e-mail.
    let ok = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "newbie"),
                ("email", "newbie@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                (&rule_a, "1"),
                (&rule_b, "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("Check your e-mail") && ok.body.contains("newbie@example.com"));

    // Not confirmed yet: sign-in says so.
    let early = browser
        .submit(
            "/auth/sign_in",
            "/auth/sign_in",
            &[("login", "newbie"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(early.status, 401);
    assert!(early.body.contains("Confirm your e-mail address first"));

    // Lost the e-mail: ask for it again.
    let resent = browser
        .submit(
            "/auth/confirmation/new",
            "/auth/confirmation",
            &[("email", "newbie@example.com")],
        )
        .await;
    assert_eq!(resent.status, 303);
    let second = confirmation_link(&app, "newbie@example.com", 2).await;
    let confirmed = browser.get(&second).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("E-mail address confirmed"));
    browser.sign_in("newbie", PASSWORD).await;
}

#[tokio::test]
async fn closed_registrations_show_a_page_unless_an_invite_is_used() {
    let app = TestApp::spawn().await;
    set_mode(&app, RegistrationsMode::Closed).await;
    let mut browser = Browser::new(&app.url(""));
    let page = browser.get("/auth/sign_up").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registrations are closed"));
    assert!(!page.body.contains("name=\"username\""));
    let token = browser.get("/auth/sign_in").await.csrf_token();
    let posted = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "sneaky"),
                ("email", "sneaky@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("agreement", "1"),
            ],
        )
        .await;
    assert_eq!(posted.status, 403);

    // An inviter makes a one-use link that follows them.
    let (_, inviter, inviter_token) = local_user(&app.state, "inviter").await;
    let mut inviter_browser = Browser::new(&app.url(""));
    inviter_browser.sign_in("inviter", PASSWORD).await;
    let made = inviter_browser
        .submit(
            "/invites",
            "/invites",
            &[
                ("max_uses", "1"),
                ("expires_in", "86400"),
                ("autofollow", "1"),
            ],
        )
        .await;
    assert_eq!(made.status, 303);
    let list = inviter_browser.get("/invites").await;
    let start = list
        .body
        .find("/invite/")
        .expect("an invite link on the page");
    let code: String = list.body[start + "/invite/".len()..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(code.len(), 8);
    assert!(list.body.contains("0 / 1"));

    let invited = browser.get(&format!("/invite/{code}")).await;
    assert_eq!(invited.status, 200);
    assert_eq!(
        form_value(&invited.body, "invite_code").as_deref(),
        Some(code.as_str())
    );
    let token = invited.csrf_token();
    let ok = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("invite_code", &code),
                ("username", "invitee"),
                ("email", "invitee@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("agreement", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("Check your e-mail"));

    // The invitee follows the inviter; the link is used up.
    let followers: Value = app
        .get(
            &format!("/api/v1/accounts/{}/followers", inviter.id),
            &inviter_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(followers[0]["username"], "invitee", "{followers}");
    assert!(inviter_browser.get("/invites").await.body.contains("1 / 1"));
    let used_up = browser.get(&format!("/invite/{code}")).await;
    assert_eq!(used_up.status, 404);
    assert!(used_up.body.contains("This invite cannot be used"));

    // Invited accounts skip approval: confirmed, they can sign in.
    let link = confirmation_link(&app, "invitee@example.com", 1).await;
    assert_eq!(browser.get(&link).await.status, 200);
    browser.sign_in("invitee", PASSWORD).await;

    // Expiring a link stops it.
    let mut other = Browser::new(&app.url(""));
    let _ = inviter_browser
        .submit(
            "/invites",
            "/invites",
            &[("max_uses", ""), ("expires_in", "")],
        )
        .await;
    let list = inviter_browser.get("/invites").await;
    let expire_at = list.body.find("/expire\"").expect("an expire button");
    let id_start = list.body[..expire_at].rfind("/invites/").unwrap() + "/invites/".len();
    let id = &list.body[id_start..expire_at];
    let start = list.body.find("/invite/").unwrap() + "/invite/".len();
    let second_code: String = list.body[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(
        other.get(&format!("/invite/{second_code}")).await.status,
        200
    );
    let expired = inviter_browser
        .submit("/invites", &format!("/invites/{id}/expire"), &[])
        .await;
    assert_eq!(expired.status, 303, "{}", expired.body);
    assert_eq!(
        other.get(&format!("/invite/{second_code}")).await.status,
        404
    );
}

#[tokio::test]
async fn approval_mode_asks_why_and_says_the_account_awaits_review() {
    let app = TestApp::spawn().await;
    set_mode(&app, RegistrationsMode::Approved).await;
    let mut browser = Browser::new(&app.url(""));
    let page = browser.get("/auth/sign_up").await;
    assert!(page.body.contains("name=\"reason\""));
    let token = page.csrf_token();
    let ok = browser
        .post_form(
            "/auth/sign_up",
            &[
                ("authenticity_token", &token),
                ("username", "hopeful"),
                ("email", "hopeful@example.com"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
                ("agreement", "1"),
                ("reason", "I like the people here"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok
        .body
        .contains("a moderator will then review your account"));

    // The reason reaches the moderators through the admin API.
    let (admin, _, _) = local_user(&app.state, "boss").await;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::queries::users::update_user(
        &mut conn,
        admin.id,
        &ferrodon_core::db::models::UserChanges {
            role: Some(Role::Admin),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let admin_token =
        ferrodon_testkit::factories::token_for(&app.state, &admin, "admin:read").await;
    let pending: Value = app
        .get("/api/v1/admin/accounts?pending=true", &admin_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending[0]["username"], "hopeful", "{pending}");
    assert_eq!(pending[0]["invite_request"], "I like the people here");

    let link = confirmation_link(&app, "hopeful@example.com", 1).await;
    let confirmed = browser.get(&link).await;
    assert!(confirmed.body.contains("waiting for a moderator"));
    let refused = browser
        .submit(
            "/auth/sign_in",
            "/auth/sign_in",
            &[("login", "hopeful"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("waiting for a moderator"));
}

#[tokio::test]
async fn the_sign_up_page_obeys_email_domain_and_ip_blocks() {
    let app = TestApp::spawn().await;
    app.ctl(&["email-domain-blocks", "add", "spam.example"]);
    app.ctl(&[
        "ip-blocks",
        "add",
        "127.0.0.1",
        "--severity",
        "sign_up_requires_approval",
    ]);
    let mut browser = Browser::new(&app.url(""));
    let page = browser.get("/auth/sign_up").await;
    let token = page.csrf_token();
    let form = |username: &'static str, email: &'static str| {
        vec![
            ("authenticity_token", token.clone()),
            ("username", username.to_owned()),
            ("email", email.to_owned()),
            ("password", PASSWORD.to_owned()),
            ("password_confirmation", PASSWORD.to_owned()),
            ("agreement", "1".to_owned()),
        ]
    };
    let fields = form("spammer", "me@mail.spam.example");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = browser.post_form("/auth/sign_up", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("disallowed e-mail provider"),
        "the e-mail field says why: {}",
        refused.body
    );
    // The test's browser comes from 127.0.0.1: its sign-ups wait for approval.
    let fields = form("newbie", "newbie@example.org");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // Web processes re-read IP blocks made elsewhere within 10 seconds.
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    let created = browser.post_form("/auth/sign_up", &fields).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let mut conn = app.state.conn().await.unwrap();
    let (user, _) = ferrodon_core::db::queries::users::get_user_by_login(&mut conn, "newbie")
        .await
        .unwrap();
    assert!(
        !user.approved,
        "an address needing approval makes the account wait"
    );
}
