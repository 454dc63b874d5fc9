//! Pure fediverse protocol types: what goes over the wire, nothing about
//! storage or transport: discovery (WebFinger and NodeInfo), HTTP
//! signatures, ActivityPub documents as remote servers send them
//! ([`activitypub`]).
#![warn(missing_docs)]

pub mod activitypub;
pub mod nodeinfo;
pub mod signatures;
pub mod webfinger;
