//! [`Activity`]: what this server delivers (Create, Update, Delete,
//! Announce, Like, Follow, Accept, Reject, Undo, Block, Move, Add, Remove),
//! and the [`Tombstone`] a `Delete` carries.
use serde::Serialize;

use super::actor::Actor;
use super::context::Context;
use super::object::{Note, PollVote};
use crate::activitypub::ActivityKind;

/// An activity. Optional properties are left out when `None`; an activity
/// embedded as another's object (the `Follow` an `Accept` answers, the
/// `Announce` an `Undo` takes back) has no `@context` and may have no
/// object.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// `@context`; absent when embedded.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The activity's id.
    pub id: String,
    /// What it does.
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    /// Who does it.
    pub actor: String,
    /// When (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Primary audience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Vec<String>>,
    /// Secondary audience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cc: Option<Vec<String>>,
    /// What it acts on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ActivityObject>,
    /// The collection or account it acts towards (`Add`, `Remove`, `Move`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The quoting post a `QuoteRequest` asks approval for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The `QuoteAuthorization` an `Accept` of a `QuoteRequest` grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

impl Activity {
    /// An activity of `kind` by `actor` on `object`, with the plain
    /// ActivityStreams context and no audience.
    pub fn new(
        kind: ActivityKind,
        id: impl Into<String>,
        actor: impl Into<String>,
        object: impl Into<ActivityObject>,
    ) -> Self {
        Activity {
            context: Some(Context::ActivityStreams),
            id: id.into(),
            kind,
            actor: actor.into(),
            object: Some(object.into()),
            ..Activity::default()
        }
    }

    /// The `Undo` of this activity by `actor`, whose id is this one's with
    /// `/undo` appended; the undone activity is embedded as it was sent.
    pub fn undo(self, actor: impl Into<String>) -> Activity {
        let id = format!("{}/undo", self.id);
        Activity::new(ActivityKind::Undo, id, actor, self)
    }

    /// This activity embedded in another: without `@context`.
    pub fn embedded(self) -> Activity {
        Activity {
            context: None,
            ..self
        }
    }
}

/// The `object` of an activity: an id or an embedded document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ActivityObject {
    /// The object's id.
    Id(String),
    /// A status.
    Note(Box<Note>),
    /// A vote in a poll.
    Vote(Box<PollVote>),
    /// An actor (its `Update`).
    Actor(Box<Actor>),
    /// An activity (`Undo`, `Accept`, `Reject`).
    Activity(Box<Activity>),
    /// What a `Delete` leaves.
    Tombstone(Tombstone),
    /// An approval of a quote (its `Delete` revokes it).
    QuoteAuthorization(Box<QuoteAuthorization>),
}

impl From<QuoteAuthorization> for ActivityObject {
    fn from(authorization: QuoteAuthorization) -> Self {
        ActivityObject::QuoteAuthorization(Box::new(authorization))
    }
}

/// A quoted author's approval of one quote of one of their posts
/// (FEP-044f), served at its id for anyone to check the quote with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename = "QuoteAuthorization", rename_all = "camelCase")]
pub struct QuoteAuthorization {
    /// `@context`, when served on its own.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Its id.
    pub id: String,
    /// The quoted post's author, who approves.
    pub attributed_to: String,
    /// The quoting post.
    pub interacting_object: String,
    /// The quoted post.
    pub interaction_target: String,
}

impl From<String> for ActivityObject {
    fn from(id: String) -> Self {
        ActivityObject::Id(id)
    }
}

impl From<&str> for ActivityObject {
    fn from(id: &str) -> Self {
        ActivityObject::Id(id.to_owned())
    }
}

impl From<&String> for ActivityObject {
    fn from(id: &String) -> Self {
        ActivityObject::Id(id.clone())
    }
}

impl From<Note> for ActivityObject {
    fn from(note: Note) -> Self {
        ActivityObject::Note(Box::new(note))
    }
}

impl From<PollVote> for ActivityObject {
    fn from(vote: PollVote) -> Self {
        ActivityObject::Vote(Box::new(vote))
    }
}

impl From<Actor> for ActivityObject {
    fn from(actor: Actor) -> Self {
        ActivityObject::Actor(Box::new(actor))
    }
}

impl From<Activity> for ActivityObject {
    fn from(activity: Activity) -> Self {
        ActivityObject::Activity(Box::new(activity))
    }
}

impl From<Tombstone> for ActivityObject {
    fn from(tombstone: Tombstone) -> Self {
        ActivityObject::Tombstone(tombstone)
    }
}

/// A deleted object, inside a `Delete`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename = "Tombstone")]
pub struct Tombstone {
    /// The deleted object's id.
    pub id: String,
}
