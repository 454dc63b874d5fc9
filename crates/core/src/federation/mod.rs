//! ActivityPub federation, outbound: the documents we publish, signed
//! requests to other servers, actors and their keys, and the signature
//! check of a delivery. Processing what arrives is `core::inbox`, above
//! this module: nothing here imports services, live or inbox.
pub mod account_deletion;
pub mod actors;
pub mod client;
pub mod delivery;
pub mod documents;
pub mod emojis;
pub mod instance_actor;
pub mod key_fetches;
pub mod outbox;
pub mod publish;
pub mod relays;
pub mod sync;
