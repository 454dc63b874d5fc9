//! HTTP signatures for federation: signing outgoing requests and verifying
//! incoming ones.
//!
//! [`keys`] holds RSA keys and their PEM forms, [`sfv`] the structured
//! field values that RFC 9421 headers are made of.
pub mod keys;
pub mod pem;
pub mod sfv;
