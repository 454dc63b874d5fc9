//! Deleting a local account tells every server that knew it: the `Delete`
//! of its actor, signed with the account's key, reaches its followers'
//! servers and the servers of the accounts it followed, whichever way the
//! account was deleted (by its owner, or by `ferrodonctl accounts delete`).
use ferrodon_core::db::diesel::{ExpressionMethods, QueryDsl};
use ferrodon_core::db::models::{Account, NewFollow};
use ferrodon_core::db::queries::{accounts, follows};
use ferrodon_testkit::browser::Browser;
use ferrodon_testkit::factories::{local_user, remote_account, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::fake_service;
use crate::federation::{domain, follow_remote, instance, within};

/// A remote account whose inbox is `inbox`, followed by `follower`.
async fn followed_remote(app: &TestApp, follower: &Account, inbox: &str) -> Account {
    let idol = remote_account(&app.state, "idol", "idol.example").await;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::diesel_async::RunQueryDsl::execute(
        ferrodon_core::db::diesel::update(ferrodon_core::db::schema::accounts::table.find(idol.id))
            .set(ferrodon_core::db::schema::accounts::inbox_url.eq(inbox)),
        &mut conn,
    )
    .await
    .unwrap();
    follows::put_follow(
        &mut conn,
        &NewFollow {
            account_id: follower.id,
            target_account_id: idol.id,
            show_reblogs: true,
            notify: false,
            languages: None,
            uri: None,
        },
    )
    .await
    .unwrap();
    idol
}

/// Waits until `b` has suspended its copy of the actor `uri` (what a
/// verified `Delete` of an actor does there).
async fn suspended_on(b: &TestApp, uri: &str) {
    within("the remote server to drop the deleted actor", || async {
        let mut conn = b.state.conn().await.ok()?;
        let account = accounts::get_account_by_uri(&mut conn, uri).await.ok()?;
        account.suspended_at.map(|_| ())
    })
    .await;
}

#[tokio::test]
async fn deleting_an_account_sends_the_delete_of_its_actor_to_every_server_that_knew_it() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, dave, _) = local_user(&a.state, "dave").await;
    let (_, _, bob_token) = local_user(&b.state, "bob").await;
    // Bob, on B, follows alice and dave: B knows both.
    follow_remote(&b, &bob_token, "alice", &domain(&a)).await;
    follow_remote(&b, &bob_token, "dave", &domain(&a)).await;
    // Alice follows an account on a server of its own.
    let (peer, mut received) = fake_service::start(|_| (202, String::new())).await;
    followed_remote(&a, &alice, &format!("{peer}/users/idol/inbox")).await;

    // Alice deletes her account herself.
    let mut browser = Browser::new(&a.url(""));
    browser.sign_in("alice", PASSWORD).await;
    let deleted = browser
        .submit(
            "/settings/delete",
            "/settings/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(deleted.status, 303);

    // The server of the account she followed gets the Delete, signed by her key.
    let delivery = fake_service::next(&mut received).await;
    assert_eq!(delivery.method, "POST");
    assert_eq!(delivery.path, "/users/idol/inbox");
    let activity: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(activity["type"], "Delete");
    assert_eq!(activity["actor"], alice.uri.as_str());
    assert_eq!(activity["object"], alice.uri.as_str());
    let signature = delivery.header("signature").unwrap_or_default();
    assert!(
        signature.contains(&format!("keyId=\"{}#main-key\"", alice.uri)),
        "{signature}"
    );
    // Her follower's server verifies it and drops her.
    suspended_on(&b, &alice.uri).await;

    // An operator deleting dave from the command line tells B as well.
    a.ctl(&["accounts", "delete", "dave"]);
    suspended_on(&b, &dave.uri).await;
}

#[tokio::test]
async fn an_admin_deleting_an_account_sends_the_delete_of_its_actor() {
    use ferrodon_core::db::queries::users;
    use ferrodon_testkit::factories::token_for;
    let a = instance().await;
    let (_, carol, _) = local_user(&a.state, "carol").await;
    let (peer, mut received) = fake_service::start(|_| (202, String::new())).await;
    followed_remote(&a, &carol, &format!("{peer}/users/idol/inbox")).await;
    let (admin, _, _) = local_user(&a.state, "boss").await;
    a.ctl(&["accounts", "modify", "boss", "--role", "Admin"]);
    let mut conn = a.state.conn().await.unwrap();
    let admin = users::get_user_by_account_id(&mut conn, admin.account_id)
        .await
        .unwrap();
    drop(conn);
    let token = token_for(&a.state, &admin, "read write admin:read admin:write").await;
    let path = format!("/api/v1/admin/accounts/{}", carol.id);
    let suspended = a
        .post_json(
            &format!("{path}/action"),
            &token,
            &serde_json::json!({ "type": "suspend" }),
        )
        .await;
    assert_eq!(suspended.status(), 200);
    let deleted = a
        .client
        .delete(a.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);

    // The server of the account carol followed gets the Delete of her actor.
    let activity = loop {
        let delivery = fake_service::next(&mut received).await;
        let activity: Value = serde_json::from_slice(&delivery.body).unwrap_or_default();
        if activity["type"] == "Delete" {
            break activity;
        }
    };
    assert_eq!(activity["actor"], carol.uri.as_str());
    assert_eq!(activity["object"], carol.uri.as_str());
}
