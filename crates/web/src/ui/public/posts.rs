//! Posts and their authors as the public pages show them, and the
//! OpenGraph / Twitter card data of a page.
use chrono::{DateTime, Datelike, Utc};
use ferrodon_core::entities::media_attachment::MediaAttachment;
use ferrodon_core::entities::poll::Poll;
use ferrodon_core::entities::quote::Quote;
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
        self.kind == "image"
    }

    /// Whether it plays as a video (animated GIFs are stored as video).
    pub fn is_video(&self) -> bool {
        self.kind == "video" || self.kind == "gifv"
    }

    /// Whether it plays as audio.
    pub fn is_audio(&self) -> bool {
        self.kind == "audio"
    }
}

/// One choice of a poll, with its share of the votes.
#[derive(Debug, Clone)]
pub struct PollOptionView {
    /// Its position (the vote's value).
    pub index: usize,
    /// The choice.
    pub title: String,
    /// Votes for it, when shown.
    pub votes: Option<i32>,
    /// Rounded percentage of the votes, when shown.
    pub percent: Option<i64>,
    /// Whether the viewer chose it.
    pub own: bool,
}

/// A poll as a post shows it.
#[derive(Debug, Clone)]
pub struct PollView {
    /// The poll's id (for the vote form).
    pub id: String,
    /// Its choices.
    pub options: Vec<PollOptionView>,
    /// Several choices allowed.
    pub multiple: bool,
    /// Closed.
    pub expired: bool,
    /// Whether the viewer voted.
    pub voted: bool,
    /// How many people voted.
    pub voters_count: i32,
    /// Until when it runs (ISO 8601), if it ends.
    pub expires_at: Option<String>,
}

impl PollView {
    fn of(poll: &Poll) -> PollView {
        let own = poll.own_votes.clone().unwrap_or_default();
        let total = poll.votes_count.max(0);
        PollView {
            id: poll.id.clone(),
            options: poll
                .options
                .iter()
                .enumerate()
                .map(|(index, o)| PollOptionView {
                    index,
                    title: o.title.clone(),
                    votes: o.votes_count,
                    percent: o.votes_count.map(|v| {
                        if total == 0 {
                            0
                        } else {
                            (i64::from(v) * 100 + i64::from(total) / 2) / i64::from(total)
                        }
                    }),
                    own: own.iter().any(|i| usize::try_from(*i).ok() == Some(index)),
                })
                .collect(),
            multiple: poll.multiple,
            expired: poll.expired,
            voted: poll.voted.unwrap_or(false),
            voters_count: poll.voters_count,
            expires_at: poll.expires_at.clone(),
        }
    }

    /// Whether results show: after voting, once closed, or for someone
    /// who cannot vote.
    pub fn shows_results(&self, can_vote: bool) -> bool {
        self.voted || self.expired || !can_vote
    }
}

/// What a signed-in viewer may do with a post, and what they already did.
#[derive(Debug, Clone)]
pub struct PostActions {
    /// The viewer favourited it.
    pub favourited: bool,
    /// The viewer boosted it.
    pub reblogged: bool,
    /// The viewer bookmarked it.
    pub bookmarked: bool,
    /// The viewer wrote it.
    pub own: bool,
    /// Boosting is allowed (public and unlisted posts, or one's own
    /// followers-only post).
    pub can_boost: bool,
}

/// A post as a page shows it.
#[derive(Debug, Clone)]
pub struct PostView {
    /// The id of the post shown (the original, for a boost).
    pub id: String,
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
    /// Whether the media is marked sensitive.
    pub sensitive: bool,
    /// The content: HTML made by our renderer, or remote HTML sanitised
    /// when it was stored.
    pub content_html: String,
    /// Link to the post.
    pub url: String,
    /// The post's thread page on this server.
    pub thread_url: String,
    /// When it was written (ISO 8601).
    pub created_at: String,
    /// When it was written, for people ("5m", "3h", "Dec 7").
    pub relative_time: String,
    /// When it was written, in full (UTC).
    pub absolute_time: String,
    /// public, unlisted, private or direct.
    pub visibility: &'static str,
    /// Whether it was edited.
    pub edited: bool,
    /// The thread page of the post this replies to.
    pub reply_to_url: Option<String>,
    /// Whom it replies to (`acct`), when known.
    pub reply_to_acct: Option<String>,
    /// The quoted post: its author's `acct` and its thread page.
    pub quote: Option<(String, String)>,
    /// Titles of the viewer's filters it matches (shown folded).
    pub filtered: Option<String>,
    /// Its attachments.
    pub media: Vec<MediaView>,
    /// Its poll.
    pub poll: Option<PollView>,
    /// Replies to it.
    pub replies_count: i32,
    /// Boosts of it.
    pub reblogs_count: i32,
    /// Favourites of it.
    pub favourites_count: i32,
    /// What the viewer may do (None on pages seen by nobody in particular).
    pub actions: Option<PostActions>,
}

/// A display name, or the username when it is empty.
pub fn name_of(display_name: &str, username: &str) -> String {
    if display_name.trim().is_empty() {
        username.to_owned()
    } else {
        display_name.to_owned()
    }
}

/// `created_at` relative to `now` as a short label, and in full.
pub fn times(created_at: &str, now: DateTime<Utc>) -> (String, String) {
    let Ok(at) = DateTime::parse_from_rfc3339(created_at) else {
        return (created_at.to_owned(), created_at.to_owned());
    };
    let at = at.with_timezone(&Utc);
    let absolute = at.format("%Y-%m-%d %H:%M UTC").to_string();
    let secs = (now - at).num_seconds().max(0);
    let relative = if secs < 60 {
        "now".to_owned()
    } else if secs < 3600 {
        format!("{}m", secs / 60)
    } else if secs < 86_400 {
        format!("{}h", secs / 3600)
    } else if secs < 7 * 86_400 {
        format!("{}d", secs / 86_400)
    } else if at.year() == now.year() {
        at.format("%b %-d").to_string()
    } else {
        at.format("%b %-d, %Y").to_string()
    };
    (relative, absolute)
}

impl PostView {
    /// The view of `status` (its original, for a boost) for nobody in
    /// particular: no actions.
    pub fn new(status: &Status) -> PostView {
        let (shown, boosted_by) = match &status.reblog {
            Some(original) => (original.as_ref(), Some(status.account.acct.clone())),
            None => (status, None),
        };
        let (relative_time, absolute_time) = times(&shown.created_at, Utc::now());
        let reply_to_acct = shown.in_reply_to_account_id.as_ref().and_then(|id| {
            if *id == shown.account.id {
                return Some(shown.account.acct.clone());
            }
            shown
                .mentions
                .iter()
                .find(|m| m.id == *id)
                .map(|m| m.acct.clone())
        });
        let quote = match &shown.quote {
            Some(Quote::Full {
                quoted_status: Some(quoted),
                ..
            }) => Some((quoted.account.acct.clone(), thread_path(&quoted.id))),
            _ => None,
        };
        let filtered = (!shown.filtered.is_empty()).then(|| {
            shown
                .filtered
                .iter()
                .map(|f| f.filter.title.clone())
                .collect::<Vec<_>>()
                .join(", ")
        });
        PostView {
            id: shown.id.clone(),
            boosted_by,
            author_name: name_of(&shown.account.display_name, &shown.account.username),
            author_acct: shown.account.acct.clone(),
            author_url: shown.account.url.clone(),
            avatar: shown.account.avatar.clone(),
            spoiler_text: shown.spoiler_text.clone(),
            sensitive: shown.sensitive,
            content_html: shown.content.clone(),
            url: shown.url.clone().unwrap_or_else(|| shown.uri.clone()),
            thread_url: thread_path(&shown.id),
            created_at: shown.created_at.clone(),
            relative_time,
            absolute_time,
            visibility: shown.visibility,
            edited: shown.edited_at.is_some(),
            reply_to_url: shown.in_reply_to_id.as_deref().map(thread_path),
            reply_to_acct,
            quote,
            filtered,
            media: shown
                .media_attachments
                .iter()
                .filter_map(MediaView::of)
                .collect(),
            poll: shown.poll.as_ref().map(PollView::of),
            replies_count: shown.replies_count,
            reblogs_count: shown.reblogs_count,
            favourites_count: shown.favourites_count,
            actions: None,
        }
    }

    /// The view of `status` rendered for the signed-in `viewer` (its
    /// account id), with what they may do.
    pub fn for_viewer(status: &Status, viewer: i64) -> PostView {
        let mut post = PostView::new(status);
        let shown = status.reblog.as_deref().unwrap_or(status);
        let own = shown.account.id == viewer.to_string();
        post.actions = Some(PostActions {
            favourited: shown.favourited.unwrap_or(false),
            reblogged: shown.reblogged.unwrap_or(false),
            bookmarked: shown.bookmarked.unwrap_or(false),
            own,
            can_boost: matches!(shown.visibility, "public" | "unlisted")
                || (own && shown.visibility == "private"),
        });
        post
    }

    /// Words for the visibility, for the icon's label.
    pub fn visibility_label(&self) -> &'static str {
        match self.visibility {
            "public" => "Public",
            "unlisted" => "Quiet public",
            "private" => "Followers only",
            _ => "Private mention",
        }
    }

    /// A symbol for the visibility (its label goes beside it for screen readers).
    pub fn visibility_icon(&self) -> &'static str {
        match self.visibility {
            "public" => "\u{1F30D}",
            "unlisted" => "\u{1F319}",
            "private" => "\u{1F512}",
            _ => "\u{2709}",
        }
    }

    /// Whether the viewer may vote in its poll.
    pub fn can_vote(&self) -> bool {
        self.actions.as_ref().is_some_and(|a| !a.own)
    }
}

/// The thread page of status `id`.
pub fn thread_path(id: &str) -> String {
    format!("/statuses/{id}")
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
    use super::{plain_text, times, truncate};

    #[test]
    fn times_are_short_and_full() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let at = |t: &str| times(t, now);
        assert_eq!(at("2026-12-07T11:59:30.000Z").0, "now");
        assert_eq!(at("2026-12-07T11:55:00.000Z").0, "5m");
        assert_eq!(at("2026-12-07T09:00:00.000Z").0, "3h");
        assert_eq!(at("2026-12-05T12:00:00.000Z").0, "2d");
        assert_eq!(at("2026-11-01T12:00:00.000Z").0, "Nov 1");
        assert_eq!(at("2025-11-01T12:00:00.000Z").0, "Nov 1, 2025");
        assert_eq!(at("2026-12-07T11:55:00.000Z").1, "2026-12-07 11:55 UTC");
        assert_eq!(at("garbage").0, "garbage");
    }

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
