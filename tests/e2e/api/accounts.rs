use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::{json, Value};

#[tokio::test]
async fn sign_up_through_the_api() {
    let app = TestApp::spawn().await;
    let client: Value = app
        .client
        .post(app.url("/api/v1/apps"))
        .form(&[
            ("client_name", "Signup"),
            ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ("scopes", "read write"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token: Value = app
        .client
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client["client_id"].as_str().unwrap()),
            ("client_secret", client["client_secret"].as_str().unwrap()),
            ("scope", "write"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_token = token["access_token"].as_str().unwrap();
    let no_agreement = app
        .post_form(
            "/api/v1/accounts",
            app_token,
            &[
                ("username", "newbie"),
                ("email", "newbie@example.com"),
                ("password", "a fine password"),
            ],
        )
        .await;
    assert_eq!(no_agreement.status(), 422);
    let created = app
        .post_form(
            "/api/v1/accounts",
            app_token,
            &[
                ("username", "newbie"),
                ("email", "newbie@example.com"),
                ("password", "a fine password"),
                ("agreement", "true"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(created.status(), 200);
    let user_token: Value = created.json().await.unwrap();
    let user_token = user_token["access_token"].as_str().unwrap();
    // Unconfirmed until the link in the confirmation e-mail is followed.
    let refused = app
        .get("/api/v1/accounts/verify_credentials", user_token)
        .await;
    assert_eq!(refused.status(), 403);
    let mail = app.nth_mail_to("newbie@example.com", 1).await;
    let link = mail.link_containing("/auth/confirmation").unwrap();
    let confirmed = app.client.get(&link).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", user_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["acct"], "newbie");
    let again = app
        .post_form(
            "/api/v1/accounts",
            app_token,
            &[
                ("username", "newbie"),
                ("email", "other@example.com"),
                ("password", "a fine password"),
                ("agreement", "true"),
            ],
        )
        .await;
    assert_eq!(again.status(), 422);
    assert!(again.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("Username has already been taken"));
}

#[tokio::test]
async fn profile_lookup_follow_and_relationships() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;

    let updated = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .form(&[
            ("display_name", "Alice A."),
            ("note", "I like #rust"),
            ("source[privacy]", "unlisted"),
            ("fields_attributes[0][name]", "Site"),
            ("fields_attributes[0][value]", "https://alice.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let me: Value = updated.json().await.unwrap();
    assert_eq!(me["display_name"], "Alice A.");
    assert_eq!(me["source"]["privacy"], "unlisted");
    assert_eq!(me["source"]["note"], "I like #rust");
    assert!(me["note"].as_str().unwrap().contains("hashtag"));
    assert_eq!(me["fields"][0]["name"], "Site");
    let too_long = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .json(&json!({"display_name": "x".repeat(31)}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), 422);

    let posted: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "default privacy applies")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(posted["visibility"], "unlisted");

    let found: Value = app
        .client
        .get(app.url("/api/v1/accounts/lookup?acct=alice"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["id"], alice_acct.id.to_string());
    let with_domain = app
        .client
        .get(app.url(&format!(
            "/api/v1/accounts/lookup?acct=alice@{}",
            app.base_url.trim_start_matches("http://")
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(with_domain.status(), 200);
    assert_eq!(
        app.client
            .get(app.url("/api/v1/accounts/lookup?acct=nobody"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let shown: Value = app
        .client
        .get(app.url(&format!("/api/v1/accounts/{}", alice_acct.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["display_name"], "Alice A.");
    assert!(shown.get("source").is_none());

    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[("reblogs", "false"), ("notify", "true")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["following"], true);
    assert_eq!(rel["showing_reblogs"], false);
    assert_eq!(rel["notifying"], true);
    let rels: Vec<Value> = app
        .get(
            &format!(
                "/api/v1/accounts/relationships?id[]={}&id[]={}",
                bob_acct.id, alice_acct.id
            ),
            &alice,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rels[0]["followed_by"], true);
    assert_eq!(rels[1]["following"], false);
    let self_follow = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", bob_acct.id),
            &bob,
            &[],
        )
        .await;
    assert_eq!(self_follow.status(), 403);

    let followers: Vec<Value> = app
        .get(
            &format!("/api/v1/accounts/{}/followers", alice_acct.id),
            &bob,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(followers[0]["acct"], "bob");
    let following: Vec<Value> = app
        .get(&format!("/api/v1/accounts/{}/following", bob_acct.id), &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(following[0]["acct"], "alice");
    let search: Vec<Value> = app
        .get("/api/v1/accounts/search?q=ali", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(search[0]["acct"], "alice");
    let statuses: Vec<Value> = app
        .get(
            &format!("/api/v1/accounts/{}/statuses", alice_acct.id),
            &bob,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(statuses.len(), 1);

    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/unfollow", alice_acct.id),
            &bob,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["following"], false);
    let alice_now: Value = app
        .client
        .get(app.url(&format!("/api/v1/accounts/{}", alice_acct.id)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(alice_now["followers_count"], 0);
}

#[tokio::test]
async fn locked_account_authorizes_and_rejects_requests() {
    let app = TestApp::spawn().await;
    let (_, alice_acct, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let (_, carol_acct, carol) = local_user(&app.state, "carol").await;
    app.client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .form(&[("locked", "true")])
        .send()
        .await
        .unwrap();
    let rel: Value = app
        .post_form(
            &format!("/api/v1/accounts/{}/follow", alice_acct.id),
            &bob,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["requested"], true);
    assert_eq!(rel["following"], false);
    app.post_form(
        &format!("/api/v1/accounts/{}/follow", alice_acct.id),
        &carol,
        &[],
    )
    .await;
    let pending: Vec<Value> = app
        .get("/api/v1/follow_requests", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending.len(), 2);
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["source"]["follow_requests_count"], 2);

    let rel: Value = app
        .post_form(
            &format!("/api/v1/follow_requests/{}/authorize", bob_acct.id),
            &alice,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["followed_by"], true);
    let rel: Value = app
        .post_form(
            &format!("/api/v1/follow_requests/{}/reject", carol_acct.id),
            &alice,
            &[],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rel["followed_by"], false);
    assert_eq!(rel["requested_by"], false);
    assert_eq!(
        app.post_form(
            &format!("/api/v1/follow_requests/{}/reject", carol_acct.id),
            &alice,
            &[]
        )
        .await
        .status(),
        404
    );
    let bob_rel: Vec<Value> = app
        .get(
            &format!("/api/v1/accounts/relationships?id[]={}", alice_acct.id),
            &bob,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bob_rel[0]["following"], true);
    let types: Vec<Value> = app
        .get("/api/v1/notifications", &alice)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = types.iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["follow"],
        "the accepted request became a follow notification; the rejected one is gone"
    );
}

#[tokio::test]
async fn update_credentials_accepts_multipart_and_refuses_unsupported_uploads() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let form = reqwest::multipart::Form::new()
        .text("display_name", "Multipart Alice")
        .text("bot", "true")
        .text("source[sensitive]", "true");
    let resp = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let me: Value = resp.json().await.unwrap();
    assert_eq!(me["display_name"], "Multipart Alice");
    assert_eq!(me["bot"], true);
    assert_eq!(me["source"]["sensitive"], true);

    let with_avatar = reqwest::multipart::Form::new()
        .text("display_name", "Should not apply")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(vec![0x89, b'P', b'N', b'G'])
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let resp = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice)
        .multipart(with_avatar)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        422,
        "an upload is refused, not silently dropped"
    );
    let me: Value = app
        .get("/api/v1/accounts/verify_credentials", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["display_name"], "Multipart Alice",
        "nothing of the refused request was applied"
    );
}

#[tokio::test]
async fn full_text_search_finds_what_mastodon_would() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (_, _, carol) = local_user(&app.state, "carol").await;
    app.client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&carol)
        .form(&[("indexable", "true")])
        .send()
        .await
        .unwrap();
    let own: Value = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "sourdough baking tips")],
        )
        .await
        .json()
        .await
        .unwrap();
    let bobs: Value = app
        .post_form(
            "/api/v1/statuses",
            &bob,
            &[("status", "my sourdough starter")],
        )
        .await
        .json()
        .await
        .unwrap();
    let carols: Value = app
        .post_form(
            "/api/v1/statuses",
            &carol,
            &[("status", "sourdough for everyone")],
        )
        .await
        .json()
        .await
        .unwrap();
    app.post_form(
        "/api/v1/statuses",
        &carol,
        &[("status", "private sourdough"), ("visibility", "private")],
    )
    .await;

    let ids = |v: &Value| -> Vec<String> {
        v["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let found: Value = app
        .get("/api/v2/search?q=sourdough&type=statuses", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ids(&found),
        vec![
            carols["id"].as_str().unwrap().to_owned(),
            own["id"].as_str().unwrap().to_owned()
        ],
        "own and indexable public statuses; bob did not opt in"
    );
    app.post_form(
        &format!(
            "/api/v1/statuses/{}/favourite",
            bobs["id"].as_str().unwrap()
        ),
        &alice,
        &[],
    )
    .await;
    let found: Value = app
        .get("/api/v2/search?q=sourdough&type=statuses", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&found).len(), 3, "a favourited status becomes findable");
    let none: Value = app
        .get("/api/v2/search?q=rye&type=statuses", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&none).is_empty());
}

#[tokio::test]
async fn reports_are_validated_and_stored() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, bob_acct, bob) = local_user(&app.state, "bob").await;
    let bobs: Value = app
        .post_form("/api/v1/statuses", &bob, &[("status", "spammy")])
        .await
        .json()
        .await
        .unwrap();
    let mine: Value = app
        .post_form("/api/v1/statuses", &alice, &[("status", "innocent")])
        .await
        .json()
        .await
        .unwrap();
    let bob_id = bob_acct.id.to_string();
    let report: Value = app
        .post_form(
            "/api/v1/reports",
            &alice,
            &[
                ("account_id", &bob_id),
                ("status_ids[]", bobs["id"].as_str().unwrap()),
                ("comment", "spam"),
                ("category", "spam"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["category"], "spam");
    assert_eq!(report["action_taken"], false);
    assert_eq!(report["status_ids"][0], bobs["id"]);
    assert_eq!(report["target_account"]["acct"], "bob");
    let wrong_status = app
        .post_form(
            "/api/v1/reports",
            &alice,
            &[
                ("account_id", &bob_id),
                ("status_ids[]", mine["id"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(
        wrong_status.status(),
        422,
        "only the reported account's statuses"
    );
    assert_eq!(
        app.post_form("/api/v1/reports", &alice, &[("category", "spam")])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.post_form("/api/v1/reports", &alice, &[("account_id", "999999")])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post_form(
            "/api/v1/reports",
            &alice,
            &[("account_id", &bob_id), ("category", "rude")]
        )
        .await
        .status(),
        422
    );
}

/// A refused sign-up names every invalid field at once, in Mastodon's
/// ValidationErrorFormatter shape: `error` is "Validation failed: " and
/// each full message, `details` maps each field to its problems
/// (`ERR_` + Rails' error code, and the description).
#[tokio::test]
async fn sign_up_errors_name_every_invalid_field() {
    let app = TestApp::spawn().await;
    let app_token = ferrodon_testkit::oauth::app_token(&app).await;
    let sign_up = |form: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let app_token = &app_token;
        async move {
            let resp = app.post_form("/api/v1/accounts", app_token, &form).await;
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap())
        }
    };

    let (status, body) = sign_up(vec![]).await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(message.starts_with("Validation failed: "), "{message}");
    for part in [
        "Username can't be blank",
        "E-mail address can't be blank",
        "Password can't be blank",
        "Service agreement must be accepted",
    ] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
    let blank = |description: &str| json!([{"error": "ERR_BLANK", "description": description}]);
    assert_eq!(
        body["details"],
        json!({
            "username": blank("can't be blank"),
            "email": blank("can't be blank"),
            "password": blank("can't be blank"),
            "agreement": [{"error": "ERR_ACCEPTED", "description": "must be accepted"}],
        })
    );

    let (status, body) = sign_up(vec![
        ("username", "not valid!"),
        ("email", "not-an-address"),
        ("password", "short"),
        ("agreement", "true"),
    ])
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["details"],
        json!({
            "username": [{"error": "ERR_INVALID", "description": "must contain only letters, numbers and underscores"}],
            "email": [{"error": "ERR_INVALID", "description": "is invalid"}],
            "password": [{"error": "ERR_TOO_SHORT", "description": "is too short (minimum is 8 characters)"}],
        })
    );

    // Taken names and addresses are reported with the other problems.
    local_user(&app.state, "alice").await;
    let (status, body) = sign_up(vec![
        ("username", "Alice"),
        ("email", "alice@example.com"),
        ("password", "a fine password"),
    ])
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"]["username"][0]["error"], "ERR_TAKEN");
    assert_eq!(body["details"]["email"][0]["error"], "ERR_TAKEN");
    assert_eq!(body["details"]["agreement"][0]["error"], "ERR_ACCEPTED");
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("Username has already been taken"));
    let (status, body) = sign_up(vec![
        ("username", "admin"),
        ("email", "fresh@example.com"),
        ("password", "a fine password"),
        ("agreement", "true"),
    ])
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body,
        json!({
            "error": "Validation failed: Username is reserved",
            "details": {"username": [{"error": "ERR_RESERVED", "description": "is reserved"}]},
        })
    );
    // Nothing was created by the refused attempts.
    let (status, _) = sign_up(vec![
        ("username", "fresh"),
        ("email", "fresh@example.com"),
        ("password", "a fine password"),
        ("agreement", "true"),
    ])
    .await;
    assert_eq!(status, 200);
}
