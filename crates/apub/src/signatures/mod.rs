//! HTTP signatures for federation: signing outgoing requests and verifying
//! incoming ones.
//!
//! [`cavage`] implements draft-cavage-http-signatures-12, the `Signature`
//! header nearly every server sends.
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
pub mod sfv;
