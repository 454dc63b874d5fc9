//! Entries of `attachment`: media on posts, links on Lemmy posts, and
//! profile fields (`PropertyValue`) on actors.
use serde::Deserialize;

use super::kind::AttachmentKind;
use super::lenient::lenient;
use super::link::UrlOrLink;
use super::one_or_many::OneOrMany;

/// One entry of `attachment`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Document, Image, Video, Audio, Link, PropertyValue, or another type.
    #[serde(rename = "type", default)]
    pub kind: AttachmentKind,
    /// Where the file is: a string, a Link, or several Links.
    #[serde(default)]
    pub url: OneOrMany<UrlOrLink>,
    /// The target of a `Link` attachment.
    #[serde(default, deserialize_with = "lenient")]
    pub href: Option<String>,
    /// The file's media type.
    #[serde(default, deserialize_with = "lenient")]
    pub media_type: Option<String>,
    /// Alt text; a profile field's label.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Alt text as some servers (older GoToSocial) send it.
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    /// A profile field's value (HTML).
    #[serde(default, deserialize_with = "lenient")]
    pub value: Option<String>,
    /// A blurhash of the image.
    #[serde(default, deserialize_with = "lenient")]
    pub blurhash: Option<String>,
    /// Width in pixels.
    #[serde(default, deserialize_with = "lenient")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, deserialize_with = "lenient")]
    pub height: Option<u32>,
    /// Mastodon's focal point, `[x, y]` in -1.0..=1.0.
    #[serde(default, deserialize_with = "lenient")]
    pub focal_point: Option<[f64; 2]>,
}

impl Attachment {
    /// The file's URL: the Link matching the media type if several are
    /// given, else the first URL, else a Link attachment's `href`; http(s)
    /// URLs only.
    pub fn url(&self) -> Option<&str> {
        let matching = self.media_type.as_deref().and_then(|media| {
            self.url
                .iter()
                .find(|u| u.media_type() == Some(media))
                .and_then(UrlOrLink::href)
        });
        matching
            .or_else(|| self.url.iter().find_map(UrlOrLink::href))
            .or(self.href.as_deref().and_then(super::link::web_url))
    }

    /// The media type, from the attachment or else from its first Link.
    pub fn media_type(&self) -> Option<&str> {
        self.media_type
            .as_deref()
            .or_else(|| self.url.iter().find_map(UrlOrLink::media_type))
    }

    /// The alt text: `name`, else `summary`; empty strings count as none.
    pub fn description(&self) -> Option<&str> {
        [self.name.as_deref(), self.summary.as_deref()]
            .into_iter()
            .flatten()
            .find(|text| !text.trim().is_empty())
    }

    /// A profile field as `(name, value)`, for `PropertyValue` entries.
    pub fn property(&self) -> Option<(&str, &str)> {
        match self.kind {
            AttachmentKind::PropertyValue => Some((self.name.as_deref()?, self.value.as_deref()?)),
            _ => None,
        }
    }
}
