//! Mastodon's CustomEmoji entity (`REST::CustomEmojiSerializer`).
use serde::Serialize;

/// A custom emoji as clients see it, in statuses, accounts, polls and the
/// picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct CustomEmoji {
    pub shortcode: String,
    pub url: String,
    pub static_url: String,
    pub visible_in_picker: bool,
    /// Left out when the emoji has no category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}
