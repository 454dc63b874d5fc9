//! Mastodon's PreviewCard entity (`REST::PreviewCardSerializer`).
use serde::Serialize;

use super::tag::HistoryDay;

/// A link preview card. The image is the page's own (not proxied); the
/// embed fields are always empty, as no oEmbed is fetched.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct PreviewCard {
    pub url: String,
    pub title: String,
    pub description: String,
    pub language: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub author_name: String,
    pub author_url: String,
    pub provider_name: String,
    pub provider_url: String,
    pub html: String,
    pub width: i32,
    pub height: i32,
    pub image: Option<String>,
    pub image_description: String,
    pub embed_url: String,
    pub blurhash: Option<String>,
    pub published_at: Option<String>,
    pub authors: Vec<PreviewCardAuthor>,
}

/// Mastodon's Trends::Link: a card with a week of `history`; the admin
/// API's trends also name the card's `id`.
#[derive(Debug, Clone, Serialize)]
pub struct TrendsLink {
    /// The card's id (admin API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The card.
    #[serde(flatten)]
    pub card: PreviewCard,
    /// Shares per day, newest first.
    pub history: Vec<HistoryDay>,
}

/// Mastodon's PreviewCardAuthor (`fediverse:creator`); none are recorded yet.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct PreviewCardAuthor {
    pub name: String,
    pub url: String,
}
