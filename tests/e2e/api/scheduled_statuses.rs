//! Scheduled statuses: scheduling through `POST /api/v1/statuses`, the
//! `/api/v1/scheduled_statuses` resource, and publication by the
//! scheduler's task.
use chrono::{Duration, SecondsFormat, Utc};
use ferrodon_core::services::schedule_status::publish_due;
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

async fn json_ok(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn in_minutes(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn schedule(app: &TestApp, token: &str, text: &str, at: &str) -> reqwest::Response {
    app.post_form(
        "/api/v1/statuses",
        token,
        &[
            ("status", text),
            ("scheduled_at", at),
            ("visibility", "unlisted"),
        ],
    )
    .await
}

/// Makes a scheduled status due, as if its time had come.
async fn make_due(app: &TestApp, id: &str) {
    use ferrodon_core::db::diesel::prelude::*;
    use ferrodon_core::db::diesel_async::RunQueryDsl;
    use ferrodon_core::db::schema::scheduled_statuses::dsl as s;
    let mut conn = app.state.conn().await.unwrap();
    ferrodon_core::db::diesel::update(s::scheduled_statuses.find(id.parse::<i64>().unwrap()))
        .set(s::scheduled_at.eq(Utc::now() - Duration::seconds(1)))
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn own_statuses(app: &TestApp, token: &str, account_id: &str) -> Vec<Value> {
    json_ok(
        app.get(&format!("/api/v1/accounts/{account_id}/statuses"), token)
            .await,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

#[tokio::test]
async fn statuses_are_scheduled_listed_rescheduled_and_deleted() {
    let app = TestApp::spawn().await;
    let (_, alice_account, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;

    let at = in_minutes(60);
    let scheduled = json_ok(schedule(&app, &alice, "Later, #friends", &at).await).await;
    let id = scheduled["id"].as_str().unwrap().to_owned();
    assert_eq!(scheduled["params"]["text"], "Later, #friends");
    assert_eq!(scheduled["params"]["visibility"], "unlisted");
    assert_eq!(scheduled["params"]["scheduled_at"], Value::Null);
    assert_eq!(scheduled["params"]["with_rate_limit"], false);
    assert!(scheduled["params"].get("application_id").is_none());
    assert_eq!(scheduled["media_attachments"], json!([]));
    let when =
        chrono::DateTime::parse_from_rfc3339(scheduled["scheduled_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        when,
        chrono::DateTime::parse_from_rfc3339(&at).unwrap(),
        "{scheduled}"
    );
    // Nothing was posted.
    assert!(own_statuses(&app, &alice, &alice_account.id.to_string())
        .await
        .is_empty());

    // Too soon, or unreadable: 422, nothing stored.
    let soon = schedule(&app, &alice, "x", &in_minutes(2)).await;
    assert_eq!(soon.status(), 422);
    assert_eq!(
        soon.json::<Value>().await.unwrap()["error"],
        "Validation failed: Scheduled at The scheduled date must be in the future"
    );
    assert_eq!(schedule(&app, &alice, "x", "tomorrow").await.status(), 422);
    // The post itself is checked now, as if posted.
    assert_eq!(
        schedule(&app, &alice, "", &in_minutes(60)).await.status(),
        422
    );

    // A second one, then the list: newest first, paged with Link.
    let second = json_ok(schedule(&app, &alice, "Even later", &in_minutes(120)).await).await;
    let page = app.get("/api/v1/scheduled_statuses?limit=1", &alice).await;
    let link = page.headers()["link"].to_str().unwrap().to_owned();
    let page = json_ok(page).await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["id"], second["id"]);
    assert!(
        link.contains(&format!("max_id={}", second["id"].as_str().unwrap())),
        "{link}"
    );
    let all = json_ok(app.get("/api/v1/scheduled_statuses", &alice).await).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    // Only one's own.
    assert_eq!(
        json_ok(app.get("/api/v1/scheduled_statuses", &bob).await).await,
        json!([])
    );
    let path = format!("/api/v1/scheduled_statuses/{id}");
    assert_eq!(app.get(&path, &bob).await.status(), 404);
    assert_eq!(json_ok(app.get(&path, &alice).await).await["id"], id);

    // Reschedule: only scheduled_at changes, and not to the past.
    let later = in_minutes(180);
    let moved = json_ok(
        app.client
            .put(app.url(&path))
            .bearer_auth(&alice)
            .form(&[("scheduled_at", later.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(moved["scheduled_at"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339(&later).unwrap()
    );
    assert_eq!(moved["params"]["text"], "Later, #friends");
    let past = app
        .client
        .put(app.url(&path))
        .bearer_auth(&alice)
        .form(&[("scheduled_at", in_minutes(-5).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 422);
    let bobs = app
        .client
        .put(app.url(&path))
        .bearer_auth(&bob)
        .form(&[("scheduled_at", later.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(bobs.status(), 404);

    // Delete: bob cannot, alice can, then it is gone.
    let delete = |token: &str| app.client.delete(app.url(&path)).bearer_auth(token).send();
    assert_eq!(delete(&bob).await.unwrap().status(), 404);
    assert_eq!(json_ok(delete(&alice).await.unwrap()).await, json!({}));
    assert_eq!(app.get(&path, &alice).await.status(), 404);
    let all = json_ok(app.get("/api/v1/scheduled_statuses", &alice).await).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_daily_limit_is_25() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    // All on one UTC day, at least 5 minutes ahead: two days from now.
    let day = (Utc::now() + Duration::days(2))
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    for i in 0..25 {
        let at = (day + Duration::minutes(i)).to_rfc3339_opts(SecondsFormat::Secs, true);
        json_ok(schedule(&app, &alice, &format!("post {i}"), &at).await).await;
    }
    let at = (day + Duration::hours(3)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let over = schedule(&app, &alice, "one too many", &at).await;
    assert_eq!(over.status(), 422);
    assert_eq!(
        over.json::<Value>().await.unwrap()["error"],
        "Validation failed: You have exceeded the limit of 25 scheduled posts for today"
    );
    let next_day = (day + Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    json_ok(schedule(&app, &alice, "tomorrow is fine", &next_day).await).await;
}

#[tokio::test]
async fn due_statuses_are_published_once_with_their_media() {
    let app = TestApp::spawn().await;
    let (_, alice_account, alice) = local_user(&app.state, "alice").await;

    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::media::png(32, 32)).file_name("a.png"),
        )
        .text("description", "a square");
    let upload = json_ok(
        app.client
            .post(app.url("/api/v2/media"))
            .bearer_auth(&alice)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let media_id = upload["id"].as_str().unwrap().to_owned();

    let scheduled = json_ok(
        app.post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "Scheduled with a picture"),
                ("scheduled_at", &in_minutes(30)),
                ("media_ids[]", &media_id),
                ("spoiler_text", "cw"),
            ],
        )
        .await,
    )
    .await;
    let id = scheduled["id"].as_str().unwrap().to_owned();
    assert_eq!(scheduled["params"]["media_ids"], json!([media_id]));
    assert_eq!(scheduled["media_attachments"][0]["id"], media_id);
    assert_eq!(scheduled["media_attachments"][0]["description"], "a square");

    // The upload is reserved: another post cannot take it, and the orphan
    // clean-up leaves it alone.
    let steal = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "mine now"), ("media_ids[]", &media_id)],
        )
        .await;
    assert_eq!(steal.status(), 422);
    let removed =
        ferrodon_core::media::cleanup::remove_unattached(&app.state, Duration::seconds(-60))
            .await
            .unwrap();
    assert_eq!(removed, 0);

    // Not due yet: nothing happens.
    assert_eq!(publish_due(&app.state).await.unwrap(), 0);

    make_due(&app, &id).await;
    assert_eq!(publish_due(&app.state).await.unwrap(), 1);
    assert_eq!(publish_due(&app.state).await.unwrap(), 0);

    let posted = own_statuses(&app, &alice, &alice_account.id.to_string()).await;
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["content"], "<p>Scheduled with a picture</p>");
    assert_eq!(posted[0]["spoiler_text"], "cw");
    assert_eq!(posted[0]["media_attachments"][0]["id"], media_id);
    assert_eq!(
        app.get(&format!("/api/v1/scheduled_statuses/{id}"), &alice)
            .await
            .status(),
        404
    );
    assert_eq!(
        json_ok(app.get("/api/v1/scheduled_statuses", &alice).await).await,
        json!([])
    );
}

#[tokio::test]
async fn a_scheduled_status_that_can_no_longer_be_posted_is_dropped() {
    let app = TestApp::spawn().await;
    let (_, alice_account, alice) = local_user(&app.state, "alice").await;
    let parent = json_ok(
        app.post_form("/api/v1/statuses", &alice, &[("status", "parent")])
            .await,
    )
    .await;
    let parent_id = parent["id"].as_str().unwrap();
    let reply = json_ok(
        app.post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "a late reply"),
                ("in_reply_to_id", parent_id),
                ("scheduled_at", &in_minutes(10)),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        reply["params"]["in_reply_to_id"],
        parent_id.parse::<i64>().unwrap()
    );
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/statuses/{parent_id}")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    make_due(&app, reply["id"].as_str().unwrap()).await;
    assert_eq!(publish_due(&app.state).await.unwrap(), 0);
    assert!(own_statuses(&app, &alice, &alice_account.id.to_string())
        .await
        .is_empty());
    assert_eq!(
        json_ok(app.get("/api/v1/scheduled_statuses", &alice).await).await,
        json!([])
    );
}

/// Mastodon answers an unreadable `scheduled_at` with its bare
/// "Record invalid" (toot's test_post_scheduled_at_error shows it as is).
#[tokio::test]
async fn an_unreadable_scheduled_at_is_record_invalid() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let refused = schedule(&app, &token, "when?", "banana").await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body, json!({"error": "Record invalid"}));
}
