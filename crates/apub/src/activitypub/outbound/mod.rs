//! ActivityPub documents as this server sends them: typed, serialize-only,
//! shaped as Mastodon shapes them so that every server that federates with
//! Mastodon reads them (same properties, same `@context`, `null` where
//! Mastodon writes `null`).
//!
//! The lenient types of the parent module read what remote servers send;
//! these write what we send, and each of them reads back through
//! [`parse_document`](super::parse_document) (see `tests/outbound.rs`).
//!
//! ```
//! use ferrodon_apub::activitypub::outbound::{Activity, Context};
//! use ferrodon_apub::activitypub::ActivityKind;
//!
//! let like = Activity::new(
//!     ActivityKind::Like,
//!     "https://a.example/users/x#likes/1",
//!     "https://a.example/users/x",
//!     "https://b.example/notes/1",
//! );
//! let json = serde_json::to_value(&like).unwrap_or_default();
//! assert_eq!(json["type"], "Like");
//! assert_eq!(json["@context"], "https://www.w3.org/ns/activitystreams");
//! assert_eq!(json["object"], "https://b.example/notes/1");
//! assert!(json.get("to").is_none());
//! ```
mod activity;
mod actor;
mod collection;
mod context;
mod flag;
mod object;
mod tag;

pub use activity::{Activity, ActivityObject, QuoteAuthorization, Tombstone};
pub use actor::{Actor, Endpoints, PropertyValue, PublicKey};
pub use collection::{Collection, PageRef};
pub use context::{Context, ACTIVITY_STREAMS, SECURITY};
pub use flag::Flag;
pub use object::{Approval, Attachment, InteractionPolicy, Note, PollOption, PollVote};
pub use tag::{Image, Tag};
