//! ActivityPub documents as remote servers send them, read leniently.
//!
//! Real servers differ in how JSON-LD compaction leaves their documents: a
//! property may be a string id, an embedded object, or an array of either;
//! `type` may be a string or an array; `@context` is ignored; unknown
//! properties are ignored and unknown types are kept as their string. A
//! property of the wrong shape reads as absent rather than failing the
//! document; only what the protocol cannot do without (the `id` of an
//! activity or an actor) is required.
//!
//! Entry point: [`parse_document`], which checks size and nesting limits
//! before parsing and returns a [`Document`]. Helpers for federation:
//! [`audience`] (public collection, visibility, mentions) and [`origin`]
//! (hosts and same-origin checks).
//!
//! ```
//! use ferrodon_apub::activitypub::{parse_document, Document, Limits, Visibility};
//!
//! let body = br#"{
//!   "id": "https://a.example/users/x/statuses/1/activity",
//!   "type": "Create",
//!   "actor": "https://a.example/users/x",
//!   "object": {
//!     "id": "https://a.example/users/x/statuses/1",
//!     "type": "Note",
//!     "content": "<p>hi</p>",
//!     "to": "https://www.w3.org/ns/activitystreams#Public"
//!   }
//! }"#;
//! let Ok(Document::Activity(create)) = parse_document(body, Limits::default()) else {
//!     panic!("not an activity");
//! };
//! let note = create.embedded_object().and_then(Document::as_object);
//! assert_eq!(note.and_then(|n| n.content.as_deref()), Some("<p>hi</p>"));
//! assert_eq!(note.map(|n| n.visibility(None)), Some(Visibility::Public));
//! ```
mod activity;
mod actor;
mod attachment;
pub mod audience;
mod collection;
mod document;
mod id_or_object;
mod kind;
mod language_map;
mod lenient;
mod link;
mod object;
mod one_or_many;
pub mod origin;
pub mod outbound;
mod parse;
mod tag;
mod tombstone;

pub use activity::Activity;
pub use actor::{Actor, Endpoints, PublicKey};
pub use attachment::Attachment;
pub use audience::{is_public, Visibility, PUBLIC_COLLECTION};
pub use collection::Collection;
pub use document::{Document, DocumentClass};
pub use id_or_object::{HasId, IdOrObject};
pub use kind::{
    ActivityKind, ActorKind, AttachmentKind, CollectionKind, Kind, ObjectKind, TagKind,
};
pub use language_map::LanguageMap;
pub use link::{web_url, Image, ImageRef, Link, UrlOrLink};
pub use object::{Closed, Object, PollOption, Source};
pub use one_or_many::OneOrMany;
pub use origin::{host_of, same_host, same_origin};
pub use parse::{parse_document, parse_value, Limits, ParseError};
pub use tag::Tag;
pub use tombstone::Tombstone;
