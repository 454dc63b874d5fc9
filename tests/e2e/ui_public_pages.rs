//! The public pages: the landing, about and privacy pages, profiles with
//! their OpenGraph data, `rel="me"` links and RSS feed, and what a
//! suspended account's pages answer.
use ferrodon_core::db::queries::moderation::{self, AccountFlag};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

/// Fails unless `xml` is well-formed: balanced tags, quoted attributes,
/// known entities and no stray `<` or `&` in text.
pub fn assert_well_formed_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .expect("an XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start]);
        let end = rest[start..].find('>').expect("an unclosed tag") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().expect("a closing tag without an opening one");
            assert_eq!(open, name.trim(), "mismatched tags");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(
                !name.is_empty() && !name.contains(['"', '<', '&']),
                "tag {tag:?}"
            );
            check_attributes(attrs);
            if !self_closing {
                stack.push(name.to_owned());
            }
        }
        rest = &rest[end + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

fn check_text(text: &str) {
    assert!(!text.contains('>') || text.trim().is_empty() || !text.contains('<'));
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        let entity_end = rest[i..].find(';').expect("an unterminated entity") + i;
        let entity = &rest[i + 1..entity_end];
        let known = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
            || entity
                .strip_prefix('#')
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        assert!(known, "unknown entity &{entity};");
        rest = &rest[entity_end + 1..];
    }
}

fn check_attributes(attrs: &str) {
    let mut rest = attrs.trim();
    while !rest.is_empty() {
        let eq = rest.find('=').expect("an attribute without a value");
        assert!(
            rest[eq + 1..].starts_with('"'),
            "unquoted attribute in {attrs:?}"
        );
        let close = rest[eq + 2..].find('"').expect("an unterminated attribute") + eq + 2;
        check_text(&rest[eq + 2..close]);
        rest = rest[close + 1..].trim_start();
    }
}

/// The `content` of the `<meta property|name="key">` tag.
fn meta(html: &str, key: &str) -> Option<String> {
    for attr in ["property", "name"] {
        let needle = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(i) = html.find(&needle) {
            let rest = &html[i + needle.len()..];
            return rest.find('"').map(|end| rest[..end].to_owned());
        }
    }
    None
}

#[tokio::test]
async fn profiles_have_open_graph_rel_me_links_and_an_rss_feed() {
    let app = TestApp::spawn().await;
    let (_, alice, token) = local_user(&app.state, "alice").await;
    let updated = app
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&token)
        .form(&[
            ("display_name", "Alice & Co"),
            ("note", "Writes <things>"),
            ("fields_attributes[0][name]", "Website"),
            ("fields_attributes[0][value]", "https://alice.example/"),
            ("fields_attributes[1][name]", "Pronouns"),
            ("fields_attributes[1][value]", "she/her"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let public: Value = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[("status", "public words & <more> #feeds")],
        )
        .await
        .json()
        .await
        .unwrap();
    app.post_form(
        "/api/v1/statuses",
        &token,
        &[("status", "secret words"), ("visibility", "private")],
    )
    .await;

    let profile = app.client.get(app.url("/@alice")).send().await.unwrap();
    assert_eq!(profile.status(), 200);
    let html = profile.text().await.unwrap();
    assert_eq!(
        meta(&html, "og:title").as_deref(),
        Some(format!("Alice &#38; Co (@alice@{})", app.state.config.local_domain).as_str())
    );
    assert_eq!(
        meta(&html, "og:url").as_deref(),
        Some(app.url("/@alice").as_str())
    );
    assert_eq!(
        meta(&html, "og:description").as_deref(),
        Some("Writes &#60;things&#62;")
    );
    let avatar = public["account"]["avatar"].as_str().unwrap();
    assert_eq!(meta(&html, "og:image").as_deref(), Some(avatar));
    assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary"));
    assert!(html.contains(&format!(
        "<link rel=\"alternate\" type=\"application/activity+json\" href=\"{}\">",
        alice.uri
    )));
    assert!(
        html.contains("<a href=\"https://alice.example/\" rel=\"me nofollow noopener noreferrer\""),
        "a link field is a rel=me link:\n{html}"
    );
    assert!(html.contains("she/her"));
    assert!(html.contains("public words &amp; &lt;more&gt;"));
    assert!(!html.contains("secret words"));

    // The status page has the post's own card.
    let page = app
        .client
        .get(public["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(meta(&page, "og:type").as_deref(), Some("article"));
    assert_eq!(meta(&page, "og:url").as_deref(), public["url"].as_str());
    assert!(meta(&page, "og:description")
        .unwrap()
        .starts_with("public words &#38; &#60;more&#62;"));

    // The feed, under both addresses.
    for path in ["/@alice.rss", "/users/alice.rss"] {
        let feed = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(feed.status(), 200, "{path}");
        assert!(feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rss+xml"));
        let xml = feed.text().await.unwrap();
        assert_well_formed_xml(&xml);
        assert!(xml.contains("<rss version=\"2.0\""));
        assert!(xml.contains("<title>Alice &amp; Co</title>"));
        let url = public["url"].as_str().unwrap();
        assert!(xml.contains(&format!("<guid isPermaLink=\"true\">{url}</guid>")));
        assert!(xml.contains(&format!("<link>{url}</link>")));
        assert!(xml.contains("<pubDate>"));
        assert!(xml.contains("<category>feeds</category>"));
        // The description is the post's HTML, escaped once more.
        assert!(
            xml.contains("public words &amp;amp; &amp;lt;more&amp;gt;"),
            "{xml}"
        );
        assert!(!xml.contains("secret words"), "private posts stay out");
    }

    // A suspended account's pages are gone.
    let mut conn = app.state.conn().await.unwrap();
    moderation::set_account_flag(&mut conn, alice.id, AccountFlag::Suspended, true)
        .await
        .unwrap();
    drop(conn);
    for path in ["/@alice", "/@alice.rss", "/users/alice.rss"] {
        let gone = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(gone.status(), 410, "{path}");
    }
    assert_eq!(
        app.client
            .get(public["url"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
    assert_eq!(
        app.client
            .get(app.url("/@nobody.rss"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn landing_about_and_privacy_pages_describe_the_server() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    app.post_form("/api/v1/statuses", &token, &[("status", "hello visitors")])
        .await;
    let landing = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(landing.status(), 200);
    let html = landing.text().await.unwrap();
    assert!(html.contains("href=\"/auth/sign_up\""));
    assert!(html.contains("href=\"/auth/sign_in\""));
    assert!(html.contains("hello visitors"), "timeline preview is on");
    assert!(meta(&html, "og:title").is_some());

    let about = app
        .client
        .get(app.url("/about"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(about.contains("Anyone can create an account here."));
    let privacy = app
        .client
        .get(app.url("/privacy-policy"))
        .send()
        .await
        .unwrap();
    assert_eq!(privacy.status(), 200);
    assert!(privacy
        .text()
        .await
        .unwrap()
        .contains("Deleting your account"));

    // With the preview off, visitors see no posts.
    app.ctl(&["settings", "timeline-preview", "off"]);
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("hello visitors"));
}

#[tokio::test]
async fn a_post_with_an_image_uses_it_in_its_card_and_feed_item() {
    let app = TestApp::spawn().await;
    let (_, _, token) = local_user(&app.state, "alice").await;
    let media: Value = app
        .client
        .post(app.url("/api/v1/media"))
        .bearer_auth(&token)
        .multipart(
            reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(crate::media::png(64, 48)).file_name("cat.png"),
                )
                .text("description", "A cat & a box"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let media_id = media["id"].as_str().unwrap();
    let status: Value = app
        .post_form(
            "/api/v1/statuses",
            &token,
            &[("status", "look"), ("media_ids[]", media_id)],
        )
        .await
        .json()
        .await
        .unwrap();
    let image_url = status["media_attachments"][0]["url"].as_str().unwrap();

    let page = app
        .client
        .get(status["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(meta(&page, "og:image").as_deref(), Some(image_url));
    assert_eq!(
        meta(&page, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert!(page.contains("alt=\"A cat &#38; a box\""), "alt text shown");

    let xml = app
        .client
        .get(app.url("/@alice.rss"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_well_formed_xml(&xml);
    // Uploaded PNGs without transparency are stored as JPEG.
    let mime = if image_url.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    assert!(
        xml.contains(&format!(
            "<media:content url=\"{image_url}\" type=\"{mime}\" medium=\"image\">"
        )),
        "{xml}"
    );
    assert!(xml.contains("<media:description type=\"plain\">A cat &amp; a box</media:description>"));
}
