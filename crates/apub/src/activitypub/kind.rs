//! The `type` of a document, read leniently: a string or an array of
//! strings, compacted (`Note`), prefixed (`as:Note`) or a full IRI. Types this
//! crate does not model are kept as their string in an `Other` variant.
use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};

use super::one_or_many::OneOrMany;

/// Namespaces whose prefix is dropped from a type name.
const PREFIXES: &[&str] = &[
    "https://www.w3.org/ns/activitystreams#",
    "http://www.w3.org/ns/activitystreams#",
    "as:",
    "http://joinmastodon.org/ns#",
    "toot:",
    "http://litepub.social/ns#",
    "litepub:",
];

/// A type name without its namespace prefix.
pub fn normalize(name: &str) -> &str {
    PREFIXES
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .unwrap_or(name)
}

/// What every kind enum offers, so that a `type` array can be read once.
pub trait Kind: Sized {
    /// The kind a type name stands for; unknown names become `Other`.
    fn from_name(name: &str) -> Self;
    /// Whether this is one of the modelled kinds (not `Other`).
    fn is_known(&self) -> bool;
}

/// Picks the first known kind among the names, else the first name, else an
/// empty `Other`.
pub fn pick<K: Kind>(names: &[String]) -> K {
    names
        .iter()
        .map(|name| K::from_name(name))
        .find(Kind::is_known)
        .unwrap_or_else(|| K::from_name(names.first().map_or("", String::as_str)))
}

macro_rules! kind_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A type this crate does not model, kept as sent (without a
            /// namespace prefix).
            Other(String),
        }

        impl $name {
            /// The type name as ActivityStreams spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => stringify!($variant),)+
                    $name::Other(name) => name,
                }
            }
        }

        impl Kind for $name {
            fn from_name(name: &str) -> Self {
                match normalize(name) {
                    $(stringify!($variant) => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }

            fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Written as its type name, as [`as_str`](Self::as_str) spells it.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let names = OneOrMany::<String>::deserialize(deserializer)?;
                Ok(pick(names.as_slice()))
            }
        }
    };
}

kind_enum! {
    /// The type of an actor.
    ActorKind {
        /// A person.
        Person,
        /// A bot or automated account.
        Service,
        /// An application, e.g. an instance actor.
        Application,
        /// A group (Lemmy community, PeerTube channel, Friendica forum).
        Group,
        /// An organization.
        Organization,
    }
}

kind_enum! {
    /// The type of a content object.
    ObjectKind {
        /// A short post (a status).
        Note,
        /// A poll.
        Question,
        /// A long-form post with a title.
        Article,
        /// A web page or a Lemmy post.
        Page,
        /// An image post.
        Image,
        /// A video (PeerTube).
        Video,
        /// An audio post (Funkwhale).
        Audio,
        /// A generic document.
        Document,
        /// An event (Mobilizon, Friendica).
        Event,
    }
}

kind_enum! {
    /// The type of an activity.
    ActivityKind {
        /// Creation of an object.
        Create,
        /// Change of an object or actor.
        Update,
        /// Deletion of an object or actor.
        Delete,
        /// Follow request.
        Follow,
        /// Acceptance (of a Follow).
        Accept,
        /// Refusal (of a Follow).
        Reject,
        /// Undoing a previous activity.
        Undo,
        /// Favourite (Misskey: a reaction, with `content`).
        Like,
        /// Downvote (Lemmy).
        Dislike,
        /// Boost, or a group relaying an activity.
        Announce,
        /// Block.
        Block,
        /// Report, with the comment in `content`.
        Flag,
        /// Account migration.
        Move,
        /// Adding to a collection (pins, moderators).
        Add,
        /// Removing from a collection.
        Remove,
        /// Emoji reaction (Pleroma/Akkoma).
        EmojiReact,
        /// Asking a post's author to approve a quote of it (FEP-044f).
        QuoteRequest,
    }
}

kind_enum! {
    /// The type of a collection.
    CollectionKind {
        /// An unordered collection.
        Collection,
        /// An ordered collection (outboxes, followers).
        OrderedCollection,
        /// One page of a collection.
        CollectionPage,
        /// One page of an ordered collection.
        OrderedCollectionPage,
    }
}

kind_enum! {
    /// The type of an entry of `tag`.
    TagKind {
        /// A mentioned actor (`href` is its id).
        Mention,
        /// A hashtag (`name` is `#tag`).
        Hashtag,
        /// A custom emoji (`name` is `:shortcode:`, `icon` its image).
        Emoji,
    }
}

kind_enum! {
    /// The type of an entry of `attachment`.
    AttachmentKind {
        /// A media file of any type (Mastodon's usual choice).
        Document,
        /// An image.
        Image,
        /// A video.
        Video,
        /// An audio file.
        Audio,
        /// A link (Lemmy posts).
        Link,
        /// A profile field (`name` and `value`).
        PropertyValue,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_strings_arrays_prefixes_and_unknowns() {
        let k: ObjectKind = serde_json::from_str(r#""Note""#).unwrap();
        assert_eq!(k, ObjectKind::Note);
        let k: ObjectKind = serde_json::from_str(r#"["ChatMessage","as:Note"]"#).unwrap();
        assert_eq!(k, ObjectKind::Note);
        let k: ActivityKind =
            serde_json::from_str(r#""https://www.w3.org/ns/activitystreams#Create""#).unwrap();
        assert_eq!(k, ActivityKind::Create);
        let k: ActivityKind = serde_json::from_str(r#""Bite""#).unwrap();
        assert_eq!(k, ActivityKind::Other("Bite".into()));
        assert_eq!(k.to_string(), "Bite");
        let k: TagKind = serde_json::from_str("null").unwrap();
        assert_eq!(k, TagKind::Other(String::new()));
    }
}
