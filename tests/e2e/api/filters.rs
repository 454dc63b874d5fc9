use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// `path` is not found for `other`; its owner deletes it, and then it is gone.
async fn delete_checked(app: &TestApp, path: &str, owner: &str, other: &str) {
    assert_eq!(
        app.get(path, other).await.status(),
        404,
        "{path} for another user"
    );
    let deleted = send(app, reqwest::Method::DELETE, path, owner, &json!({})).await;
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        app.get(path, owner).await.status(),
        404,
        "{path} after deletion"
    );
}

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

async fn post_status(app: &TestApp, token: &str, text: &str) -> String {
    let s = json_of(
        app.post_form("/api/v1/statuses", token, &[("status", text)])
            .await,
    )
    .await;
    s["id"].as_str().unwrap().to_owned()
}

/// Contents of a timeline page with the titles of the filters that matched each status.
async fn shown(app: &TestApp, path: &str, token: &str) -> Vec<(String, Vec<String>)> {
    let page = json_of(app.get(path, token).await).await;
    page.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let status = if s["status"].is_object() {
                &s["status"]
            } else {
                s
            };
            let titles = status["filtered"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["filter"]["title"].as_str().unwrap().to_owned())
                .collect();
            (status["content"].as_str().unwrap().to_owned(), titles)
        })
        .collect()
}

#[tokio::test]
async fn filters_v2_crud_with_keywords_and_statuses() {
    let app = TestApp::spawn().await;
    let (alice_user, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;

    let empty = send(
        &app,
        reqwest::Method::POST,
        "/api/v2/filters",
        &alice,
        &json!({"title": "", "context": []}),
    )
    .await;
    assert_eq!(empty.status(), 422);
    assert_eq!(
        json_of(empty).await["error"],
        "Validation failed: Title can't be blank, Context can't be blank, Context None or invalid context supplied"
    );
    let bad_context = send(
        &app,
        reqwest::Method::POST,
        "/api/v2/filters",
        &alice,
        &json!({"title": "x", "context": ["home", "space"]}),
    )
    .await;
    assert_eq!(bad_context.status(), 422);

    // Rails-style form parameters, as most clients send them.
    let created = app
        .post_form(
            "/api/v2/filters",
            &alice,
            &[
                ("title", "Spoilers"),
                ("context[]", "home"),
                ("context[]", "public"),
                ("filter_action", "warn"),
                ("expires_in", "3600"),
                ("keywords_attributes[][keyword]", "finale"),
                ("keywords_attributes[][whole_word]", "false"),
                ("keywords_attributes[][keyword]", "plot twist"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let filter = json_of(created).await;
    assert_eq!(filter["title"], "Spoilers");
    assert_eq!(filter["context"], json!(["home", "public"]));
    assert_eq!(filter["filter_action"], "warn");
    assert!(filter["expires_at"].is_string());
    assert_eq!(filter["statuses"], json!([]));
    let keywords = filter["keywords"].as_array().unwrap().clone();
    assert_eq!(keywords.len(), 2);
    assert_eq!(keywords[0]["keyword"], "finale");
    assert_eq!(keywords[0]["whole_word"], false);
    assert_eq!(keywords[1]["keyword"], "plot twist");
    assert_eq!(keywords[1]["whole_word"], true);
    let id = filter["id"].as_str().unwrap().to_owned();
    let first_kw = keywords[0]["id"].as_str().unwrap().to_owned();
    let second_kw = keywords[1]["id"].as_str().unwrap().to_owned();

    // Update: rename, change one keyword, destroy another, add one, never expire.
    let updated = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v2/filters/{id}"),
        &alice,
        &json!({
            "title": "Show spoilers",
            "filter_action": "hide",
            "expires_in": "",
            "keywords_attributes": [
                {"id": first_kw, "keyword": "season finale"},
                {"id": second_kw, "_destroy": true},
                {"keyword": "ending", "whole_word": true}
            ]
        }),
    )
    .await;
    assert_eq!(updated.status(), 200);
    let filter = json_of(updated).await;
    assert_eq!(filter["title"], "Show spoilers");
    assert_eq!(filter["filter_action"], "hide");
    assert_eq!(filter["expires_at"], Value::Null);
    assert_eq!(
        filter["context"],
        json!(["home", "public"]),
        "unchanged when not sent"
    );
    let words: Vec<&str> = filter["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(words, ["season finale", "ending"]);

    // Keywords endpoints.
    let added = json_of(
        app.post_form(
            &format!("/api/v2/filters/{id}/keywords"),
            &alice,
            &[("keyword", "credits"), ("whole_word", "false")],
        )
        .await,
    )
    .await;
    assert_eq!(added["keyword"], "credits");
    assert_eq!(added["whole_word"], false);
    let kw = added["id"].as_str().unwrap().to_owned();
    let blank = app
        .post_form(
            &format!("/api/v2/filters/{id}/keywords"),
            &alice,
            &[("keyword", "")],
        )
        .await;
    assert_eq!(blank.status(), 422);
    let listed = json_of(
        app.get(&format!("/api/v2/filters/{id}/keywords"), &alice)
            .await,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 3);
    let changed = json_of(
        send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v2/filters/keywords/{kw}"),
            &alice,
            &json!({"keyword": "end credits"}),
        )
        .await,
    )
    .await;
    assert_eq!(changed["keyword"], "end credits");
    assert_eq!(changed["whole_word"], false);
    assert_eq!(
        json_of(
            app.get(&format!("/api/v2/filters/keywords/{kw}"), &alice)
                .await
        )
        .await["keyword"],
        "end credits"
    );
    delete_checked(
        &app,
        &format!("/api/v2/filters/keywords/{kw}"),
        &alice,
        &bob,
    )
    .await;

    // Statuses endpoints.
    let status = post_status(&app, &bob, "a status to filter").await;
    let entry = json_of(
        app.post_form(
            &format!("/api/v2/filters/{id}/statuses"),
            &alice,
            &[("status_id", &status)],
        )
        .await,
    )
    .await;
    assert_eq!(entry["status_id"], status.as_str());
    let entry_id = entry["id"].as_str().unwrap().to_owned();
    let again = app
        .post_form(
            &format!("/api/v2/filters/{id}/statuses"),
            &alice,
            &[("status_id", &status)],
        )
        .await;
    assert_eq!(again.status(), 422);
    let missing = app
        .post_form(
            &format!("/api/v2/filters/{id}/statuses"),
            &alice,
            &[("status_id", "12345")],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let statuses = json_of(
        app.get(&format!("/api/v2/filters/{id}/statuses"), &alice)
            .await,
    )
    .await;
    assert_eq!(statuses, json!([{"id": entry_id, "status_id": status}]));
    assert_eq!(
        json_of(
            app.get(&format!("/api/v2/filters/statuses/{entry_id}"), &alice)
                .await
        )
        .await["status_id"],
        status.as_str()
    );
    let shown = json_of(app.get(&format!("/api/v2/filters/{id}"), &alice).await).await;
    assert_eq!(shown["statuses"].as_array().unwrap().len(), 1);
    delete_checked(
        &app,
        &format!("/api/v2/filters/statuses/{entry_id}"),
        &alice,
        &bob,
    )
    .await;

    // Other users' filters are not found; scopes are checked.
    assert_eq!(
        send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v2/filters/{id}"),
            &bob,
            &json!({"title": "mine"})
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        send(
            &app,
            reqwest::Method::DELETE,
            &format!("/api/v2/filters/{id}"),
            &bob,
            &json!({})
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        json_of(app.get("/api/v2/filters", &bob).await).await,
        json!([])
    );
    let read_only = token_for(&app.state, &alice_user, "read:filters").await;
    assert_eq!(app.get("/api/v2/filters", &read_only).await.status(), 200);
    assert_eq!(
        app.post_form(
            "/api/v2/filters",
            &read_only,
            &[("title", "x"), ("context[]", "home")]
        )
        .await
        .status(),
        403
    );
    let other_scope = token_for(&app.state, &alice_user, "read:statuses").await;
    assert_eq!(app.get("/api/v2/filters", &other_scope).await.status(), 403);

    let all = json_of(app.get("/api/v2/filters", &alice).await).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    delete_checked(&app, &format!("/api/v2/filters/{id}"), &alice, &bob).await;
}

#[tokio::test]
async fn filters_v1_round_trip() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let created = app
        .post_form(
            "/api/v1/filters",
            &alice,
            &[
                ("phrase", "Rust"),
                ("context[]", "home"),
                ("irreversible", "true"),
                ("whole_word", "false"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let v1 = json_of(created).await;
    assert_eq!(v1["phrase"], "Rust");
    assert_eq!(v1["context"], json!(["home"]));
    assert_eq!(v1["irreversible"], true);
    assert_eq!(v1["whole_word"], false);
    assert_eq!(v1["expires_at"], Value::Null);
    let id = v1["id"].as_str().unwrap().to_owned();

    // The same filter through v2: titled with the phrase, one keyword, hide.
    let v2 = json_of(app.get("/api/v2/filters", &alice).await).await;
    assert_eq!(v2[0]["title"], "Rust");
    assert_eq!(v2[0]["filter_action"], "hide");
    assert_eq!(
        v2[0]["keywords"][0]["id"],
        id.as_str(),
        "a v1 filter is a keyword"
    );

    let updated = json_of(
        send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/filters/{id}"),
            &alice,
            &json!({"phrase": "Ferris", "context": ["home", "thread"], "irreversible": false}),
        )
        .await,
    )
    .await;
    assert_eq!(updated["phrase"], "Ferris");
    assert_eq!(updated["irreversible"], false);
    assert_eq!(updated["context"], json!(["home", "thread"]));
    assert_eq!(
        json_of(app.get(&format!("/api/v1/filters/{id}"), &alice).await).await["phrase"],
        "Ferris"
    );
    let listed = json_of(app.get("/api/v1/filters", &alice).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // A v2 filter with two keywords cannot change its settings through v1.
    let filter_id = v2[0]["id"].as_str().unwrap().to_owned();
    app.post_form(
        &format!("/api/v2/filters/{filter_id}/keywords"),
        &alice,
        &[("keyword", "crab")],
    )
    .await;
    let refused = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/filters/{id}"),
        &alice,
        &json!({"context": ["public"]}),
    )
    .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(
        json_of(app.get("/api/v1/filters", &alice).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let blank = app
        .post_form(
            "/api/v1/filters",
            &alice,
            &[("phrase", ""), ("context[]", "home")],
        )
        .await;
    assert_eq!(blank.status(), 422);
    delete_checked(&app, &format!("/api/v1/filters/{id}"), &alice, &bob).await;
}

#[tokio::test]
async fn filters_mark_hide_and_expire_in_their_contexts() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &bob,
        &[],
    )
    .await;
    let new_filter = |title: &'static str,
                      context: Vec<&'static str>,
                      action: &'static str,
                      keyword: &'static str,
                      whole_word: bool,
                      expires_in: Option<&'static str>| {
        let mut body = json!({
            "title": title,
            "context": context,
            "filter_action": action,
            "keywords_attributes": [{"keyword": keyword, "whole_word": whole_word}],
        });
        if let Some(e) = expires_in {
            body["expires_in"] = json!(e);
        }
        body
    };
    for body in [
        new_filter("Cats", vec!["home", "public"], "warn", "cat", true, None),
        new_filter(
            "Dogs",
            vec!["home", "public", "notifications", "account"],
            "hide",
            "dog",
            false,
            None,
        ),
        new_filter("Birds", vec!["home"], "warn", "bird", false, Some("0")),
        new_filter("Fish", vec!["thread"], "warn", "fish", false, None),
    ] {
        assert_eq!(
            send(&app, reqwest::Method::POST, "/api/v2/filters", &bob, &body)
                .await
                .status(),
            200
        );
    }
    post_status(&app, &alice, "My CAT naps").await;
    post_status(&app, &alice, "concatenate strings").await;
    post_status(&app, &alice, "hotdogs for lunch").await;
    post_status(&app, &alice, "a bird and a fish").await;
    post_status(&app, &alice, "@bob walk the dog").await;
    post_status(&app, &bob, "my own cat and dog").await;

    let home = shown(&app, "/api/v1/timelines/home", &bob).await;
    let contents: Vec<&str> = home.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        !contents
            .iter()
            .any(|c| c.contains("hotdogs") || c.contains("walk the")),
        "hide filters remove: {contents:?}"
    );
    let titles = |text: &str| {
        home.iter()
            .find(|(c, _)| c.contains(text))
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    assert_eq!(titles("naps"), ["Cats"], "whole word, any case");
    assert!(
        titles("concatenate").is_empty(),
        "whole_word needs word boundaries"
    );
    assert!(
        titles("a bird").is_empty(),
        "expired and out-of-context filters do not apply"
    );
    assert!(
        titles("my own").is_empty(),
        "own statuses are never filtered"
    );

    let page = json_of(app.get("/api/v1/timelines/home", &bob).await).await;
    let cat = page
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().unwrap().contains("naps"))
        .unwrap();
    assert_eq!(cat["filtered"][0]["keyword_matches"], json!(["CAT"]));
    assert_eq!(cat["filtered"][0]["status_matches"], Value::Null);
    assert_eq!(cat["filtered"][0]["filter"]["filter_action"], "warn");
    assert!(cat["filtered"][0]["filter"].get("keywords").is_none());

    let public = shown(&app, "/api/v1/timelines/public", &bob).await;
    assert!(public.iter().all(|(c, _)| !c.contains("hotdogs")));
    assert!(public
        .iter()
        .any(|(c, t)| c.contains("naps") && t == &["Cats"]));
    let account = shown(
        &app,
        &format!("/api/v1/accounts/{}/statuses", alice_acct.id),
        &bob,
    )
    .await;
    assert!(account.iter().all(|(c, _)| !c.contains("hotdogs")));
    assert!(
        account
            .iter()
            .any(|(c, t)| c.contains("naps") && t.is_empty()),
        "Cats is not for account pages"
    );
    let notifications = shown(&app, "/api/v1/notifications", &bob).await;
    assert!(
        notifications.is_empty(),
        "the mention about a dog is hidden: {notifications:?}"
    );
    // Signed out: nothing is filtered.
    let anonymous = json_of(
        app.client
            .get(app.url("/api/v1/timelines/public"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(anonymous
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["content"].as_str().unwrap().contains("hotdogs")));

    // A status filter matches the status and reblogs of it.
    let fishy = json_of(
        app.get(
            &format!("/api/v1/accounts/{}/statuses", alice_acct.id),
            &bob,
        )
        .await,
    )
    .await;
    let bird_id = fishy
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().unwrap().contains("bird"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let filter = json_of(
        send(
            &app,
            reqwest::Method::POST,
            "/api/v2/filters",
            &bob,
            &json!({"title": "That one", "context": ["home"]}),
        )
        .await,
    )
    .await;
    app.post_form(
        &format!(
            "/api/v2/filters/{}/statuses",
            filter["id"].as_str().unwrap()
        ),
        &bob,
        &[("status_id", &bird_id)],
    )
    .await;
    let page = json_of(app.get("/api/v1/timelines/home", &bob).await).await;
    let bird = page
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == bird_id.as_str())
        .unwrap();
    assert_eq!(bird["filtered"][0]["filter"]["title"], "That one");
    assert_eq!(bird["filtered"][0]["status_matches"], json!([bird_id]));
    assert_eq!(bird["filtered"][0]["keyword_matches"], Value::Null);

    // The thread context: marked, never removed.
    let context = json_of(
        app.get(&format!("/api/v1/statuses/{bird_id}/context"), &bob)
            .await,
    )
    .await;
    assert!(context["ancestors"].as_array().unwrap().is_empty());
    let reply: Value = json_of(
        app.post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "more fish"), ("in_reply_to_id", &bird_id)],
        )
        .await,
    )
    .await;
    let context = json_of(
        app.get(&format!("/api/v1/statuses/{bird_id}/context"), &bob)
            .await,
    )
    .await;
    assert_eq!(context["descendants"][0]["id"], reply["id"]);
    assert_eq!(
        context["descendants"][0]["filtered"][0]["filter"]["title"],
        "Fish"
    );
}
