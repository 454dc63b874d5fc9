use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

async fn json_err(resp: reqwest::Response) -> String {
    let body: Value = resp.json().await.unwrap();
    body["error"].as_str().unwrap_or_default().to_owned()
}

async fn json_ok(resp: reqwest::Response) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn polls_are_created_voted_on_and_end_with_notifications() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;

    let status = json_ok(
        app.post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "Tea or coffee?"),
                ("poll[options][]", "Tea"),
                ("poll[options][]", "Coffee"),
                ("poll[expires_in]", "300"),
            ],
        )
        .await,
    )
    .await;
    let poll = &status["poll"];
    assert_eq!(
        poll["options"][0],
        json!({"title": "Tea", "votes_count": 0})
    );
    assert_eq!(poll["multiple"], false);
    assert_eq!(poll["expired"], false);
    assert_eq!(poll["voted"], false);
    let poll_id = poll["id"].as_str().unwrap().to_owned();

    // JSON bodies work too, and bad polls are refused.
    for bad in [
        json!({"status": "x", "poll": {"options": ["only one"], "expires_in": 300}}),
        json!({"status": "x", "poll": {"options": ["a", "b", "c", "d", "e"], "expires_in": 300}}),
        json!({"status": "x", "poll": {"options": ["a", "b"], "expires_in": 10}}),
        json!({"status": "x", "poll": {"options": ["a", "a"], "expires_in": 300}}),
        json!({"status": "x", "poll": {"options": ["a", "b"]}}),
    ] {
        let resp = app.post_json("/api/v1/statuses", &alice, &bad).await;
        assert_eq!(resp.status(), 422, "{bad}");
    }

    // Bob votes; alice cannot vote in her own poll; bob cannot vote twice.
    let voted = json_ok(
        app.post_form(
            &format!("/api/v1/polls/{poll_id}/votes"),
            &bob,
            &[("choices[]", "1")],
        )
        .await,
    )
    .await;
    assert_eq!(voted["votes_count"], 1);
    assert_eq!(voted["voters_count"], 1);
    assert_eq!(voted["options"][1]["votes_count"], 1);
    assert_eq!(voted["own_votes"], json!([1]));
    assert_eq!(voted["voted"], true);
    let again = app
        .post_form(
            &format!("/api/v1/polls/{poll_id}/votes"),
            &bob,
            &[("choices[]", "0")],
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(
        json_err(again).await,
        "Validation failed: You have already voted on this poll"
    );
    let own = app
        .post_form(
            &format!("/api/v1/polls/{poll_id}/votes"),
            &alice,
            &[("choices[]", "0")],
        )
        .await;
    assert_eq!(own.status(), 422);
    assert_eq!(
        json_err(own).await,
        "Validation failed: You cannot vote in your own poll"
    );
    let (_, _, carol) = local_user(&app.state, "carol").await;
    // The messages Mastodon's VoteValidator gives, which apps show.
    for (bad, message) in [
        (
            vec![("choices[]", "5")],
            "The chosen vote option does not exist",
        ),
        (
            vec![("choices[]", "0"), ("choices[]", "1")],
            "You have already voted on this poll",
        ),
        (vec![], "The chosen vote option does not exist"),
    ] {
        let resp = app
            .post_form(&format!("/api/v1/polls/{poll_id}/votes"), &carol, &bad)
            .await;
        assert_eq!(resp.status(), 422, "{bad:?}");
        assert_eq!(
            json_err(resp).await,
            format!("Validation failed: {message}")
        );
    }
    let shown = json_ok(app.get(&format!("/api/v1/polls/{poll_id}"), &alice).await).await;
    assert_eq!(shown["votes_count"], 1);
    assert_eq!(shown["voted"], false);

    // The poll ends: voter and author are notified, once.
    {
        use ferrodon_core::db::diesel::prelude::*;
        use ferrodon_core::db::diesel_async::RunQueryDsl;
        use ferrodon_core::db::schema::polls::dsl as p;
        let mut conn = app.state.conn().await.unwrap();
        ferrodon_core::db::diesel::update(p::polls.find(poll_id.parse::<i64>().unwrap()))
            .set(p::expires_at.eq(chrono::Utc::now() - chrono::Duration::seconds(1)))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let sent = ferrodon_core::services::vote::notify_ended_polls(&app.state)
        .await
        .unwrap();
    assert_eq!(sent, 2);
    assert_eq!(
        ferrodon_core::services::vote::notify_ended_polls(&app.state)
            .await
            .unwrap(),
        0
    );
    for token in [&alice, &bob] {
        let notes = json_ok(app.get("/api/v1/notifications?types[]=poll", token).await).await;
        assert_eq!(notes[0]["status"]["poll"]["expired"], true, "{notes}");
    }
    let late = app
        .post_form(
            &format!("/api/v1/polls/{poll_id}/votes"),
            &carol,
            &[("choices[]", "0")],
        )
        .await;
    assert_eq!(late.status(), 422);
}

#[tokio::test]
async fn multiple_choice_votes_can_be_added_but_not_repeated_and_polls_take_media() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let image = {
        let mut bytes = Vec::new();
        image::RgbImage::from_pixel(8, 8, image::Rgb([200, 10, 10]))
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        bytes
    };
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(image).file_name("a.png"),
    );
    let media = json_ok(
        app.client
            .post(app.url("/api/v2/media"))
            .bearer_auth(&alice)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let status = json_ok(
        app.post_form(
            "/api/v1/statuses",
            &alice,
            &[
                ("status", "Pick any"),
                ("poll[options][]", "red"),
                ("poll[options][]", "green"),
                ("poll[options][]", "blue"),
                ("poll[expires_in]", "3600"),
                ("poll[multiple]", "true"),
                ("media_ids[]", media["id"].as_str().unwrap()),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status["media_attachments"].as_array().unwrap().len(), 1);
    let poll_id = status["poll"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/polls/{poll_id}/votes");
    let first = json_ok(app.post_form(&path, &bob, &[("choices[]", "2")]).await).await;
    assert_eq!(first["own_votes"], json!([2]));
    let more = json_ok(app.post_form(&path, &bob, &[("choices[]", "0")]).await).await;
    assert_eq!(more["votes_count"], 2);
    assert_eq!(more["voters_count"], 1, "still one voter");
    let mut own: Vec<i64> = more["own_votes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    own.sort_unstable();
    assert_eq!(own, vec![0, 2]);
    let repeated = app.post_form(&path, &bob, &[("choices[]", "2")]).await;
    assert_eq!(repeated.status(), 422, "the same option twice");
}
