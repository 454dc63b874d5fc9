//! Local status text to HTML the way Mastodon formats it: paragraphs on
//! blank lines, `<br />` on single newlines, links with the scheme hidden,
//! `@mentions` of known accounts and `#hashtags` as links.
use std::sync::LazyLock;

use regex::Regex;

use super::escape_html;

/// Matches, in one pass, URLs, @user[@domain] mentions and #hashtags.
/// Mentions and hashtags must not follow a word character or a slash.
static TOKENS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?P<url>https?://[^\s<>\x22]+[^\s<>\x22.,;:!?)\]'])|(?:^|[^\w/@])(?P<mention>@(?P<user>[A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)(?:@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?))?)|(?:^|[^\w/#&])(?P<tag>#(?P<tagname>\w*[\p{L}_]\w*))",
    )
    .ok()
});

/// An account a mention resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTarget {
    /// Username as written.
    pub username: String,
    /// Profile URL to link to.
    pub url: String,
}

/// `(username, domain)` of every mention in `text`, in order, deduplicated.
pub fn extract_mentions(text: &str) -> Vec<(String, Option<String>)> {
    let Some(re) = TOKENS.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for caps in re.captures_iter(text) {
        if let Some(user) = caps.name("user") {
            let item = (
                user.as_str().to_owned(),
                caps.name("domain").map(|d| d.as_str().to_lowercase()),
            );
            if !out
                .iter()
                .any(|(u, d)| u.eq_ignore_ascii_case(&item.0) && *d == item.1)
            {
                out.push(item);
            }
        }
    }
    out
}

/// Hashtags in `text` as written, deduplicated case-insensitively.
pub fn extract_hashtags(text: &str) -> Vec<String> {
    let Some(re) = TOKENS.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for caps in re.captures_iter(text) {
        if let Some(tag) = caps.name("tagname") {
            let name = tag.as_str().to_owned();
            if name.chars().count() <= 100
                && !out.iter().any(|t| t.to_lowercase() == name.to_lowercase())
            {
                out.push(name);
            }
        }
    }
    out
}

/// Renders plain text to HTML. `resolve_mention` maps `(username, domain)`
/// to a target, or None to leave the text as written; `tag_url` gives a
/// hashtag's page.
pub fn render_plain_text(
    text: &str,
    resolve_mention: &dyn Fn(&str, Option<&str>) -> Option<MentionTarget>,
    tag_url: &dyn Fn(&str) -> String,
) -> String {
    let normalized = text.replace("\r\n", "\n");
    let paragraphs: Vec<String> = normalized
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let lines: Vec<String> = p
                .split('\n')
                .map(|line| render_line(line, resolve_mention, tag_url))
                .collect();
            format!("<p>{}</p>", lines.join("<br />"))
        })
        .collect();
    paragraphs.concat()
}

fn render_line(
    line: &str,
    resolve_mention: &dyn Fn(&str, Option<&str>) -> Option<MentionTarget>,
    tag_url: &dyn Fn(&str) -> String,
) -> String {
    let Some(re) = TOKENS.as_ref() else {
        return escape_html(line);
    };
    let mut out = String::with_capacity(line.len() + 32);
    let mut last = 0;
    for caps in re.captures_iter(line) {
        let (start, end, html) = if let Some(url) = caps.name("url") {
            (url.start(), url.end(), link_html(url.as_str()))
        } else if let Some(mention) = caps.name("mention") {
            let user = caps.name("user").map(|m| m.as_str()).unwrap_or_default();
            let domain = caps.name("domain").map(|m| m.as_str());
            match resolve_mention(user, domain) {
                Some(target) => (
                    mention.start(),
                    mention.end(),
                    format!(
                        "<span class=\"h-card\" translate=\"no\"><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></span>",
                        escape_html(&target.url),
                        escape_html(&target.username)
                    ),
                ),
                None => continue,
            }
        } else if let Some(tag) = caps.name("tag") {
            let name = caps.name("tagname").map(|m| m.as_str()).unwrap_or_default();
            (
                tag.start(),
                tag.end(),
                format!(
                    "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                    escape_html(&tag_url(&name.to_lowercase())),
                    escape_html(name)
                ),
            )
        } else {
            continue;
        };
        out.push_str(&escape_html(&line[last..start]));
        out.push_str(&html);
        last = end;
    }
    out.push_str(&escape_html(&line[last..]));
    out
}

fn link_html(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let rest = rest
        .strip_prefix("www.")
        .map(|r| (format!("{scheme}www."), r));
    let (prefix, rest) = match &rest {
        Some((p, r)) => (p.clone(), *r),
        None => (scheme.to_owned(), &url[scheme.len()..]),
    };
    let (visible, invisible, ellipsis) = if rest.chars().count() > 30 {
        let cut: String = rest.chars().take(30).collect();
        let tail = &rest[cut.len()..];
        (cut, tail.to_owned(), " class=\"ellipsis\"")
    } else {
        (rest.to_owned(), String::new(), "")
    };
    format!(
        "<a href=\"{}\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">{}</span><span{}>{}</span><span class=\"invisible\">{}</span></a>",
        escape_html(url),
        escape_html(&prefix),
        ellipsis,
        escape_html(&visible),
        escape_html(&invisible)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        render_plain_text(
            text,
            &|user, domain| {
                (user == "alice" && domain.is_none()).then(|| MentionTarget {
                    username: "alice".into(),
                    url: "https://x.example/@alice".into(),
                })
            },
            &|tag| format!("https://x.example/tags/{tag}"),
        )
    }

    #[test]
    fn escapes_and_paragraphs() {
        assert_eq!(
            render("a <b>\nc\n\nd & e"),
            "<p>a &lt;b&gt;<br />c</p><p>d &amp; e</p>"
        );
    }

    #[test]
    fn links_mentions_and_tags() {
        let html = render("hi @alice and @bob, see https://example.com/x. #Rust");
        assert!(html.contains(
            "<a href=\"https://x.example/@alice\" class=\"u-url mention\">@<span>alice</span></a>"
        ));
        assert!(html.contains("@bob"));
        assert!(!html.contains("@<span>bob"));
        assert!(html.contains("<a href=\"https://example.com/x\""));
        assert!(
            html.contains("<span class=\"invisible\">https://</span><span>example.com/x</span>")
        );
        assert!(html.contains("href=\"https://x.example/tags/rust\" class=\"mention hashtag\" rel=\"tag\">#<span>Rust</span>"));
        assert!(html.ends_with("</a></p>"));
    }

    #[test]
    fn extraction() {
        assert_eq!(
            extract_mentions("@alice @Bob@Remote.Example x@y @alice"),
            vec![
                ("alice".into(), None),
                ("Bob".into(), Some("remote.example".into()))
            ]
        );
        assert_eq!(
            extract_hashtags("#one #One #two_2 a#no #123"),
            vec!["one".to_string(), "two_2".into()]
        );
        assert!(extract_mentions("mail me@example.com").is_empty());
    }
}
