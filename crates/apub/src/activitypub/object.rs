//! [`Object`]: posts and other content — Note, Question, Article, Page,
//! Image, Video, Audio, Event and unknown types.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::actor::Actor;
use super::attachment::Attachment;
use super::audience::{self, Visibility};
use super::collection::Collection;
use super::id_or_object::{HasId, IdOrObject};
use super::kind::{ActorKind, ObjectKind};
use super::language_map::LanguageMap;
use super::lenient::{id, ids, lenient, or_default};
use super::link::UrlOrLink;
use super::one_or_many::OneOrMany;
use super::tag::Tag;

/// A content object. Every field is optional: a poll option or an object
/// embedded in an activity may carry little more than a name or an id.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    /// The object's id.
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// Note, Question, Article, Page, Image, Video, …, or another type.
    #[serde(rename = "type", default)]
    pub kind: ObjectKind,
    /// The author(s); Lemmy and PeerTube send a Person and a Group.
    #[serde(default)]
    pub attributed_to: OneOrMany<IdOrObject<Actor>>,
    /// The body, usually HTML (see `media_type`). Sanitise before use.
    #[serde(default, deserialize_with = "lenient")]
    pub content: Option<String>,
    /// The body per language.
    #[serde(default, deserialize_with = "or_default")]
    pub content_map: LanguageMap,
    /// The media type of `content` (`text/html`, PeerTube `text/markdown`).
    #[serde(default, deserialize_with = "lenient")]
    pub media_type: Option<String>,
    /// The source the author typed (Markdown, MFM).
    #[serde(default, deserialize_with = "lenient")]
    pub source: Option<Source>,
    /// Misskey's MFM source.
    #[serde(rename = "_misskey_content", default, deserialize_with = "lenient")]
    pub misskey_content: Option<String>,
    /// A title (Article, Page, Video) or a poll option's text.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// The content warning (Mastodon's spoiler text).
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    /// Whether media (or everything, with a summary) is sensitive.
    #[serde(default, deserialize_with = "lenient")]
    pub sensitive: Option<bool>,
    /// The id of the object this replies to.
    #[serde(default, deserialize_with = "id")]
    pub in_reply_to: Option<String>,
    /// When it was published.
    #[serde(default, deserialize_with = "lenient")]
    pub published: Option<DateTime<Utc>>,
    /// When it was last edited.
    #[serde(default, deserialize_with = "lenient")]
    pub updated: Option<DateTime<Utc>>,
    /// Web page(s) of the object.
    #[serde(default)]
    pub url: OneOrMany<UrlOrLink>,
    /// Primary audience.
    #[serde(default, deserialize_with = "ids")]
    pub to: OneOrMany<String>,
    /// Secondary audience.
    #[serde(default, deserialize_with = "ids")]
    pub cc: OneOrMany<String>,
    /// Lemmy's community.
    #[serde(default, deserialize_with = "ids")]
    pub audience: OneOrMany<String>,
    /// Mentions, hashtags, custom emoji.
    #[serde(default)]
    pub tag: OneOrMany<Tag>,
    /// Media and links.
    #[serde(default)]
    pub attachment: OneOrMany<Attachment>,
    /// The replies collection.
    #[serde(default, deserialize_with = "lenient")]
    pub replies: Option<IdOrObject<Collection>>,
    /// FEP-044f quote.
    #[serde(default, deserialize_with = "id")]
    pub quote: Option<String>,
    /// Quote as Misskey-family and Akkoma servers send it.
    #[serde(default, deserialize_with = "id")]
    pub quote_url: Option<String>,
    /// Quote as Fedibird sends it.
    #[serde(default, deserialize_with = "id")]
    pub quote_uri: Option<String>,
    /// Misskey's quote.
    #[serde(rename = "_misskey_quote", default, deserialize_with = "id")]
    pub misskey_quote: Option<String>,
    /// The id of the quoted author's approval of the quote (FEP-044f
    /// `QuoteAuthorization`).
    #[serde(default, deserialize_with = "id")]
    pub quote_authorization: Option<String>,
    /// Who may interact with the object (GoToSocial's and Mastodon's
    /// `interactionPolicy`; only `canQuote` is read).
    #[serde(default, deserialize_with = "lenient")]
    pub interaction_policy: Option<InteractionPolicy>,
    /// Options of a single-choice poll.
    #[serde(default)]
    pub one_of: OneOrMany<PollOption>,
    /// Options of a multiple-choice poll.
    #[serde(default)]
    pub any_of: OneOrMany<PollOption>,
    /// When a poll ends.
    #[serde(default, deserialize_with = "lenient")]
    pub end_time: Option<DateTime<Utc>>,
    /// When a poll closed (or `true` from servers that send a flag).
    #[serde(default, deserialize_with = "lenient")]
    pub closed: Option<Closed>,
    /// How many accounts voted in a poll.
    #[serde(default, deserialize_with = "lenient")]
    pub voters_count: Option<u64>,
    /// OStatus conversation id (Mastodon) or context (Pleroma).
    #[serde(default, deserialize_with = "id")]
    pub conversation: Option<String>,
    /// The thread's context (Pleroma, Lemmy).
    #[serde(default, deserialize_with = "id")]
    pub context: Option<String>,
}

/// The `source` of an object: what the author typed. Pleroma sends it as a
/// plain string, which reads as `content` without a media type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// The source text.
    pub content: Option<String>,
    /// Its media type, e.g. `text/markdown` or `text/x.misskeymarkdown`.
    pub media_type: Option<String>,
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            #[serde(default, deserialize_with = "lenient")]
            content: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            media_type: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Object(Fields),
        }
        Ok(match Form::deserialize(deserializer)? {
            Form::Text(text) => Source {
                content: Some(text),
                media_type: None,
            },
            Form::Object(fields) => Source {
                content: fields.content,
                media_type: fields.media_type,
            },
        })
    }
}

/// One option of a poll.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollOption {
    /// The option's text.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// The votes, as a collection whose `totalItems` is the count.
    #[serde(default, deserialize_with = "lenient")]
    pub replies: Option<Collection>,
}

impl PollOption {
    /// How many votes the option has.
    pub fn votes(&self) -> u64 {
        self.replies
            .as_ref()
            .and_then(|r| r.total_items)
            .unwrap_or(0)
    }
}

/// A poll's `closed`: a time, or a flag from servers that send one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Closed {
    /// Closed at this time.
    At(DateTime<Utc>),
    /// Closed (or not) without a time.
    Flag(bool),
}

impl Object {
    /// The author: the first Person-like attribution (not a Group), else
    /// the first attribution of any kind.
    pub fn attributed_to_id(&self) -> Option<&str> {
        let person_like = |a: &&IdOrObject<Actor>| match a {
            IdOrObject::Id(_) => true,
            IdOrObject::Object(actor) => !matches!(actor.kind, ActorKind::Group),
        };
        self.attributed_to
            .iter()
            .find(person_like)
            .or_else(|| self.attributed_to.first())
            .and_then(IdOrObject::id)
    }

    /// The body for `language` when the object has a `contentMap` entry for
    /// it, else `content`, else the first `contentMap` entry.
    pub fn content_for(&self, language: Option<&str>) -> Option<&str> {
        language
            .and_then(|lang| self.content_map.get(lang))
            .or(self.content.as_deref())
            .or_else(|| self.content_map.first().map(|(_, text)| text))
    }

    /// The body's language: the `contentMap` tag whose text is `content`,
    /// else the first `contentMap` tag.
    pub fn language(&self) -> Option<&str> {
        self.content
            .as_deref()
            .and_then(|content| self.content_map.language_of(content))
            .or_else(|| self.content_map.first().map(|(lang, _)| lang))
    }

    /// The source text: `source.content`, else Misskey's `_misskey_content`.
    pub fn source_text(&self) -> Option<&str> {
        self.source
            .as_ref()
            .and_then(|s| s.content.as_deref())
            .or(self.misskey_content.as_deref())
    }

    /// The quoted object's id, from `quote`, `quoteUrl`, `quoteUri` or
    /// `_misskey_quote`, in that order.
    pub fn quote_id(&self) -> Option<&str> {
        [
            &self.quote,
            &self.quote_url,
            &self.quote_uri,
            &self.misskey_quote,
        ]
        .into_iter()
        .find_map(|q| q.as_deref())
    }

    /// The web page: the first plain or `text/html` URL.
    pub fn url_href(&self) -> Option<&str> {
        self.url.href()
    }

    /// The content warning, if non-empty.
    pub fn content_warning(&self) -> Option<&str> {
        self.summary.as_deref().filter(|s| !s.trim().is_empty())
    }

    /// Ids of mentioned actors, without duplicates.
    pub fn mentioned_ids(&self) -> Vec<&str> {
        audience::mentioned_ids(self.tag.as_slice())
    }

    /// Hashtag names, without the `#`.
    pub fn hashtags(&self) -> impl Iterator<Item = &str> {
        self.tag.iter().filter_map(Tag::hashtag)
    }

    /// Custom emoji tags.
    pub fn emojis(&self) -> impl Iterator<Item = &Tag> {
        self.tag.iter().filter(|t| t.emoji_shortcode().is_some())
    }

    /// The poll's options and whether several may be chosen, if this is a
    /// poll.
    pub fn poll_options(&self) -> Option<(&[PollOption], bool)> {
        if !self.any_of.is_empty() {
            Some((self.any_of.as_slice(), true))
        } else if !self.one_of.is_empty() {
            Some((self.one_of.as_slice(), false))
        } else {
            None
        }
    }

    /// Mastodon's visibility from `to`/`cc`, given the author's followers
    /// collection (see [`audience::visibility`]).
    pub fn visibility(&self, followers: Option<&str>) -> Visibility {
        audience::visibility(self.to.as_slice(), self.cc.as_slice(), followers)
    }
}

impl HasId for Object {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// `interactionPolicy` of an object: who may quote it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionPolicy {
    /// Who may quote the object.
    #[serde(default, deserialize_with = "lenient")]
    pub can_quote: Option<Approval>,
}

/// Who is approved automatically and who may ask, as ids (actors,
/// collections, the public collection).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Approval {
    /// Approved at once.
    #[serde(default, deserialize_with = "ids")]
    pub automatic_approval: OneOrMany<String>,
    /// May ask for approval.
    #[serde(default, deserialize_with = "ids")]
    pub manual_approval: OneOrMany<String>,
}
