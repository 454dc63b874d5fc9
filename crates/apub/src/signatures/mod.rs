//! HTTP signatures for federation: signing outgoing requests and verifying
//! incoming ones.
//!
//! [`keys`] holds RSA keys and their PEM forms, [`sfv`] the structured
//! field values that RFC 9421 headers are made of, [`digest`] body digests,
//! [`request`] the view of a request that signatures cover and [`date`]
//! HTTP dates.
pub mod date;
pub mod digest;
pub mod keys;
pub mod pem;
pub mod request;
pub mod sfv;
