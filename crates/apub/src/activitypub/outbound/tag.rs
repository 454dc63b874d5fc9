//! [`Tag`] entries (mentions, hashtags, custom emoji) and [`Image`]s.
use serde::Serialize;

/// An image (avatar, header, emoji).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "Image", rename_all = "camelCase")]
pub struct Image {
    /// Its media type, e.g. `image/png`.
    pub media_type: String,
    /// Where it is.
    pub url: String,
}

/// One entry of `tag`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Tag {
    /// A mentioned actor.
    Mention {
        /// The actor's id.
        href: String,
        /// `@user@host` (or `@user` for a local account).
        name: String,
    },
    /// A hashtag.
    Hashtag {
        /// The tag's page.
        href: String,
        /// `#tag`.
        name: String,
    },
    /// A custom emoji.
    Emoji {
        /// The emoji's id.
        id: String,
        /// `:shortcode:`.
        name: String,
        /// When it last changed (RFC 3339).
        updated: String,
        /// Its image.
        icon: Image,
    },
}
