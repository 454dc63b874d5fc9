//! HTTP signatures for federation: signing outgoing requests and verifying
//! incoming ones.
//!
//! [`cavage`] implements draft-cavage-http-signatures-12, the `Signature`
//! header nearly every server sends, and [`rfc9421`] RFC 9421 HTTP Message
//! Signatures (`Signature-Input` and `Signature`), which Mastodon 4.5+ sends.
//!
//! [`keys`] holds RSA keys and their PEM forms, [`sfv`] the structured
//! field values that RFC 9421 headers are made of, [`digest`] body digests,
//! [`request`] the view of a request that signatures cover and [`date`]
//! HTTP dates.
pub mod cavage;
pub mod date;
pub mod digest;
pub mod keys;
pub mod pem;
pub mod request;
pub mod rfc9421;
pub mod sfv;
