//! Posts and their authors as the public pages show them, and the
//! OpenGraph / Twitter card data of a page.
use ferrodon_core::entities::media_attachment::MediaAttachment;
use ferrodon_core::entities::status::Status;

/// One attachment of a post.
#[derive(Debug, Clone)]
pub struct MediaView {
    /// The file.
    pub url: String,
    /// A small image of it.
    pub preview_url: String,
    /// Alt text.
    pub description: String,
    /// image, video, gifv or audio.
    pub kind: String,
}

impl MediaView {
    fn of(media: &MediaAttachment) -> Option<MediaView> {
        let url = media.url.clone().filter(|u| !u.is_empty())?;
        Some(MediaView {
            preview_url: media.preview_url.clone().unwrap_or_else(|| url.clone()),
            url,
            description: media.description.clone().unwrap_or_default(),
            kind: media.kind.clone(),
        })
    }

    /// Whether it shows as an image.
    pub fn is_image(&self) -> bool {
        self.kind == "image" || self.kind == "gifv"
    }
}

/// A post as a page shows it.
#[derive(Debug, Clone)]
pub struct PostView {
    /// Who boosted it, when this is a boost.
    pub boosted_by: Option<String>,
    /// The author's name (display name, else username).
    pub author_name: String,
    /// The author's `user@domain` (or `user`).
    pub author_acct: String,
    /// The author's profile.
    pub author_url: String,
    /// The author's avatar.
    pub avatar: String,
    /// Content warning ("" for none).
    pub spoiler_text: String,
    /// The content: HTML made by our renderer, or remote HTML sanitised
    /// when it was stored.
    pub content_html: String,
    /// Link to the post.
    pub url: String,
    /// When it was written (ISO 8601).
    pub created_at: String,
    /// Its attachments.
    pub media: Vec<MediaView>,
}

/// A display name, or the username when it is empty.
pub fn name_of(display_name: &str, username: &str) -> String {
    if display_name.trim().is_empty() {
        username.to_owned()
    } else {
        display_name.to_owned()
    }
}

impl PostView {
    /// The view of `status` (its original, for a boost).
    pub fn new(status: &Status) -> PostView {
        let (shown, boosted_by) = match &status.reblog {
            Some(original) => (original.as_ref(), Some(status.account.acct.clone())),
            None => (status, None),
        };
        PostView {
            boosted_by,
            author_name: name_of(&shown.account.display_name, &shown.account.username),
            author_acct: shown.account.acct.clone(),
            author_url: shown.account.url.clone(),
            avatar: shown.account.avatar.clone(),
            spoiler_text: shown.spoiler_text.clone(),
            content_html: shown.content.clone(),
            url: shown.url.clone().unwrap_or_else(|| shown.uri.clone()),
            created_at: shown.created_at.clone(),
            media: shown
                .media_attachments
                .iter()
                .filter_map(MediaView::of)
                .collect(),
        }
    }
}

/// The OpenGraph and Twitter card data of a page.
#[derive(Debug, Clone)]
pub struct OpenGraph {
    /// og:title.
    pub title: String,
    /// og:description (plain text).
    pub description: String,
    /// og:image.
    pub image: String,
    /// og:url.
    pub url: String,
    /// og:type (`profile`, `article`, `website`).
    pub kind: &'static str,
    /// twitter:card (`summary` or `summary_large_image`).
    pub card: &'static str,
}

/// The text of some HTML, tags removed and the common entities decoded
/// (for meta descriptions; templates escape it again).
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_ascii_lowercase();
                if (name.starts_with("br") || name.starts_with('p')) && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            _ if in_tag => tag.push(c),
            _ => out.push(c),
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to about `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::{plain_text, truncate};

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(
            plain_text("<p>Hi &amp; <a href=\"x\">bye</a></p><p>two&lt;b&gt;</p>"),
            "Hi & bye two<b>"
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
