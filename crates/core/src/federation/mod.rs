//! ActivityPub federation: the documents we publish, signed requests to
//! other servers, the inbox, and the processing of what arrives.
pub mod client;
pub mod documents;
pub mod instance_actor;
pub mod publish;
