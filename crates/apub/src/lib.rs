//! Pure fediverse protocol types: what goes over the wire, nothing about
//! storage or transport: discovery (WebFinger and NodeInfo), HTTP
//! signatures, ActivityPub documents as remote servers send them
//! ([`activitypub`]), and the sanitiser for their HTML ([`sanitize`]).
#![warn(missing_docs)]

pub mod activitypub;
pub mod nodeinfo;
pub mod sanitize;
pub mod signatures;
pub mod webfinger;
