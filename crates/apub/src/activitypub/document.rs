//! [`Document`]: any ActivityPub document, classified by its `type`.
use serde::de::{Deserialize, Deserializer, Error as _};
use serde_json::Value;

use super::activity::Activity;
use super::actor::Actor;
use super::collection::Collection;
use super::id_or_object::HasId;
use super::kind::{self, ActivityKind, ActorKind, CollectionKind, Kind, ObjectKind};
use super::object::Object;
use super::one_or_many::OneOrMany;
use super::parse::ParseError;
use super::tombstone::Tombstone;

/// A parsed document, top-level or embedded (the `object` of an activity,
/// the items of a collection).
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// An activity.
    Activity(Box<Activity>),
    /// An actor.
    Actor(Box<Actor>),
    /// A content object (Note, Question, Page, …).
    Object(Box<Object>),
    /// A collection or collection page.
    Collection(Box<Collection>),
    /// A deleted object.
    Tombstone(Tombstone),
    /// A document of a type this crate does not model, as received.
    Other(Value),
}

/// Which variant of [`Document`] a JSON object belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentClass {
    /// [`Document::Activity`].
    Activity,
    /// [`Document::Actor`].
    Actor,
    /// [`Document::Object`].
    Object,
    /// [`Document::Collection`].
    Collection,
    /// [`Document::Tombstone`].
    Tombstone,
    /// [`Document::Other`].
    Other,
}

impl DocumentClass {
    /// Classifies a JSON object by its `type` names: the first name that is
    /// a known activity, actor, collection, object or `Tombstone` type
    /// decides. Unknown types are guessed from the properties: `actor` makes
    /// an activity, `inbox` an actor, `attributedTo` or `content` an object.
    pub fn of(value: &Value) -> DocumentClass {
        let names: OneOrMany<String> =
            OneOrMany::from_value(value.get("type").cloned().unwrap_or(Value::Null));
        names
            .iter()
            .find_map(|name| DocumentClass::of_type(name))
            .unwrap_or_else(|| DocumentClass::guess(value))
    }

    fn of_type(name: &str) -> Option<DocumentClass> {
        if ActivityKind::from_name(name).is_known() {
            Some(DocumentClass::Activity)
        } else if ActorKind::from_name(name).is_known() {
            Some(DocumentClass::Actor)
        } else if CollectionKind::from_name(name).is_known() {
            Some(DocumentClass::Collection)
        } else if ObjectKind::from_name(name).is_known() {
            Some(DocumentClass::Object)
        } else if kind::normalize(name) == "Tombstone" {
            Some(DocumentClass::Tombstone)
        } else {
            None
        }
    }

    fn guess(value: &Value) -> DocumentClass {
        let has = |key: &str| value.get(key).is_some_and(|v| !v.is_null());
        if has("actor") {
            DocumentClass::Activity
        } else if has("inbox") {
            DocumentClass::Actor
        } else if has("attributedTo") || has("content") {
            DocumentClass::Object
        } else {
            DocumentClass::Other
        }
    }

    /// The class's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            DocumentClass::Activity => "activity",
            DocumentClass::Actor => "actor",
            DocumentClass::Object => "object",
            DocumentClass::Collection => "collection",
            DocumentClass::Tombstone => "tombstone",
            DocumentClass::Other => "document",
        }
    }
}

impl Document {
    /// Reads a JSON value. It must be an object; it is classified with
    /// [`DocumentClass::of`] and must then fit that class (an activity or an
    /// actor needs a string `id`).
    pub fn from_value(value: Value) -> Result<Document, ParseError> {
        if !value.is_object() {
            return Err(ParseError::NotAnObject);
        }
        let class = DocumentClass::of(&value);
        let invalid = |source| ParseError::Invalid {
            kind: class.name(),
            source,
        };
        Ok(match class {
            DocumentClass::Activity => {
                Document::Activity(Box::new(Activity::deserialize(value).map_err(invalid)?))
            }
            DocumentClass::Actor => {
                Document::Actor(Box::new(Actor::deserialize(value).map_err(invalid)?))
            }
            DocumentClass::Object => {
                Document::Object(Box::new(Object::deserialize(value).map_err(invalid)?))
            }
            DocumentClass::Collection => {
                Document::Collection(Box::new(Collection::deserialize(value).map_err(invalid)?))
            }
            DocumentClass::Tombstone => {
                Document::Tombstone(Tombstone::deserialize(value).map_err(invalid)?)
            }
            DocumentClass::Other => Document::Other(value),
        })
    }

    /// The class of this document.
    pub fn class(&self) -> DocumentClass {
        match self {
            Document::Activity(_) => DocumentClass::Activity,
            Document::Actor(_) => DocumentClass::Actor,
            Document::Object(_) => DocumentClass::Object,
            Document::Collection(_) => DocumentClass::Collection,
            Document::Tombstone(_) => DocumentClass::Tombstone,
            Document::Other(_) => DocumentClass::Other,
        }
    }

    /// The activity, if this is one.
    pub fn as_activity(&self) -> Option<&Activity> {
        match self {
            Document::Activity(activity) => Some(activity),
            _ => None,
        }
    }

    /// The actor, if this is one.
    pub fn as_actor(&self) -> Option<&Actor> {
        match self {
            Document::Actor(actor) => Some(actor),
            _ => None,
        }
    }

    /// The content object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Document::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The collection, if this is one.
    pub fn as_collection(&self) -> Option<&Collection> {
        match self {
            Document::Collection(collection) => Some(collection),
            _ => None,
        }
    }

    /// The tombstone, if this is one.
    pub fn as_tombstone(&self) -> Option<&Tombstone> {
        match self {
            Document::Tombstone(tombstone) => Some(tombstone),
            _ => None,
        }
    }
}

impl HasId for Document {
    fn id(&self) -> Option<&str> {
        match self {
            Document::Activity(activity) => activity.id(),
            Document::Actor(actor) => actor.id(),
            Document::Object(object) => object.id(),
            Document::Collection(collection) => collection.id(),
            Document::Tombstone(tombstone) => tombstone.id(),
            Document::Other(value) => value.get("id").and_then(Value::as_str),
        }
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Document::from_value(value).map_err(D::Error::custom)
    }
}
