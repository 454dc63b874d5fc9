//! [`Activity`]: Create, Update, Delete, Follow, Accept, Reject, Undo, Like,
//! Announce, Block, Flag, Move, Add, Remove, EmojiReact and unknown types.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::actor::Actor;
use super::audience::{self, Visibility};
use super::document::Document;
use super::id_or_object::{HasId, IdOrObject};
use super::kind::ActivityKind;
use super::lenient::{id as lenient_id, ids, lenient};
use super::one_or_many::OneOrMany;
use super::tag::Tag;

/// An activity. `id` is required; the rest is optional and lenient.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// The activity's id.
    pub id: String,
    /// The activity's type; unknown types (e.g. `Bite`) are kept as strings.
    #[serde(rename = "type", default)]
    pub kind: ActivityKind,
    /// Who acts, as an id or an embedded actor (normally exactly one).
    #[serde(default)]
    pub actor: OneOrMany<IdOrObject<Actor>>,
    /// What the activity is about: ids or embedded documents (an activity
    /// for Undo/Accept, an object for Create, an actor for Update, a
    /// Tombstone for Delete). Flag sends several.
    #[serde(default)]
    pub object: OneOrMany<IdOrObject<Document>>,
    /// The target (Move's new account, Add/Remove's collection).
    #[serde(default, deserialize_with = "lenient")]
    pub target: Option<IdOrObject<Document>>,
    /// Primary audience.
    #[serde(default, deserialize_with = "ids")]
    pub to: OneOrMany<String>,
    /// Secondary audience.
    #[serde(default, deserialize_with = "ids")]
    pub cc: OneOrMany<String>,
    /// When it happened.
    #[serde(default, deserialize_with = "lenient")]
    pub published: Option<DateTime<Utc>>,
    /// Flag's comment; the emoji of a reaction (EmojiReact, Misskey Like).
    #[serde(default, deserialize_with = "lenient")]
    pub content: Option<String>,
    /// Misskey's reaction on a Like.
    #[serde(rename = "_misskey_reaction", default, deserialize_with = "lenient")]
    pub misskey_reaction: Option<String>,
    /// Custom emoji of a reaction.
    #[serde(default)]
    pub tag: OneOrMany<Tag>,
    /// What a `QuoteRequest` would quote with: the quoting post.
    #[serde(default, deserialize_with = "lenient_id")]
    pub instrument: Option<String>,
    /// What an `Accept` produced: a `QuoteAuthorization`'s id.
    #[serde(default, deserialize_with = "lenient_id")]
    pub result: Option<String>,
}

impl Activity {
    /// The acting actor's id.
    pub fn actor_id(&self) -> Option<&str> {
        self.actor.iter().find_map(IdOrObject::id)
    }

    /// The first object's id, whether sent bare or embedded.
    pub fn object_id(&self) -> Option<&str> {
        self.object.first().and_then(IdOrObject::id)
    }

    /// The ids of all objects (a Flag names the account and its posts).
    pub fn object_ids(&self) -> impl Iterator<Item = &str> {
        self.object.iter().filter_map(IdOrObject::id)
    }

    /// The first object, when it was embedded.
    pub fn embedded_object(&self) -> Option<&Document> {
        self.object.first().and_then(IdOrObject::object)
    }

    /// The target's id.
    pub fn target_id(&self) -> Option<&str> {
        self.target.as_ref().and_then(IdOrObject::id)
    }

    /// A reaction's emoji: `content`, else `_misskey_reaction`.
    pub fn reaction(&self) -> Option<&str> {
        self.content
            .as_deref()
            .or(self.misskey_reaction.as_deref())
            .filter(|r| !r.is_empty())
    }

    /// Mastodon's visibility from the activity's own `to`/`cc` (for an
    /// Announce), given the actor's followers collection.
    pub fn visibility(&self, followers: Option<&str>) -> Visibility {
        audience::visibility(self.to.as_slice(), self.cc.as_slice(), followers)
    }
}

impl HasId for Activity {
    fn id(&self) -> Option<&str> {
        Some(&self.id)
    }
}
