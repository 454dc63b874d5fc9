//! Link preview cards: the first ordinary link of a status is fetched (by
//! the `pull` queue, with the remote HTTP client that refuses private
//! addresses) and the page's OpenGraph / Twitter meta tags become the
//! status's `card`.
use ferrodon_db::StatusId;
use std::sync::LazyLock;
use std::time::Duration;

use ferrodon_db::models::Status;
use ferrodon_db::queries::preview_cards::{self, NewPreviewCard, PreviewCard};
use regex::Regex;

use crate::entities::timestamp;
use crate::http_client::fetch_limited;
use crate::{AppState, Result};

/// Largest page read for its meta tags.
const MAX_PAGE_BYTES: u64 = 1 << 20;
/// How long one page fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(15);
/// A card younger than this is reused instead of fetching the page again.
const CARD_MAX_AGE_DAYS: i64 = 14;
/// Longest title and description kept, as Mastodon.
const MAX_TITLE: usize = 255;
const MAX_DESCRIPTION: usize = 1000;

static ANCHOR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r#"(?is)<a\s[^>]*>"#).ok());
static HREF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?is)\shref\s*=\s*["']([^"']+)["']"#).ok());
static META: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r#"(?is)<meta\s[^>]*>"#).ok());
static ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?is)([a-z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).ok());
static TITLE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?is)<title[^>]*>(.*?)</title>"#).ok());
static HTML_LANG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?is)<html\s[^>]*\blang\s*=\s*["']([a-zA-Z-]+)["']"#).ok());

/// The first link of rendered status HTML that is not a mention or a
/// hashtag, if it is http(s).
pub fn first_link(content: &str) -> Option<String> {
    let (anchor, href) = (ANCHOR.as_ref()?, HREF.as_ref()?);
    anchor.find_iter(content).find_map(|tag| {
        let tag = tag.as_str();
        let lower = tag.to_lowercase();
        if lower.contains("mention") || lower.contains("hashtag") || lower.contains("rel=\"tag\"") {
            return None;
        }
        let url = decode_entities(href.captures(tag)?.get(1)?.as_str());
        let parsed = url::Url::parse(&url).ok()?;
        matches!(parsed.scheme(), "http" | "https").then_some(url)
    })
}

/// Undoes the HTML escapes found in attribute values and titles.
fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn clip(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let mut clipped: String = text.chars().take(max - 1).collect();
        clipped.push('…');
        clipped
    }
}

/// Reads a page's card from its meta tags; None without a title.
pub fn parse_page(page_url: &str, html: &str) -> Option<NewPreviewCard> {
    let (meta, attr) = (META.as_ref()?, ATTR.as_ref()?);
    let mut tags: Vec<(String, String)> = Vec::new();
    for tag in meta.find_iter(html) {
        let mut key = None;
        let mut content = None;
        for cap in attr.captures_iter(tag.as_str()) {
            let name = cap.get(1).map(|m| m.as_str().to_lowercase());
            let value = cap
                .get(2)
                .or(cap.get(3))
                .map(|m| decode_entities(m.as_str()));
            match name.as_deref() {
                Some("property" | "name") => key = value.map(|v| v.to_lowercase()),
                Some("content") => content = value,
                _ => {}
            }
        }
        if let (Some(k), Some(c)) = (key, content) {
            tags.push((k, c));
        }
    }
    let get = |names: &[&str]| {
        names.iter().find_map(|n| {
            tags.iter()
                .find(|(k, v)| k == n && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
        })
    };
    let title = get(&["og:title", "twitter:title"]).or_else(|| {
        TITLE
            .as_ref()?
            .captures(html)?
            .get(1)
            .map(|m| decode_entities(m.as_str().trim()))
    })?;
    if title.trim().is_empty() {
        return None;
    }
    let base = url::Url::parse(page_url).ok()?;
    let absolute = |raw: String| base.join(&raw).ok().map(|u| u.to_string());
    let image_url = get(&[
        "og:image",
        "og:image:url",
        "twitter:image",
        "twitter:image:src",
    ])
    .and_then(absolute)
    .filter(|u| u.starts_with("http"));
    let number = |names: &[&str]| get(names).and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    let provider_url = format!(
        "{}://{}",
        base.scheme(),
        base.host_str().unwrap_or_default()
    );
    Some(NewPreviewCard {
        url: page_url.to_owned(),
        title: clip(&title, MAX_TITLE),
        description: clip(
            &get(&["og:description", "twitter:description", "description"]).unwrap_or_default(),
            MAX_DESCRIPTION,
        ),
        kind: "link".into(),
        author_name: get(&["author", "article:author", "twitter:creator"]).unwrap_or_default(),
        author_url: String::new(),
        provider_name: get(&["og:site_name"]).unwrap_or_default(),
        provider_url,
        width: if image_url.is_some() {
            number(&["og:image:width"])
        } else {
            0
        },
        height: if image_url.is_some() {
            number(&["og:image:height"])
        } else {
            0
        },
        image_url,
        language: HTML_LANG
            .as_ref()
            .and_then(|re| re.captures(html))
            .and_then(|c| c.get(1))
            .map(|m| {
                m.as_str()
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .to_lowercase()
            }),
        published_at: get(&["article:published_time"])
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
    })
}

/// Runs the `FetchLinkCard` job: gives the status the card of its first
/// link (reusing a recent card of the same URL), or none when it has no
/// link, the page cannot be fetched or says nothing about itself.
pub async fn fetch_card(state: &AppState, status: &Status) -> Result<()> {
    let Some(url) = first_link(&status.content) else {
        let mut conn = state.conn().await?;
        return Ok(preview_cards::unlink_card(&mut conn, status.id).await?);
    };
    let mut conn = state.conn().await?;
    if let Some(card) =
        preview_cards::find_fresh_card(&mut conn, &url, chrono::Duration::days(CARD_MAX_AGE_DAYS))
            .await?
    {
        return Ok(preview_cards::link_card(&mut conn, StatusId::new(status.id), card.id).await?);
    }
    drop(conn);
    let page = match fetch_limited(&state.http, &url, MAX_PAGE_BYTES, FETCH_TIMEOUT).await {
        Ok(page) => page,
        Err(e) => {
            // Not worth retrying: the link simply gets no card.
            tracing::info!(url = %url, error = %e, "no preview card");
            return Ok(());
        }
    };
    let is_html = page
        .content_type
        .as_deref()
        .is_some_and(|t| t.to_lowercase().contains("html"));
    if !is_html {
        return Ok(());
    }
    let html = String::from_utf8_lossy(&page.bytes);
    let Some(card) = parse_page(&url, &html) else {
        return Ok(());
    };
    let mut conn = state.conn().await?;
    preview_cards::put_card_for_status(&mut conn, status.id, &card).await?;
    Ok(())
}

/// Mastodon's PreviewCard entity. The image is the page's own (not proxied).
pub fn render(card: &PreviewCard) -> crate::entities::preview_card::PreviewCard {
    crate::entities::preview_card::PreviewCard {
        url: card.url.clone(),
        title: card.title.clone(),
        description: card.description.clone(),
        language: card.language.clone(),
        kind: card.kind.clone(),
        author_name: card.author_name.clone(),
        author_url: card.author_url.clone(),
        provider_name: card.provider_name.clone(),
        provider_url: card.provider_url.clone(),
        html: String::new(),
        width: card.width,
        height: card.height,
        image: card.image_url.clone(),
        image_description: String::new(),
        embed_url: String::new(),
        blurhash: None,
        published_at: card.published_at.as_ref().map(timestamp),
        authors: Vec::new(),
    }
}

/// Mastodon's Trends::Link of `card` shared on `days`; with its `id` for
/// the admin API.
pub fn render_trending(
    card: &PreviewCard,
    days: &[ferrodon_db::queries::discovery::TagDay],
    with_id: bool,
) -> crate::entities::preview_card::TrendsLink {
    crate::entities::preview_card::TrendsLink {
        id: with_id.then(|| card.id.to_string()),
        card: render(card),
        history: crate::entities::tag::render_history(days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trending_links_are_the_card_with_its_history() {
        use chrono::TimeZone;
        let card = PreviewCard {
            id: 42,
            url: "https://blog.example/post".into(),
            title: "A post".into(),
            description: "Long read".into(),
            kind: "link".into(),
            author_name: "Ann".into(),
            author_url: String::new(),
            provider_name: "The Blog".into(),
            provider_url: "https://blog.example".into(),
            image_url: None,
            width: 0,
            height: 0,
            language: Some("en".into()),
            published_at: None,
        };
        let days = [ferrodon_db::queries::discovery::TagDay {
            day: chrono::Utc.with_ymd_and_hms(2026, 3, 4, 0, 0, 0).unwrap(),
            uses: 3,
            accounts: 2,
        }];
        // What the routes built by hand before: the card's JSON with
        // `history` (and, for the admin API, `id`) put in.
        let mut expected = serde_json::to_value(render(&card)).unwrap();
        expected["history"] =
            serde_json::json!([{"day": "1772582400", "uses": "3", "accounts": "2"}]);
        assert_eq!(
            serde_json::to_value(render_trending(&card, &days, false)).unwrap(),
            expected
        );
        expected["id"] = "42".into();
        assert_eq!(
            serde_json::to_value(render_trending(&card, &days, true)).unwrap(),
            expected
        );
    }

    #[test]
    fn the_first_plain_link_is_chosen() {
        let html = r#"<p>Hi <span class="h-card"><a href="https://x.example/@bob" class="u-url mention">@bob</a></span> <a href="https://x.example/tags/rust" class="mention hashtag" rel="tag">#rust</a> see <a href="https://blog.example/post?a=1&amp;b=2" rel="nofollow noopener">blog</a> and <a href="https://two.example/">two</a></p>"#;
        assert_eq!(
            first_link(html).as_deref(),
            Some("https://blog.example/post?a=1&b=2")
        );
        assert_eq!(first_link("<p>no links</p>"), None);
        assert_eq!(first_link(r#"<a href="javascript:alert(1)">x</a>"#), None);
    }

    #[test]
    fn meta_tags_become_a_card() {
        let html = r#"<html lang="en-GB"><head><title>Fallback</title>
            <meta property="og:title" content="A &amp; B">
            <meta content="Long read" property='og:description'>
            <meta property="og:image" content="/img/cover.png">
            <meta property="og:image:width" content="1200"><meta property="og:image:height" content="630">
            <meta property="og:site_name" content="The Blog">
            <meta name="author" content="Ann">
            <meta property="article:published_time" content="2026-11-20T10:00:00Z">
        </head></html>"#;
        let card = parse_page("https://blog.example/post", html).unwrap();
        assert_eq!(card.title, "A & B");
        assert_eq!(card.description, "Long read");
        assert_eq!(
            card.image_url.as_deref(),
            Some("https://blog.example/img/cover.png")
        );
        assert_eq!((card.width, card.height), (1200, 630));
        assert_eq!(card.provider_name, "The Blog");
        assert_eq!(card.provider_url, "https://blog.example");
        assert_eq!(card.author_name, "Ann");
        assert_eq!(card.language.as_deref(), Some("en"));
        assert!(card.published_at.is_some());
        let bare = parse_page("https://x.example/", "<title> Just a title </title>").unwrap();
        assert_eq!(bare.title, "Just a title");
        assert!(parse_page("https://x.example/", "<p>nothing</p>").is_none());
    }
}
