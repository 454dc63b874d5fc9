//! [`Note`]: a status as this server publishes it (a `Question` when it
//! has a poll), with its attachments, poll options and quote fields.
use std::collections::BTreeMap;

use serde::Serialize;

use super::collection::Collection;
use super::context::Context;
use super::tag::Tag;
use crate::activitypub::ObjectKind;

/// A status. `summary`, `inReplyTo` and `url` are always written (`null`
/// when absent), as Mastodon does; the other optional properties are left
/// out when `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// `@context`, when the note is served on its own.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The status's id.
    pub id: String,
    /// `Note`, or `Question` for a poll.
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// Content warning.
    pub summary: Option<String>,
    /// The status it replies to.
    pub in_reply_to: Option<String>,
    /// When it was posted (RFC 3339).
    pub published: String,
    /// When it was last edited (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Its page.
    pub url: Option<String>,
    /// The author's id.
    pub attributed_to: String,
    /// Primary audience.
    pub to: Vec<String>,
    /// Secondary audience.
    pub cc: Vec<String>,
    /// Whether its media are sensitive.
    pub sensitive: bool,
    /// The HTML content.
    pub content: String,
    /// The content by language (one entry: the status's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_map: Option<BTreeMap<String, String>>,
    /// Media.
    pub attachment: Vec<Attachment>,
    /// Mentions, hashtags and custom emoji.
    pub tag: Vec<Tag>,
    /// The replies collection, with an empty first page.
    pub replies: Collection<String>,
    /// The options of a single-choice poll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<PollOption>>,
    /// The options of a multiple-choice poll.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<PollOption>>,
    /// When the poll ends (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// When the poll ended (RFC 3339), once it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// How many accounts voted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voters_count: Option<i64>,
    /// The quoted status (FEP-044f).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The quoted status, as Fedibird names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_uri: Option<String>,
    /// The quoted status, as Misskey names it.
    #[serde(rename = "_misskey_quote", skip_serializing_if = "Option::is_none")]
    pub misskey_quote: Option<String>,
    /// The quoted author's approval of the quote, once given (FEP-044f).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_authorization: Option<String>,
    /// Who may quote the status (GoToSocial's interaction policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_policy: Option<InteractionPolicy>,
}

impl Note {
    /// Sets the quoted status under all three names servers read.
    pub fn set_quote(&mut self, quoted_uri: &str) {
        self.quote = Some(quoted_uri.to_owned());
        self.quote_uri = Some(quoted_uri.to_owned());
        self.misskey_quote = Some(quoted_uri.to_owned());
    }
}

/// A media attachment (`Document`). `name` and `blurhash` are always
/// written (`null` when absent), as Mastodon does.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "Document", rename_all = "camelCase")]
pub struct Attachment {
    /// Its media type.
    pub media_type: String,
    /// Where the file is.
    pub url: String,
    /// The description (alt text).
    pub name: Option<String>,
    /// Its blurhash.
    pub blurhash: Option<String>,
    /// The focal point, x and y in -1.0..=1.0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focal_point: Option<[f64; 2]>,
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

/// A poll option: a `Note` named after it whose replies count the votes.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "Note")]
pub struct PollOption {
    /// The option's text.
    pub name: String,
    /// `{ "type": "Collection", "totalItems": votes }`.
    pub replies: Collection<String>,
}

/// `interactionPolicy`: for now who may quote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractionPolicy {
    /// Who may quote the status.
    pub can_quote: Approval,
}

/// Who is approved automatically and who manually.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Approval {
    /// Ids (actors, collections, the public collection) approved at once.
    pub automatic_approval: Vec<String>,
    /// Ids whose requests the author decides.
    pub manual_approval: Vec<String>,
}

/// A vote in a remote poll: a `Note` named after the chosen option, in
/// reply to the poll (as Mastodon sends it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename = "Note", rename_all = "camelCase")]
pub struct PollVote {
    /// The vote's id.
    pub id: String,
    /// The chosen option.
    pub name: String,
    /// The voter.
    pub attributed_to: String,
    /// The poll's author.
    pub to: Vec<String>,
    /// The poll.
    pub in_reply_to: String,
}
