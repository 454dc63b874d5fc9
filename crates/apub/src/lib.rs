//! Pure fediverse protocol types: what goes over the wire, nothing about
//! storage or transport. This first part covers discovery (WebFinger and
//! NodeInfo) and HTTP signatures; ActivityPub objects and activities join it
//! with federation.
#![warn(missing_docs)]

pub mod nodeinfo;
pub mod signatures;
pub mod webfinger;
