//! The web client for signed-in people, driven as a browser without
//! JavaScript would: `/home` with its compose form, the public timelines,
//! a post's thread, and the buttons on a post (plain forms with the
//! session's CSRF token). What the pages do is checked through the API.
use ferrodon_testkit::browser::{form_value, Browser, PageResponse};
use ferrodon_testkit::factories::{local_user, PASSWORD};
use ferrodon_testkit::TestApp;
use serde_json::Value;

async fn json(resp: reqwest::Response) -> Value {
    resp.json().await.unwrap()
}

async fn post(app: &TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let resp = app.post_form("/api/v1/statuses", token, form).await;
    assert_eq!(resp.status(), 200);
    json(resp).await
}

async fn signed_in(app: &TestApp, username: &str) -> Browser {
    let mut browser = Browser::new(&app.url(""));
    browser.sign_in(username, PASSWORD).await;
    browser
}

/// Submits the button form of `action` (e.g. `/statuses/1/favourite`)
/// found on `page`, as the browser would from `from`.
async fn press(
    browser: &mut Browser,
    page: &PageResponse,
    action: &str,
    from: &str,
) -> PageResponse {
    assert!(
        page.body.contains(&format!("action=\"{action}\"")),
        "no form for {action} on the page:\n{}",
        page.body
    );
    let token = page.csrf_token();
    browser
        .post_form(
            action,
            &[("authenticity_token", &token), ("return_to", from)],
        )
        .await
}

/// GETs `path` until its body contains `text` (fan-out runs in a worker).
async fn page_with(browser: &mut Browser, path: &str, text: &str) -> PageResponse {
    for _ in 0..100 {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if page.body.contains(text) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{path} never showed {text:?}");
}

#[tokio::test]
async fn home_is_where_people_land_and_post() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let mut browser = Browser::new(&app.url(""));

    // Signed out, /home asks to sign in first; signing in lands there.
    let page = browser.get("/home").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/auth/sign_in?return_to=%2Fhome")
    );
    browser.sign_in("alice", PASSWORD).await;
    let again = browser.get("/auth/sign_in").await;
    assert_eq!(again.location.as_deref(), Some("/home"));

    let home = browser.get("/home").await;
    assert_eq!(home.status, 200);
    let csp = home.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"));
    assert_eq!(home.headers["x-frame-options"], "DENY");
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(home
        .body
        .contains("<form method=\"post\" action=\"/statuses\" enctype=\"multipart/form-data\">"));
    assert!(home.body.contains("<label for=\"compose-text\">"));
    assert!(home.body.contains("<main id=\"content\""));

    // Posting: a 303 back home with a notice, and the post is there.
    let token = home.csrf_token();
    let key = form_value(&home.body, "idempotency_key").unwrap();
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", token.clone())
        .text("return_to", "/home")
        .text("idempotency_key", key.clone())
        .text("status", "Hello from the web #ferrodon")
        .text("spoiler_text", "")
        .text("visibility", "unlisted")
        .text("language", "en")
        .part(
            "media_0",
            reqwest::multipart::Part::bytes(crate::media::png(64, 48))
                .file_name("cat.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .text("description_0", "A cat on a mat")
        .part(
            "media_1",
            reqwest::multipart::Part::bytes(Vec::new()).file_name(""),
        );
    let posted = browser.post_multipart("/statuses", form).await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(posted.location.as_deref(), Some("/home"));
    let me: Value = json(
        app.get("/api/v1/accounts/verify_credentials", &alice_token)
            .await,
    )
    .await;
    let statuses: Value = json(
        app.get(
            &format!("/api/v1/accounts/{}/statuses", me["id"].as_str().unwrap()),
            &alice_token,
        )
        .await,
    )
    .await;
    assert_eq!(statuses.as_array().unwrap().len(), 1);
    let status = &statuses[0];
    assert_eq!(status["visibility"], "unlisted");
    assert_eq!(status["language"], "en");
    assert_eq!(
        status["media_attachments"][0]["description"],
        "A cat on a mat"
    );
    let home = browser.get("/home").await;
    assert!(home.body.contains("Your post has been published."));
    assert!(home.body.contains("Hello from the web"));
    assert!(home.body.contains("alt=\"A cat on a mat\""));

    // The same form sent twice (a double click) posts once.
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", token.clone())
        .text("idempotency_key", key)
        .text("status", "Hello from the web #ferrodon");
    assert_eq!(browser.post_multipart("/statuses", form).await.status, 303);
    let count: Value = json(
        app.get("/api/v1/accounts/verify_credentials", &alice_token)
            .await,
    )
    .await;
    assert_eq!(count["statuses_count"], 1);

    // Refused: the form comes back filled in, with the reason and the count.
    let refused = browser
        .post_form(
            "/statuses",
            &[
                ("authenticity_token", &token),
                ("spoiler_text", "kept warning"),
                ("status", &"x".repeat(501)),
                ("visibility", "private"),
                ("return_to", "/home"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("character limit of 500 exceeded"));
    // The warning counts towards the limit too (12 characters).
    assert!(refused.body.contains("513 of 500 characters used"));
    assert_eq!(
        form_value(&refused.body, "spoiler_text").as_deref(),
        Some("kept warning")
    );
    assert!(refused.body.contains(&"x".repeat(501)));
    assert!(refused.body.contains("<option value=\"private\" selected>"));
    let blank = browser
        .post_form(
            "/statuses",
            &[("authenticity_token", &token), ("status", " ")],
        )
        .await;
    assert_eq!(blank.status, 422);
    assert!(blank.body.contains("be blank"));
    // A file that is no image: its error sits next to its field.
    let form = reqwest::multipart::Form::new()
        .text("authenticity_token", token.clone())
        .text("status", "with a bad file")
        .part(
            "media_2",
            reqwest::multipart::Part::bytes(b"not an image".to_vec())
                .file_name("x.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let bad_file = browser.post_multipart("/statuses", form).await;
    assert_eq!(bad_file.status, 422);
    assert!(bad_file.body.contains("Attachment 3 was refused."));
    assert!(bad_file.body.contains("not supported"));
    assert!(bad_file.body.contains("with a bad file"));
    let count: Value = json(
        app.get("/api/v1/accounts/verify_credentials", &alice_token)
            .await,
    )
    .await;
    assert_eq!(count["statuses_count"], 1, "nothing refused was posted");

    // A share link opens the form with its text (signing in first).
    let shared = browser
        .get("/share?text=Look%20at%20this%20%3Cthing%3E")
        .await;
    assert_eq!(shared.status, 200);
    assert!(
        shared
            .body
            .contains(">Look at this &lt;thing&gt;</textarea>")
            || shared
                .body
                .contains(">Look at this &#60;thing&#62;</textarea>"),
        "{}",
        shared.body
    );
    let mut visitor = Browser::new(&app.url(""));
    let to_sign_in = visitor.get("/share?text=hi").await;
    assert_eq!(
        to_sign_in.location.as_deref(),
        Some("/auth/sign_in?return_to=%2Fshare%3Ftext%3Dhi")
    );

    // Without the session's token nothing is posted.
    let forged = browser
        .post_form(
            "/statuses",
            &[("authenticity_token", "forged"), ("status", "forged post")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let count: Value = json(
        app.get("/api/v1/accounts/verify_credentials", &alice_token)
            .await,
    )
    .await;
    assert_eq!(count["statuses_count"], 1);
}

#[tokio::test]
async fn a_follower_sees_boosts_favourites_and_replies_on_the_pages() {
    let app = TestApp::spawn().await;
    let (_, alice, alice_token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let mut bob = signed_in(&app, "bob").await;

    // Bob follows Alice from her profile.
    let profile = bob.get("/@alice").await;
    let follow = press(
        &mut bob,
        &profile,
        &format!("/accounts/{}/follow", alice.id),
        "/@alice",
    )
    .await;
    assert_eq!(follow.status, 303, "{}", follow.body);
    assert_eq!(follow.location.as_deref(), Some("/@alice"));
    let profile = bob.get("/@alice").await;
    assert!(profile.body.contains("Unfollow"));

    let original = post(
        &app,
        &alice_token,
        &[
            ("status", "A followers-only thought"),
            ("visibility", "private"),
        ],
    )
    .await;
    let id = original["id"].as_str().unwrap().to_owned();
    let home = page_with(&mut bob, "/home", "A followers-only thought").await;
    assert!(home.body.contains("aria-label=\"Followers only\""));
    assert!(
        !home
            .body
            .contains(&format!("action=\"/statuses/{id}/reblog\"")),
        "followers-only posts of others cannot be boosted"
    );

    // Favourite and bookmark, each a 303 back to the page it was pressed on.
    let faved = press(
        &mut bob,
        &home,
        &format!("/statuses/{id}/favourite"),
        "/home?max_id=999999999999999999",
    )
    .await;
    assert_eq!(faved.status, 303);
    assert_eq!(
        faved.location.as_deref(),
        Some("/home?max_id=999999999999999999")
    );
    let marked = press(
        &mut bob,
        &home,
        &format!("/statuses/{id}/bookmark"),
        "/home",
    )
    .await;
    assert_eq!(marked.status, 303);
    let seen: Value = json(app.get(&format!("/api/v1/statuses/{id}"), &bob_token).await).await;
    assert_eq!(seen["favourited"], true);
    assert_eq!(seen["bookmarked"], true);
    let home = bob.get("/home").await;
    assert!(home
        .body
        .contains(&format!("action=\"/statuses/{id}/unfavourite\"")));
    assert!(home.body.contains("Remove bookmark"));
    let unfaved = press(
        &mut bob,
        &home,
        &format!("/statuses/{id}/unfavourite"),
        "/home",
    )
    .await;
    assert_eq!(unfaved.status, 303);
    let seen: Value = json(app.get(&format!("/api/v1/statuses/{id}"), &bob_token).await).await;
    assert_eq!(seen["favourited"], false);
    // A forged token changes nothing.
    let forged = bob
        .post_form(
            &format!("/statuses/{id}/favourite"),
            &[("authenticity_token", "forged"), ("return_to", "/home")],
        )
        .await;
    assert_eq!(forged.status, 403);
    // An outside return_to is not followed.
    let token = home.csrf_token();
    let outside = bob
        .post_form(
            &format!("/statuses/{id}/bookmark"),
            &[
                ("authenticity_token", &token),
                ("return_to", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(outside.location.as_deref(), Some("/home"));

    // Replying: mentions and visibility come from the post answered.
    let compose = bob.get(&format!("/compose?in_reply_to={id}")).await;
    assert_eq!(compose.status, 200);
    assert!(
        compose.body.contains(">@alice </textarea>"),
        "{}",
        compose.body
    );
    assert!(compose.body.contains("<option value=\"private\" selected>"));
    assert_eq!(
        form_value(&compose.body, "in_reply_to_id").as_deref(),
        Some(id.as_str())
    );
    let token = compose.csrf_token();
    let replied = bob
        .post_form(
            "/statuses",
            &[
                ("authenticity_token", &token),
                ("status", "@alice I agree"),
                ("visibility", "private"),
                ("in_reply_to_id", &id),
                ("return_to", &format!("/statuses/{id}")),
            ],
        )
        .await;
    assert_eq!(replied.status, 303, "{}", replied.body);
    assert_eq!(
        replied.location.as_deref(),
        Some(format!("/statuses/{id}").as_str())
    );

    // The thread page: the post, then the reply nested under it.
    let thread = bob.get(&format!("/statuses/{id}")).await;
    assert_eq!(thread.status, 200);
    let focus_at = thread.body.find("A followers-only thought").unwrap();
    let reply_at = thread.body.find("I agree").unwrap();
    assert!(focus_at < reply_at);
    assert!(thread.body.contains("class=\"reply depth-1\""));
    assert!(thread.body.contains("In reply to @alice"));
    // Alice's old-style link finds it too, and she sees her own delete button.
    let mut alice_browser = signed_in(&app, "alice").await;
    let old = alice_browser.get(&format!("/web/statuses/{id}")).await;
    assert_eq!(
        old.location.as_deref(),
        Some(format!("/statuses/{id}").as_str())
    );
    let hers = alice_browser.get(&format!("/statuses/{id}")).await;
    assert!(hers.body.contains("I agree"));
    assert!(!thread
        .body
        .contains(&format!("action=\"/statuses/{id}/delete\"")));

    // A public post can be boosted, shows "bob boosted" to Alice's other
    // followers, and the boost can be undone.
    let public = post(&app, &alice_token, &[("status", "Boost me, please")]).await;
    let pid = public["id"].as_str().unwrap().to_owned();
    let home = page_with(&mut bob, "/home", "Boost me, please").await;
    let boosted = press(&mut bob, &home, &format!("/statuses/{pid}/reblog"), "/home").await;
    assert_eq!(boosted.status, 303);
    let seen: Value = json(
        app.get(&format!("/api/v1/statuses/{pid}"), &bob_token)
            .await,
    )
    .await;
    assert_eq!(seen["reblogged"], true);
    let local = bob.get("/public/local").await;
    assert!(local
        .body
        .contains(&format!("action=\"/statuses/{pid}/unreblog\"")));
    local_user(&app.state, "carol").await;
    let mut carol_browser = signed_in(&app, "carol").await;
    let bob_profile = carol_browser.get("/@bob").await;
    assert!(
        bob_profile.body.contains("bob boosted"),
        "{}",
        bob_profile.body
    );
    let unboosted = press(
        &mut bob,
        &local,
        &format!("/statuses/{pid}/unreblog"),
        "/public/local",
    )
    .await;
    assert_eq!(unboosted.location.as_deref(), Some("/public/local"));
    let seen: Value = json(
        app.get(&format!("/api/v1/statuses/{pid}"), &bob_token)
            .await,
    )
    .await;
    assert_eq!(seen["reblogged"], false);

    // Deleting her own post from its thread page sends Alice home.
    let hers = alice_browser.get(&format!("/statuses/{pid}")).await;
    let deleted = press(
        &mut alice_browser,
        &hers,
        &format!("/statuses/{pid}/delete"),
        &format!("/statuses/{pid}"),
    )
    .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(deleted.location.as_deref(), Some("/home"));
    assert_eq!(
        app.get(&format!("/api/v1/statuses/{pid}"), &alice_token)
            .await
            .status(),
        404
    );
    // Bob cannot delete Alice's posts.
    let token = bob.get("/home").await.csrf_token();
    let refused = bob
        .post_form(
            &format!("/statuses/{id}/delete"),
            &[("authenticity_token", &token)],
        )
        .await;
    assert!(
        refused.status == 403 || refused.status == 404,
        "{}",
        refused.status
    );
    assert_eq!(
        app.get(&format!("/api/v1/statuses/{id}"), &alice_token)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn one_post_partial_shows_what_a_post_carries() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let mut bob = signed_in(&app, "bob").await;

    let form = reqwest::multipart::Form::new()
        .text("description", "Two kittens asleep")
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::media::png(40, 30)).file_name("k.png"),
        );
    let media: Value = json(
        app.client
            .post(app.url("/api/v2/media"))
            .bearer_auth(&alice_token)
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let media_id = media["id"].as_str().unwrap();
    post(
        &app,
        &alice_token,
        &[
            ("status", "Behind the warning"),
            ("spoiler_text", "Spoilers ahead"),
            ("media_ids[]", media_id),
            ("sensitive", "true"),
        ],
    )
    .await;
    let poll = post(
        &app,
        &alice_token,
        &[
            ("status", "Tea or coffee?"),
            ("poll[options][]", "Tea"),
            ("poll[options][]", "Coffee"),
            ("poll[expires_in]", "3600"),
        ],
    )
    .await;
    let edited = post(&app, &alice_token, &[("status", "first draft")]).await;
    let eid = edited["id"].as_str().unwrap();
    let resp = app
        .client
        .put(app.url(&format!("/api/v1/statuses/{eid}")))
        .bearer_auth(&alice_token)
        .form(&[("status", "second draft")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let page = bob.get("/public/local").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains(
        "<details class=\"cw\"><summary><strong>Content warning:</strong> Spoilers ahead</summary>"
    ));
    assert!(body.contains("<details class=\"sensitive\"><summary>Sensitive media (1)</summary>"));
    assert!(body.contains("alt=\"Two kittens asleep\""));
    assert!(body.contains("second draft") && body.contains("(edited)"));
    assert!(body.contains("<time datetime=\""));
    assert!(
        body.contains(" title=\"20"),
        "the absolute time is in the title"
    );
    assert!(body.contains("aria-label=\"Public\""));

    // Bob votes through the form, then sees the results.
    let poll_id = poll["poll"]["id"].as_str().unwrap();
    assert!(body.contains(&format!("action=\"/polls/{poll_id}/votes\"")));
    let token = page.csrf_token();
    let voted = bob
        .post_form(
            &format!("/polls/{poll_id}/votes"),
            &[
                ("authenticity_token", &token),
                ("choices[]", "1"),
                ("return_to", "/public/local"),
            ],
        )
        .await;
    assert_eq!(voted.status, 303);
    let seen: Value = json(
        app.get(&format!("/api/v1/polls/{poll_id}"), &bob_token)
            .await,
    )
    .await;
    assert_eq!(seen["own_votes"][0], 1);
    let page = bob.get("/public/local").await;
    assert!(page
        .body
        .contains("Coffee <span class=\"muted\">(your choice)</span>"));
    assert!(page.body.contains("100%"));
    assert!(page.body.contains("Your vote has been counted."));
}

#[tokio::test]
async fn timelines_page_with_the_api_rules() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let mut ids = Vec::new();
    for i in 0..25 {
        let s = post(
            &app,
            &alice_token,
            &[("status", &format!("numbered post {i:02}"))],
        )
        .await;
        ids.push(s["id"].as_str().unwrap().to_owned());
    }
    let mut bob = Browser::new(&app.url(""));
    local_user(&app.state, "bob").await;
    bob.sign_in("bob", PASSWORD).await;
    let first = bob.get("/public/local").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("numbered post 24") && first.body.contains("numbered post 05"));
    assert!(!first.body.contains("numbered post 04"));
    assert!(
        !first.body.contains("rel=\"prev\""),
        "the first page has nothing newer"
    );
    let older = format!("/public/local?max_id={}", ids[5]);
    assert!(
        first
            .body
            .contains(&format!("href=\"{older}\" rel=\"next\"")),
        "{}",
        first.body
    );
    let second = bob.get(&older).await;
    assert!(second.body.contains("numbered post 04") && second.body.contains("numbered post 00"));
    assert!(!second.body.contains("numbered post 05"));
    let newer = format!("/public/local?min_id={}", ids[4]);
    assert!(second
        .body
        .contains(&format!("href=\"{newer}\" rel=\"prev\"")));
    let back = bob.get(&newer).await;
    assert!(back.body.contains("numbered post 05") && back.body.contains("numbered post 24"));
    assert!(!back.body.contains("numbered post 04"));
    assert_eq!(bob.get("/public/local?max_id=nope").await.status, 400);

    // The profile and hashtag pages page the same way.
    let profile = bob.get("/@alice").await;
    assert!(profile
        .body
        .contains(&format!("href=\"/@alice?max_id={}\"", ids[5])));
    post(&app, &alice_token, &[("status", "tagged #paging")]).await;
    let tag = bob.get("/tags/paging").await;
    assert!(tag.body.contains("tagged"));

    // Signed out, the federated timeline follows the preview setting.
    let mut visitor = Browser::new(&app.url(""));
    assert_eq!(visitor.get("/public").await.status, 200);
    app.ctl(&["settings", "timeline-preview", "off"]);
    let closed = visitor.get("/public").await;
    assert_eq!(closed.status, 303);
    assert_eq!(
        closed.location.as_deref(),
        Some("/auth/sign_in?return_to=%2Fpublic")
    );
}

#[tokio::test]
async fn notifications_are_grouped_and_read_by_visiting() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let (_, _, carol_token) = local_user(&app.state, "carol").await;
    let status = post(&app, &alice_token, &[("status", "Favourite this")]).await;
    let id = status["id"].as_str().unwrap();
    for token in [&bob_token, &carol_token] {
        let resp = app
            .post_form(&format!("/api/v1/statuses/{id}/favourite"), token, &[])
            .await;
        assert_eq!(resp.status(), 200);
    }
    post(&app, &bob_token, &[("status", "@alice hello there")]).await;

    let mut alice = signed_in(&app, "alice").await;
    let page = alice.get("/notifications").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.matches("favourited your post").count(),
        1,
        "two favourites of one post are one group:\n{}",
        page.body
    );
    assert!(page.body.contains(">carol</a> and <a"), "{}", page.body);
    assert!(page.body.contains("mentioned you"));
    assert!(page.body.contains("Favourite this"));
    let mentions = alice.get("/notifications?types=mention").await;
    assert!(mentions.body.contains("mentioned you"));
    assert!(!mentions.body.contains("favourited your post"));

    // Visiting the first page marked everything read.
    let counts: Value = json(
        app.get("/api/v1/notifications/unread_count", &alice_token)
            .await,
    )
    .await;
    assert_eq!(counts["count"], 0, "{counts}");
}

#[tokio::test]
async fn home_with_twenty_posts_stays_light_and_loads_nothing_from_elsewhere() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    for i in 0..20 {
        let text = format!(
            "Post number {i} with a #hashtag, a link https://example.com/some/page and words enough to look like a real post on a timeline."
        );
        post(&app, &alice_token, &[("status", &text)]).await;
    }
    let mut alice = signed_in(&app, "alice").await;
    let home = alice.get("/home").await;
    assert_eq!(home.body.matches("<article class=\"post").count(), 20);
    let css = app
        .client
        .get(app.url("/assets/ferrodon.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let weight = home.body.len() + css.len();
    println!(
        "home: {} bytes of HTML, {} of CSS",
        home.body.len(),
        css.len()
    );
    assert!(weight <= 60 * 1024, "home page weighs {weight} bytes");
    // Everything the page loads (stylesheet, images, media) is on this
    // server; links to elsewhere in posts are only links.
    let loaded: Vec<&str> = home
        .body
        .match_indices(" src=\"")
        .chain(home.body.match_indices("<link rel=\"stylesheet\" href=\""))
        .map(|(at, attr)| {
            let url = &home.body[at + attr.len()..];
            &url[..url.find('"').unwrap()]
        })
        .collect();
    assert!(loaded.len() > 20, "{loaded:?}");
    for url in loaded {
        assert!(
            url.starts_with('/') || url.starts_with(&app.base_url),
            "loads {url} from elsewhere"
        );
    }
    assert!(!home.body.contains("<script"));
}

#[tokio::test]
async fn bookmarks_and_favourites_are_listed_newest_saved_first() {
    let app = TestApp::spawn().await;
    let (_, _, alice_token) = local_user(&app.state, "alice").await;
    let (_, _, bob_token) = local_user(&app.state, "bob").await;
    let older = post(&app, &alice_token, &[("status", "Older post")]).await;
    let newer = post(&app, &alice_token, &[("status", "Newer post")]).await;
    // Saved in the other order: the list follows when they were saved.
    for s in [&newer, &older] {
        let id = s["id"].as_str().unwrap();
        app.post_form(&format!("/api/v1/statuses/{id}/bookmark"), &bob_token, &[])
            .await;
    }
    let id = older["id"].as_str().unwrap();
    app.post_form(&format!("/api/v1/statuses/{id}/favourite"), &bob_token, &[])
        .await;

    let mut bob = signed_in(&app, "bob").await;
    let marks = bob.get("/bookmarks").await;
    assert_eq!(marks.status, 200);
    assert!(marks
        .body
        .contains("<a href=\"/bookmarks\" aria-current=\"page\">"));
    let (o, n) = (
        marks.body.find("Older post").unwrap(),
        marks.body.find("Newer post").unwrap(),
    );
    assert!(o < n, "the last bookmarked comes first");
    assert!(marks.body.contains("Remove bookmark"));
    let faves = bob.get("/favourites").await;
    assert!(faves.body.contains("Older post") && !faves.body.contains("Newer post"));
    assert!(faves
        .body
        .contains(&format!("formaction=\"/statuses/{id}/unfavourite\"")));
    let mut alice = signed_in(&app, "alice").await;
    assert!(alice
        .get("/bookmarks")
        .await
        .body
        .contains("No bookmarks yet."));
    assert_eq!(
        Browser::new(&app.url("")).get("/bookmarks").await.status,
        303
    );
}
