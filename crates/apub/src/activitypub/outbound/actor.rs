//! [`Actor`]: a local account (`Person`, `Service`) or the instance actor
//! (`Application`) as this server publishes it.
use serde::Serialize;

use super::context::Context;
use super::tag::{Image, Tag};
use crate::activitypub::ActorKind;

/// An actor document. Optional properties are left out when `None` (an
/// empty `alsoKnownAs` too), so that the instance actor and the minimal
/// actor of authorized-fetch mode carry only what they need.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// `@context`; absent when embedded in an activity that has one.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The actor's id.
    pub id: String,
    /// `Person`, `Service`, `Application` or `Group`.
    #[serde(rename = "type")]
    pub kind: ActorKind,
    /// Following collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<String>,
    /// Followers collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<String>,
    /// Inbox.
    pub inbox: String,
    /// Outbox.
    pub outbox: String,
    /// Pinned statuses collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featured: Option<String>,
    /// Featured hashtags collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featured_tags: Option<String>,
    /// The username.
    pub preferred_username: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Bio (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Profile page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether follows need approval (a locked account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manually_approves_followers: Option<bool>,
    /// Whether the account may be featured in directories.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    /// Whether public posts may be indexed for search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexable: Option<bool>,
    /// When the account was created (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Whether the account is a memorial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memorial: Option<bool>,
    /// Whether the account is suspended here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    /// The key that verifies the actor's signatures.
    pub public_key: PublicKey,
    /// Custom emoji used in the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<Vec<Tag>>,
    /// Profile fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Vec<PropertyValue>>,
    /// The shared inbox.
    pub endpoints: Endpoints,
    /// Avatar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<Image>,
    /// Header image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Aliases (accounts this one may move from).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<String>,
    /// The account this one moved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

impl Actor {
    /// The actor cut down to what verifying its signatures needs (served to
    /// unsigned fetches in authorized-fetch mode, as Mastodon does).
    pub fn minimal(&self) -> Actor {
        Actor {
            context: self.context,
            id: self.id.clone(),
            kind: self.kind.clone(),
            inbox: self.inbox.clone(),
            outbox: self.outbox.clone(),
            preferred_username: self.preferred_username.clone(),
            public_key: self.public_key.clone(),
            endpoints: self.endpoints.clone(),
            ..Actor::default()
        }
    }
}

/// An actor's `publicKey`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    /// The key id (`…#main-key`), the `keyId` of its signatures.
    pub id: String,
    /// The actor owning the key.
    pub owner: String,
    /// The key in PEM.
    pub public_key_pem: String,
}

/// An actor's `endpoints`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The server's shared inbox.
    pub shared_inbox: String,
}

/// A profile field (schema.org `PropertyValue`); `value` is HTML.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(tag = "type", rename = "PropertyValue")]
pub struct PropertyValue {
    /// The field's label.
    pub name: String,
    /// The field's content.
    pub value: String,
}
