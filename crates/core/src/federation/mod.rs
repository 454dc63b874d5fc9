//! ActivityPub federation: the documents we publish, signed requests to
//! other servers, the inbox, and the processing of what arrives.
pub mod actors;
pub mod client;
pub mod documents;
pub use crate::domain_policy as domains;
pub mod emojis;
pub mod inbox;
pub mod ingress;
pub mod instance_actor;
pub mod key_fetches;
pub mod outbox;
pub mod publish;
pub mod relays;
pub mod resolve;
pub mod sync;
