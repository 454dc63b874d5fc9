//! E-mail flows against the real SMTP sink `scripts/test` runs: sign-up
//! confirmation (and resending it), password reset, notification e-mails.
//! Skipped, saying so, only when FERRODON_TEST_SMTP_PORT is not set.
use std::time::Duration;

use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::oauth::{self, app_token, sign_up};
use ferrodon_testkit::{random_suffix, TestApp};
use serde_json::{json, Value};

/// A username (and so an address) no other test of the run uses: the sink is shared.
fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", random_suffix())
}

#[tokio::test]
async fn sign_up_is_confirmed_through_the_link_in_the_email() {
    let Some(app) = TestApp::spawn_with_smtp(&[]).await else {
        return;
    };
    let app_token = app_token(&app).await;
    let username = unique("newbie");
    let email = format!("{username}@example.com");
    let token = sign_up(&app, &app_token, &username, &email).await;

    let refused = app.get("/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.json::<Value>().await.unwrap(),
        json!({"error": "Your login is missing a confirmed e-mail address"})
    );

    let mail = app.nth_mail_to(&email, 1).await;
    assert!(
        mail.from.contains("notifications@ferrodon.test"),
        "{}",
        mail.from
    );
    assert!(mail.to.contains(&email));
    assert!(
        mail.subject.starts_with("Confirmation instructions"),
        "{}",
        mail.subject
    );
    assert_eq!(mail.content_type, "multipart/alternative");
    let text = mail.text.clone().unwrap();
    let html = mail.html.clone().unwrap();
    assert!(text.contains(&format!("Hello @{username}")));
    assert!(html.contains(&format!("Hello @{username}")));
    let link = mail
        .link_containing("/auth/confirmation?confirmation_token=")
        .unwrap();
    assert!(link.starts_with(&app.base_url), "{link}");
    assert!(html.contains(&link), "the HTML part carries the same link");

    let bad = app
        .client
        .get(app.url("/auth/confirmation?confirmation_token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
    assert!(bad.text().await.unwrap().contains("invalid"));

    let confirmed = app.client.get(&link).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed.text().await.unwrap().contains("confirmed"));
    let me = app.get("/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap()["username"], username);

    let spent = app.client.get(&link).send().await.unwrap();
    assert_eq!(spent.status(), 404, "a confirmation link works once");
    let resend = app
        .post_form("/api/v1/emails/confirmations", &token, &[])
        .await;
    assert_eq!(resend.status(), 403, "nothing is awaiting confirmation");
}

#[tokio::test]
async fn confirmation_email_is_resent_to_a_corrected_address() {
    let Some(app) = TestApp::spawn_with_smtp(&[]).await else {
        return;
    };
    let app_token = app_token(&app).await;
    let username = unique("typo");
    let wrong = format!("{username}@exmaple.com");
    let right = format!("{username}@example.com");
    let token = sign_up(&app, &app_token, &username, &wrong).await;
    let first = app.nth_mail_to(&wrong, 1).await;

    // Only the application that signed the user up may ask.
    let (_, _, other_token) = local_user(&app.state, &unique("other")).await;
    let foreign = app
        .post_form("/api/v1/emails/confirmations", &other_token, &[])
        .await;
    assert_eq!(foreign.status(), 403);

    let resend = app
        .post_form("/api/v1/emails/confirmations", &token, &[("email", &right)])
        .await;
    assert_eq!(resend.status(), 200);
    assert_eq!(resend.json::<Value>().await.unwrap(), json!({}));
    let second = app.nth_mail_to(&right, 1).await;

    let old_link = first.link_containing("/auth/confirmation").unwrap();
    let old = app.client.get(&old_link).send().await.unwrap();
    assert_eq!(old.status(), 404, "a new e-mail replaces the old link");
    let link = second.link_containing("/auth/confirmation").unwrap();
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 200);
    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &token)
            .await
            .status(),
        200
    );
    let mut conn = app.state.conn().await.unwrap();
    let user = ferrodon_core::db::queries::users::get_user_by_email(&mut conn, &right)
        .await
        .unwrap();
    assert!(user.confirmed_at.is_some());
    assert_eq!(user.confirmation_token_digest, None);
}

async fn password_grant(app: &TestApp, client: &Value, login: &str, password: &str) -> u16 {
    oauth::password_grant(app, client, login, password, "read")
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn password_is_reset_through_the_link_in_the_email() {
    let Some(app) = TestApp::spawn_with_smtp(&[("FERRODON_ENABLE_PASSWORD_GRANT", "true")]).await
    else {
        return;
    };
    let username = unique("forgetful");
    let email = format!("{username}@example.com");
    let (_, _, old_token) = local_user(&app.state, &username).await;
    let client = oauth::register_app(&app, "Reset", "read").await;

    let form = app
        .client
        .get(app.url("/auth/password/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(form
        .text()
        .await
        .unwrap()
        .contains("action=\"/auth/password\""));

    let request = |address: String| {
        let app = &app;
        async move {
            let resp = app
                .client
                .post(app.url("/auth/password"))
                .form(&[("email", address.as_str())])
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let known = request(email.to_uppercase()).await;
    let nobody = format!("{}@example.com", unique("nobody"));
    let unknown = request(nobody.clone()).await;
    assert_eq!(known.0, 200);
    assert_eq!(
        known, unknown,
        "the answer does not tell whether the address exists"
    );

    let mail = app.nth_mail_to(&email, 1).await;
    assert!(
        mail.subject.starts_with("Reset password instructions"),
        "{}",
        mail.subject
    );
    assert!(mail.html.is_some());
    let link = mail
        .link_containing("/auth/password/edit?reset_password_token=")
        .unwrap();
    let token = link
        .split("reset_password_token=")
        .nth(1)
        .unwrap()
        .to_owned();

    let edit = app.client.get(&link).send().await.unwrap();
    assert_eq!(edit.status(), 200);
    assert!(edit.text().await.unwrap().contains(&token));

    let submit = |password: &'static str, confirmation: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .post(app.url("/auth/password"))
                .form(&[
                    ("_method", "put"),
                    ("reset_password_token", token.as_str()),
                    ("password", password),
                    ("password_confirmation", confirmation),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(submit("short", "short").await, 422);
    assert_eq!(submit("a brand new password", "a different one").await, 422);
    assert_eq!(
        submit("a brand new password", "a brand new password").await,
        200
    );

    assert_eq!(
        app.get("/api/v1/accounts/verify_credentials", &old_token)
            .await
            .status(),
        401,
        "access tokens are revoked"
    );
    assert_ne!(password_grant(&app, &client, &email, PASSWORD).await, 200);
    assert_eq!(
        password_grant(&app, &client, &email, "a brand new password").await,
        200
    );

    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 404);
    assert_eq!(
        submit("another new password", "another new password").await,
        404,
        "a reset link works once"
    );
    assert_eq!(
        password_grant(&app, &client, &email, "a brand new password").await,
        200
    );

    // By now the worker has long handled both requests: none went to the unknown address.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.mails_to(&nobody).is_empty());
    assert_eq!(app.mails_to(&email).len(), 1);
}

#[tokio::test]
async fn mentions_and_follows_are_emailed_but_favourites_are_not() {
    let Some(app) = TestApp::spawn_with_smtp(&[]).await else {
        return;
    };
    let alice_name = unique("alice");
    let alice_email = format!("{alice_name}@example.com");
    let (_, alice, alice_token) = local_user(&app.state, &alice_name).await;
    let (_, _, bob_token) = local_user(&app.state, &unique("bob")).await;

    let own: Value = app
        .post_form("/api/v1/statuses", &alice_token, &[("status", "my post")])
        .await
        .json()
        .await
        .unwrap();
    let fav = app
        .post_form(
            &format!("/api/v1/statuses/{}/favourite", own["id"].as_str().unwrap()),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(fav.status(), 200);
    let follow = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice.id),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(follow.status(), 200);
    let followed = app.nth_mail_to(&alice_email, 1).await;
    assert!(
        followed.subject.ends_with("is now following you"),
        "{}",
        followed.subject
    );

    let status: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob_token,
            &[("status", &format!("@{alice_name} lunch <at> 12 & then?"))],
        )
        .await
        .json()
        .await
        .unwrap();
    let mention = app.nth_mail_to(&alice_email, 2).await;
    assert!(
        mention.subject.starts_with("You were mentioned by"),
        "{}",
        mention.subject
    );
    assert!(mention
        .text
        .as_deref()
        .unwrap()
        .contains("lunch <at> 12 & then?"));
    let html = mention.html.as_deref().unwrap();
    assert!(html.contains("lunch &lt;at&gt; 12 &amp; then?"), "{html}");
    assert!(mention
        .link_containing(status["id"].as_str().unwrap())
        .is_some());

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.mails_to(&alice_email).len(),
        2,
        "no e-mail for the favourite"
    );
}
