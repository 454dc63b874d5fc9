//! Entries of `tag`: mentions, hashtags and custom emoji.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::kind::TagKind;
use super::lenient::lenient;
use super::link::ImageRef;
use super::one_or_many::OneOrMany;

/// One entry of an object's or actor's `tag`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    /// Mention, Hashtag, Emoji, or another type kept as its string.
    #[serde(rename = "type", default)]
    pub kind: TagKind,
    /// The tag's id (emoji have one).
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// For a Mention the actor's id; for a Hashtag its page.
    #[serde(default, deserialize_with = "lenient")]
    pub href: Option<String>,
    /// `@user@host`, `#tag` or `:shortcode:`.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// An emoji's image.
    #[serde(default)]
    pub icon: OneOrMany<ImageRef>,
    /// When an emoji last changed.
    #[serde(default, deserialize_with = "lenient")]
    pub updated: Option<DateTime<Utc>>,
}

impl Tag {
    /// A Mention's target actor id.
    pub fn mention_href(&self) -> Option<&str> {
        match self.kind {
            TagKind::Mention => self.href.as_deref().or(self.id.as_deref()),
            _ => None,
        }
    }

    /// A Hashtag's name without the leading `#`.
    pub fn hashtag(&self) -> Option<&str> {
        match self.kind {
            TagKind::Hashtag => self.name.as_deref().map(|n| n.trim_start_matches('#')),
            _ => None,
        }
    }

    /// An Emoji's shortcode without the surrounding colons.
    pub fn emoji_shortcode(&self) -> Option<&str> {
        match self.kind {
            TagKind::Emoji => self.name.as_deref().map(|n| n.trim_matches(':')),
            _ => None,
        }
    }

    /// An Emoji's image URL.
    pub fn icon_url(&self) -> Option<&str> {
        self.icon.best_href()
    }
}
