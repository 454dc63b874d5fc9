//! [`Actor`]: a Person, Service, Application, Group or Organization as remote
//! servers describe it.
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::attachment::Attachment;
use super::id_or_object::HasId;
use super::kind::ActorKind;
use super::lenient::{id, ids, lenient};
use super::link::{ImageRef, UrlOrLink};
use super::one_or_many::OneOrMany;
use super::tag::Tag;

/// An actor document. Only `id` is required; everything else may be
/// missing or malformed and then reads as absent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// The actor's id (its URI).
    pub id: String,
    /// Person, Service, Application, Group, Organization, or another type.
    #[serde(rename = "type", default)]
    pub kind: ActorKind,
    /// The username part of `@username@host`.
    #[serde(default, deserialize_with = "lenient")]
    pub preferred_username: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Bio (HTML).
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    /// Profile page(s): a string, a Link, or several.
    #[serde(default)]
    pub url: OneOrMany<UrlOrLink>,
    /// Inbox URL.
    #[serde(default, deserialize_with = "id")]
    pub inbox: Option<String>,
    /// Outbox URL.
    #[serde(default, deserialize_with = "id")]
    pub outbox: Option<String>,
    /// Followers collection URL.
    #[serde(default, deserialize_with = "id")]
    pub followers: Option<String>,
    /// Following collection URL.
    #[serde(default, deserialize_with = "id")]
    pub following: Option<String>,
    /// Pinned posts collection URL.
    #[serde(default, deserialize_with = "id")]
    pub featured: Option<String>,
    /// Featured hashtags collection URL.
    #[serde(default, deserialize_with = "id")]
    pub featured_tags: Option<String>,
    /// Other endpoints, among them the shared inbox.
    #[serde(default, deserialize_with = "lenient")]
    pub endpoints: Option<Endpoints>,
    /// The shared inbox as Misskey also sends it, outside `endpoints`.
    #[serde(default, deserialize_with = "id")]
    pub shared_inbox: Option<String>,
    /// Public key(s); see [`Actor::public_key`] and [`Actor::main_key`].
    #[serde(default)]
    pub public_key: OneOrMany<PublicKey>,
    /// Avatar(s).
    #[serde(default)]
    pub icon: OneOrMany<ImageRef>,
    /// Header image(s).
    #[serde(default)]
    pub image: OneOrMany<ImageRef>,
    /// Whether follows need approval (a locked account).
    #[serde(default, deserialize_with = "lenient")]
    pub manually_approves_followers: Option<bool>,
    /// Whether the account may be featured in directories.
    #[serde(default, deserialize_with = "lenient")]
    pub discoverable: Option<bool>,
    /// Whether public posts may be indexed for search.
    #[serde(default, deserialize_with = "lenient")]
    pub indexable: Option<bool>,
    /// Whether the account is a memorial.
    #[serde(default, deserialize_with = "lenient")]
    pub memorial: Option<bool>,
    /// Whether the account is suspended on its server.
    #[serde(default, deserialize_with = "lenient")]
    pub suspended: Option<bool>,
    /// Profile fields (`PropertyValue`) and other attachments.
    #[serde(default)]
    pub attachment: OneOrMany<Attachment>,
    /// Custom emoji (and hashtags) used in the name and bio.
    #[serde(default)]
    pub tag: OneOrMany<Tag>,
    /// When the account was created.
    #[serde(default, deserialize_with = "lenient")]
    pub published: Option<DateTime<Utc>>,
    /// When the profile last changed.
    #[serde(default, deserialize_with = "lenient")]
    pub updated: Option<DateTime<Utc>>,
    /// Other ids of the same person (aliases for migration).
    #[serde(default, deserialize_with = "ids")]
    pub also_known_as: OneOrMany<String>,
    /// The account this one moved to.
    #[serde(default, deserialize_with = "id")]
    pub moved_to: Option<String>,
}

/// The `endpoints` object of an actor.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The server's shared inbox.
    #[serde(default, deserialize_with = "id")]
    pub shared_inbox: Option<String>,
}

/// A public key of an actor (`publicKey`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    /// The key's id, the `keyId` of HTTP signatures (`…#main-key`).
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The actor owning the key.
    #[serde(default, deserialize_with = "id")]
    pub owner: Option<String>,
    /// The key in PEM.
    #[serde(default, deserialize_with = "lenient")]
    pub public_key_pem: Option<String>,
}

impl Actor {
    /// The key whose id is `key_id` (the `keyId` a signature names), if it
    /// has a PEM.
    pub fn public_key(&self, key_id: &str) -> Option<&PublicKey> {
        self.public_key
            .iter()
            .find(|key| key.id.as_deref() == Some(key_id) && key.public_key_pem.is_some())
    }

    /// The actor's own key: the first with a PEM owned by this actor (or
    /// naming no owner), else the first with a PEM.
    pub fn main_key(&self) -> Option<&PublicKey> {
        let with_pem = || {
            self.public_key
                .iter()
                .filter(|k| k.public_key_pem.is_some())
        };
        with_pem()
            .find(|key| key.owner.as_deref().is_none_or(|owner| owner == self.id))
            .or_else(|| with_pem().next())
    }

    /// The shared inbox, from `endpoints` or else Misskey's top-level field.
    pub fn shared_inbox(&self) -> Option<&str> {
        self.endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_deref())
            .or(self.shared_inbox.as_deref())
    }

    /// The profile page: the first plain or `text/html` URL.
    pub fn profile_url(&self) -> Option<&str> {
        self.url.href()
    }

    /// The avatar's URL (the widest when several sizes are given).
    pub fn avatar_url(&self) -> Option<&str> {
        self.icon.best_href()
    }

    /// The header image's URL (the widest when several sizes are given).
    pub fn header_url(&self) -> Option<&str> {
        self.image.best_href()
    }

    /// Profile fields as `(name, value)` pairs, value in HTML.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attachment.iter().filter_map(Attachment::property)
    }

    /// Custom emoji used in the profile.
    pub fn emojis(&self) -> impl Iterator<Item = &Tag> {
        self.tag.iter().filter(|t| t.emoji_shortcode().is_some())
    }

    /// Whether the actor is automated (Service or Application), Mastodon's
    /// "bot" flag.
    pub fn is_bot(&self) -> bool {
        matches!(self.kind, ActorKind::Service | ActorKind::Application)
    }
}

impl HasId for Actor {
    fn id(&self) -> Option<&str> {
        Some(&self.id)
    }
}
