//! `Status`, `StatusEdit` and `StatusSource`.
use ferrodon_db::models::{Status as StatusRow, StatusEdit as EditRow, Visibility};
use ferrodon_db::queries::status_views::StatusView;
use serde::Serialize;

use super::account::{self, Account};
use super::application::StatusApplication;
use super::custom_emoji::CustomEmoji;
use super::filter::FilterResult;
use super::media_attachment::MediaAttachment;
use super::poll::Poll;
use super::preview_card::PreviewCard;
use super::quote::Quote;
use super::timestamp;
use crate::quotes::{approval, QuoteApproval};
use crate::{urls, Config};

/// A mention inside a status.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Mention {
    pub id: String,
    pub username: String,
    pub url: String,
    pub acct: String,
}

/// A hashtag inside a status.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Tag {
    pub name: String,
    pub url: String,
}

/// Mastodon's Status entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Status {
    pub id: String,
    pub created_at: String,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub visibility: &'static str,
    pub language: Option<String>,
    pub uri: String,
    pub url: Option<String>,
    pub replies_count: i32,
    pub reblogs_count: i32,
    pub favourites_count: i32,
    pub quotes_count: i32,
    pub edited_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favourited: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reblogged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookmarked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub filtered: Vec<FilterResult>,
    pub reblog: Option<Box<Status>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<StatusApplication>,
    pub account: Account,
    pub media_attachments: Vec<MediaAttachment>,
    pub mentions: Vec<Mention>,
    pub tags: Vec<Tag>,
    pub emojis: Vec<CustomEmoji>,
    pub card: Option<PreviewCard>,
    pub poll: Option<Poll>,
    pub quote: Option<Quote>,
    pub quote_approval: QuoteApproval,
}

/// Renders a status view. `viewer` is the signed-in account (None: signed out);
/// `reblog` is the rendered original when the view is a reblog;
/// `follows_author` says whether the viewer follows the status's author
/// (for `quote_approval`). `quote` is filled in by the caller.
pub(crate) fn render(
    config: &Config,
    view: &StatusView,
    viewer: Option<i64>,
    reblog: Option<Status>,
    follows_author: bool,
) -> Status {
    let row = &view.status;
    let own = viewer == Some(row.account_id);
    let signed_in = viewer.is_some();
    let flag = |b: bool| signed_in.then_some(b);
    let quote_approval = match &reblog {
        Some(original) => original.quote_approval.clone(),
        None => approval(row, viewer, follows_author),
    };
    // A reblog wrapper answers for the post it carries, as Mastodon's
    // `favourited?`/`reblogged?`/`bookmarked?` ask of `status.proper`: a
    // client that reads the top level of a boosted post sees the viewer's
    // own boost, favourite and bookmark.
    let (favourited, reblogged, bookmarked) = match &reblog {
        Some(original) => (original.favourited, original.reblogged, original.bookmarked),
        None => (
            flag(view.favourited),
            flag(view.reblogged),
            flag(view.bookmarked),
        ),
    };
    Status {
        id: row.id.to_string(),
        created_at: timestamp(&row.created_at),
        in_reply_to_id: row.in_reply_to_id.map(|i| i.to_string()),
        in_reply_to_account_id: row.in_reply_to_account_id.map(|i| i.to_string()),
        sensitive: row.sensitive,
        spoiler_text: row.spoiler_text.clone(),
        visibility: row.visibility().as_str(),
        language: row.language.clone(),
        uri: row.uri.clone(),
        url: row.url.clone(),
        replies_count: row.replies_count,
        reblogs_count: row.reblogs_count,
        favourites_count: row.favourites_count,
        quotes_count: row.quotes_count,
        edited_at: row.edited_at.as_ref().map(timestamp),
        favourited,
        reblogged,
        muted: flag(false),
        bookmarked,
        pinned: if own && row.reblog_of_id.is_none() {
            Some(view.pinned)
        } else {
            None
        },
        content: row.content.clone(),
        text: None,
        filtered: Vec::new(),
        reblog: reblog.map(Box::new),
        application: match (&view.application, row.local) {
            (Some((name, website)), true) => Some(StatusApplication {
                name: name.clone(),
                website: website.clone(),
            }),
            _ => None,
        },
        account: account::render(config, &view.account),
        media_attachments: Vec::new(),
        mentions: view
            .mentions
            .iter()
            .map(|m| {
                let acct = match &m.domain {
                    None => m.username.clone(),
                    Some(d) => format!("{}@{d}", m.username),
                };
                let url = match (&m.domain, &m.url) {
                    (None, _) => urls::account_url(config, &m.username),
                    (Some(_), Some(u)) => u.clone(),
                    (Some(_), None) => m.uri.clone(),
                };
                Mention {
                    id: m.id.to_string(),
                    username: m.username.clone(),
                    url,
                    acct,
                }
            })
            .collect(),
        tags: view
            .tags
            .iter()
            .map(|t| Tag {
                url: urls::tag_url(config, &t.to_lowercase()),
                name: t.to_lowercase(),
            })
            .collect(),
        emojis: Vec::new(),
        card: None,
        poll: None,
        quote: None,
        quote_approval,
    }
}

/// One revision in `GET /api/v1/statuses/:id/history`.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct StatusEdit {
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: String,
    pub account: Account,
    pub poll: Option<Poll>,
    pub media_attachments: Vec<MediaAttachment>,
    pub emojis: Vec<CustomEmoji>,
}

/// Renders a revision.
pub fn render_edit(
    config: &Config,
    edit: &EditRow,
    author: &ferrodon_db::models::Account,
) -> StatusEdit {
    StatusEdit {
        content: edit.content.clone(),
        spoiler_text: edit.spoiler_text.clone(),
        sensitive: edit.sensitive,
        created_at: timestamp(&edit.created_at),
        account: account::render(config, author),
        poll: None,
        media_attachments: Vec::new(),
        emojis: Vec::new(),
    }
}

/// `GET /api/v1/statuses/:id/source`.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct StatusSource {
    pub id: String,
    pub text: String,
    pub spoiler_text: String,
}

/// Renders a status's source.
pub fn render_source(row: &StatusRow) -> StatusSource {
    StatusSource {
        id: row.id.to_string(),
        text: row.text.clone(),
        spoiler_text: row.spoiler_text.clone(),
    }
}

/// Parses a visibility name from a client, as Mastodon does.
pub fn parse_visibility(name: &str) -> Option<Visibility> {
    Visibility::parse(name)
}
