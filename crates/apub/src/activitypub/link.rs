//! URLs as the fediverse sends them: a string, a `Link` object, an `Image`
//! object whose `url` is itself a string or a Link, or arrays of those.
use serde::de::{Deserialize, Deserializer, Error as _};
use serde::Deserialize as DeriveDeserialize;
use serde_json::Value;

use super::lenient::lenient;
use super::one_or_many::OneOrMany;

/// A `Link` object (`{"type": "Link", "href": ..., "mediaType": ...}`).
#[derive(Debug, Clone, Default, PartialEq, DeriveDeserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The `type`, usually `Link`.
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    pub kind: Option<String>,
    /// The target. In a `url` property, objects that carry a string `url`
    /// instead of `href` are read too.
    #[serde(default, deserialize_with = "lenient")]
    pub href: Option<String>,
    /// The target's media type, e.g. `text/html` or `video/mp4`.
    #[serde(default, deserialize_with = "lenient")]
    pub media_type: Option<String>,
    /// Link relations.
    #[serde(default)]
    pub rel: OneOrMany<String>,
    /// A human-readable name.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Width in pixels, for media.
    #[serde(default, deserialize_with = "lenient")]
    pub width: Option<u32>,
    /// Height in pixels, for media.
    #[serde(default, deserialize_with = "lenient")]
    pub height: Option<u32>,
}

/// One value of a `url` property.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlOrLink {
    /// A plain URL string.
    Url(String),
    /// A Link object.
    Link(Link),
}

/// `url` when it is an http(s) URL, the only kind taken from a remote
/// document: `javascript:`, `data:` and the like would be stored and
/// rendered as links.
pub fn web_url(url: &str) -> Option<&str> {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme)?;
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(url)
}

impl UrlOrLink {
    /// The URL, whichever form was sent; `None` unless it is http(s).
    pub fn href(&self) -> Option<&str> {
        match self {
            UrlOrLink::Url(url) => web_url(url),
            UrlOrLink::Link(link) => link.href.as_deref().and_then(web_url),
        }
    }

    /// The media type, when a Link gave one.
    pub fn media_type(&self) -> Option<&str> {
        match self {
            UrlOrLink::Url(_) => None,
            UrlOrLink::Link(link) => link.media_type.as_deref(),
        }
    }
}

impl<'de> Deserialize<'de> for UrlOrLink {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(url) => Ok(UrlOrLink::Url(url)),
            object @ Value::Object(_) => {
                let url = object.get("url").and_then(Value::as_str).map(str::to_owned);
                let mut link = Link::deserialize(object).map_err(D::Error::custom)?;
                link.href = link.href.or(url);
                Ok(UrlOrLink::Link(link))
            }
            _ => Err(D::Error::custom("expected a URL or a Link")),
        }
    }
}

impl OneOrMany<UrlOrLink> {
    /// The URL of a web page: the first plain URL or `text/html` Link, else
    /// the first URL of any kind.
    pub fn href(&self) -> Option<&str> {
        self.iter()
            .find(|u| u.media_type().is_none_or(|m| m.starts_with("text/html")))
            .and_then(UrlOrLink::href)
            .or_else(|| self.iter().find_map(UrlOrLink::href))
    }

    /// The first URL whose Link's media type starts with `prefix` (`video/`).
    pub fn href_with_media_type(&self, prefix: &str) -> Option<&str> {
        self.iter()
            .find(|u| u.media_type().is_some_and(|m| m.starts_with(prefix)))
            .and_then(UrlOrLink::href)
    }
}

/// An `Image` object, as used by `icon`, `image` and emoji tags: the
/// properties of a [`Link`] (type, media type, alt text in `name`, size),
/// with the image itself in `url`.
#[derive(Debug, Clone, Default, PartialEq, DeriveDeserialize)]
pub struct Image {
    /// Type, media type, name, width and height.
    #[serde(flatten)]
    pub link: Link,
    /// Where the image is; may be a string, a Link, or several.
    #[serde(default)]
    pub url: OneOrMany<UrlOrLink>,
}

/// One value of `icon` or `image`: an Image object or a bare URL.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageRef {
    /// A plain URL string.
    Url(String),
    /// An Image object.
    Image(Image),
}

impl ImageRef {
    /// The image's URL (http(s) only).
    pub fn href(&self) -> Option<&str> {
        match self {
            ImageRef::Url(url) => web_url(url),
            ImageRef::Image(image) => image.url.iter().find_map(UrlOrLink::href),
        }
    }

    /// The image's width, when given.
    pub fn width(&self) -> Option<u32> {
        match self {
            ImageRef::Url(_) => None,
            ImageRef::Image(image) => image.link.width,
        }
    }

    /// The image's media type, when given.
    pub fn media_type(&self) -> Option<&str> {
        match self {
            ImageRef::Url(_) => None,
            ImageRef::Image(image) => image
                .link
                .media_type
                .as_deref()
                .or_else(|| image.url.iter().find_map(UrlOrLink::media_type)),
        }
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(url) => Ok(ImageRef::Url(url)),
            object @ Value::Object(_) => Image::deserialize(object)
                .map(ImageRef::Image)
                .map_err(D::Error::custom),
            _ => Err(D::Error::custom("expected a URL or an Image")),
        }
    }
}

impl OneOrMany<ImageRef> {
    /// The URL of the best image: the widest one when sizes are given
    /// (PeerTube sends several), else the first with a URL.
    pub fn best_href(&self) -> Option<&str> {
        self.iter()
            .filter(|image| image.href().is_some())
            .max_by_key(|image| image.width().unwrap_or(0))
            .and_then(ImageRef::href)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn urls_links_and_nested_image_urls() {
        let urls: OneOrMany<UrlOrLink> = serde_json::from_str(
            r#"[{"type":"Link","mediaType":"application/x-mpegURL","href":"https://v/m3u8"},
                {"type":"Link","mediaType":"text/html","href":"https://v/watch"}]"#,
        )
        .unwrap();
        assert_eq!(urls.href(), Some("https://v/watch"));
        assert_eq!(
            urls.href_with_media_type("application/x-mpeg"),
            Some("https://v/m3u8")
        );

        let icons: OneOrMany<ImageRef> = serde_json::from_str(
            r#"[{"type":"Image","url":{"type":"Link","href":"https://i/48.png"},"width":48},
                {"type":"Image","url":"https://i/120.png","width":120}, 5]"#,
        )
        .unwrap();
        assert_eq!(icons.len(), 2);
        assert_eq!(icons.best_href(), Some("https://i/120.png"));

        let icon: OneOrMany<ImageRef> = serde_json::from_str(r#""https://i/a.png""#).unwrap();
        assert_eq!(icon.best_href(), Some("https://i/a.png"));
    }

    #[test]
    fn only_http_urls_are_taken() {
        let urls: OneOrMany<UrlOrLink> = serde_json::from_str(
            r#"[{"type":"Link","mediaType":"text/html","href":"JavaScript:alert(1)"},
                "data:text/html,<script>x</script>", "https://ok/page"]"#,
        )
        .unwrap();
        assert_eq!(urls.href(), Some("https://ok/page"));
        let icon: OneOrMany<ImageRef> = serde_json::from_str(r#""javascript:x""#).unwrap();
        assert_eq!(icon.best_href(), None);
        assert_eq!(web_url("HTTP://a/"), Some("HTTP://a/"));
        assert_eq!(web_url(" https://a/"), None);
        assert_eq!(web_url("httpsx://a/"), None);
        assert_eq!(web_url("no scheme"), None);
    }
}
