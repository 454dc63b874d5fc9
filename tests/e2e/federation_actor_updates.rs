//! Actor updates between two real instances: a profile change reaches the
//! follower's server, and a suspension (imposed, then lifted) is told to
//! it, as Mastodon's servers expect; a suspension of the follower's own
//! moderators is not lifted by the remote server.
use ferrodon_core::db::queries::{accounts, users};
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::json;

use crate::federation::{domain, follow_remote, instance, json_of, within};

async fn admin_token(app: &TestApp, username: &str) -> String {
    let (user, _, _) = local_user(&app.state, username).await;
    app.ctl(&["accounts", "modify", username, "--role", "Admin"]);
    let mut conn = app.state.conn().await.unwrap();
    let user = users::get_user_by_account_id(&mut conn, user.account_id)
        .await
        .unwrap();
    token_for(&app.state, &user, "read write admin:read admin:write").await
}

async fn suspended_on(app: &TestApp, id: &str) -> bool {
    let mut conn = app.state.conn().await.unwrap();
    accounts::get_account_by_id(&mut conn, id.parse().unwrap())
        .await
        .unwrap()
        .suspended_at
        .is_some()
}

#[tokio::test]
async fn profile_changes_and_suspensions_reach_followers_servers() {
    let a = instance().await;
    let b = instance().await;
    let (_, alice, alice_token) = local_user(&a.state, "alice").await;
    let (_, _, bob_token) = local_user(&b.state, "bob").await;
    let a_admin = admin_token(&a, "root").await;
    let b_admin = admin_token(&b, "boss").await;
    let alice_on_b = follow_remote(&b, &bob_token, "alice", &domain(&a)).await;

    // A new display name on A shows on B.
    let resp = a
        .client
        .patch(a.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice_token)
        .form(&[("display_name", "Alice in Chains"), ("note", "new bio")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    within("the new name to reach B", || async {
        let seen = json_of(
            b.get(&format!("/api/v1/accounts/{alice_on_b}"), &bob_token)
                .await,
        )
        .await;
        (seen["display_name"] == "Alice in Chains").then_some(())
    })
    .await;

    // A suspends alice: her actor says so, and B suspends her too.
    let resp = a
        .client
        .post(a.url(&format!("/api/v1/admin/accounts/{}/action", alice.id)))
        .bearer_auth(&a_admin)
        .json(&json!({ "type": "suspend", "text": "spam" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let actor = json_of(
        a.client
            .get(&alice.uri)
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(actor["suspended"], true);
    assert_eq!(actor["name"], "");
    assert!(actor["publicKey"]["publicKeyPem"]
        .as_str()
        .is_some_and(|k| k.contains("PUBLIC KEY")));
    within("B to suspend alice", || async {
        suspended_on(&b, &alice_on_b).await.then_some(())
    })
    .await;

    // Lifted on A: lifted on B.
    let resp = a
        .client
        .post(a.url(&format!("/api/v1/admin/accounts/{}/unsuspend", alice.id)))
        .bearer_auth(&a_admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    within("B to restore alice", || async {
        (!suspended_on(&b, &alice_on_b).await).then_some(())
    })
    .await;

    // B's own moderators suspend her: A's word does not lift that.
    let resp = b
        .client
        .post(b.url(&format!("/api/v1/admin/accounts/{alice_on_b}/action")))
        .bearer_auth(&b_admin)
        .json(&json!({ "type": "suspend" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = a
        .client
        .patch(a.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice_token)
        .form(&[("display_name", "Alice again")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(
        suspended_on(&b, &alice_on_b).await,
        "a local suspension stays"
    );
}

async fn moved_to_on(app: &TestApp, id: i64) -> Option<i64> {
    let mut conn = app.state.conn().await.unwrap();
    accounts::moved_to(&mut conn, id).await.unwrap()
}

#[tokio::test]
async fn moving_an_account_to_another_server_takes_its_followers_along() {
    use ferrodon_testkit::browser::Browser;
    use ferrodon_testkit::factories::PASSWORD;

    let a = instance().await;
    let b = instance().await;
    let (_, alice, _) = local_user(&a.state, "alice").await;
    let (_, bob, bob_token) = local_user(&a.state, "bob").await;
    let (_, newalice, _) = local_user(&b.state, "newalice").await;
    let (_, carol, carol_token) = local_user(&b.state, "carol").await;
    // bob (on A) and carol (on B) follow alice on A.
    let resp = a
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice.id),
            &bob_token,
            &[],
        )
        .await;
    assert_eq!(resp.status(), 200);
    let alice_on_b = follow_remote(&b, &carol_token, "alice", &domain(&a)).await;

    // Moving before the new account names the old one is refused.
    let mut old = Browser::new(&a.url(""));
    old.sign_in("alice", PASSWORD).await;
    let target = format!("newalice@{}", domain(&b));
    let refused = old
        .submit(
            "/settings/migration",
            "/settings/migration",
            &[("acct", &target), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("must first name this account"));

    // newalice names alice@A as an alias on B; her actor says so.
    let mut new = Browser::new(&b.url(""));
    new.sign_in("newalice", PASSWORD).await;
    let alias = format!("alice@{}", domain(&a));
    let added = new
        .submit(
            "/settings/aliases",
            "/settings/aliases",
            &[("acct", &alias)],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let actor = json_of(
        b.client
            .get(&newalice.uri)
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(actor["alsoKnownAs"], json!([alice.uri]));

    // A wrong password is refused; the right one moves.
    let wrong = old
        .submit(
            "/settings/migration",
            "/settings/migration",
            &[("acct", &target), ("current_password", "nope")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let moved = old
        .submit(
            "/settings/migration",
            "/settings/migration",
            &[("acct", &target), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    assert!(moved_to_on(&a, alice.id).await.is_some());
    let actor = json_of(
        a.client
            .get(&alice.uri)
            .header("Accept", "application/activity+json")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(actor["movedTo"], newalice.uri);

    // bob, on the old server, now follows newalice on B.
    within("bob to follow newalice", || async {
        let following = json_of(
            a.get(
                &format!("/api/v1/accounts/{}/following", bob.id),
                &bob_token,
            )
            .await,
        )
        .await;
        let accts: Vec<String> = following
            .as_array()?
            .iter()
            .map(|f| f["acct"].as_str().unwrap_or_default().to_owned())
            .collect();
        (accts == vec![target.clone()]).then_some(())
    })
    .await;
    // carol, on the new server, got the Move: she follows newalice.
    within("carol to follow newalice", || async {
        let following = json_of(
            b.get(
                &format!("/api/v1/accounts/{}/following", carol.id),
                &carol_token,
            )
            .await,
        )
        .await;
        let accts: Vec<String> = following
            .as_array()?
            .iter()
            .map(|f| f["acct"].as_str().unwrap_or_default().to_owned())
            .collect();
        (accts == vec!["newalice".to_owned()]).then_some(())
    })
    .await;
    assert_eq!(
        moved_to_on(&b, alice_on_b.parse().unwrap()).await,
        Some(newalice.id)
    );
}
