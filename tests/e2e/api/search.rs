//! `GET /api/v2/search`: which kinds a query is searched for, as Mastodon's
//! SearchService decides.
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::TestApp;
use serde_json::Value;

fn count(found: &Value, kind: &str) -> usize {
    found[kind].as_array().map_or(0, Vec::len)
}

/// A single `#word` is a hashtag search: no status search (which would
/// find every post carrying the tag) and no account search; a handle finds
/// accounts, not statuses mentioning it; several words search statuses.
#[tokio::test]
async fn a_single_hashtag_or_handle_is_not_searched_in_statuses() {
    let app = TestApp::spawn().await;
    let (_, _, alice) = local_user(&app.state, "alice").await;
    let (_, _, _) = local_user(&app.state, "rustlang").await;
    let posted = app
        .post_form(
            "/api/v1/statuses",
            &alice,
            &[("status", "#rustlang is fun, says @rustlang")],
        )
        .await;
    assert_eq!(posted.status(), 200);
    let search = |q: &'static str| {
        let app = &app;
        let alice = &alice;
        async move {
            let resp = app.get(&format!("/api/v2/search?q={q}"), alice).await;
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };

    let tag = search("%23rustlang").await;
    assert_eq!(count(&tag, "statuses"), 0, "{tag}");
    assert_eq!(count(&tag, "accounts"), 0, "{tag}");
    assert_eq!(tag["hashtags"][0]["name"], "rustlang");

    let handle = search("%40rustlang").await;
    assert_eq!(count(&handle, "statuses"), 0, "{handle}");
    assert_eq!(count(&handle, "hashtags"), 0, "{handle}");
    assert_eq!(handle["accounts"][0]["acct"], "rustlang");

    let words = search("rustlang%20fun").await;
    assert_eq!(count(&words, "statuses"), 1, "{words}");

    let plain = search("rustlang").await;
    assert_eq!(count(&plain, "statuses"), 1, "{plain}");
    assert_eq!(count(&plain, "accounts"), 1, "{plain}");
}
