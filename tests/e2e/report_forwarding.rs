//! A report on a remote account with `forward` reaches that account's
//! server as a `Flag` from our instance actor (the reporter stays
//! anonymous there); one without `forward` stays with our moderators.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

use crate::federation::{domain, instance, json_of, within};

/// (comment, reporter's ActivityPub id) of every report stored on `app`.
async fn reports_on(app: &TestApp) -> Vec<(String, String)> {
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    use ferrodon_core::db::schema::{accounts, reports};
    let mut conn = app.state.conn().await.unwrap();
    reports::table
        .inner_join(accounts::table.on(accounts::id.eq(reports::account_id)))
        .select((reports::comment, accounts::uri))
        .order(reports::id)
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn forwarded_reports_reach_the_reported_accounts_server_as_a_flag() {
    let a = instance().await;
    let b = instance().await;
    let (_, _, alice_token) = local_user(&a.state, "alice").await;
    local_user(&b.state, "carol").await;
    let found = json_of(
        a.get(
            &format!(
                "/api/v2/search?q=@carol@{}&resolve=true&type=accounts",
                domain(&b)
            ),
            &alice_token,
        )
        .await,
    )
    .await;
    let carol_on_a = found["accounts"][0]["id"].as_str().unwrap().to_owned();

    let kept: Value = json_of(
        a.post_form(
            "/api/v1/reports",
            &alice_token,
            &[
                ("account_id", carol_on_a.as_str()),
                ("comment", "only for us"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(kept["forwarded"], false, "{kept}");
    let sent: Value = json_of(
        a.post_form(
            "/api/v1/reports",
            &alice_token,
            &[
                ("account_id", carol_on_a.as_str()),
                ("comment", "please look at this"),
                ("forward", "true"),
                ("category", "spam"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(sent["forwarded"], true, "{sent}");

    let stored = within("the forwarded report on B", || async {
        let all = reports_on(&b).await;
        (!all.is_empty()).then_some(all)
    })
    .await;
    // Only the forwarded one, and from A's instance actor, not from alice.
    assert_eq!(
        stored,
        vec![(
            "please look at this".to_owned(),
            format!("{}/actor", a.base_url)
        )]
    );
}
