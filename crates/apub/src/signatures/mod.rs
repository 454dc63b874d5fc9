//! HTTP signatures for federation: signing outgoing requests and verifying
//! incoming ones, in both formats the fediverse uses.
//!
//! * [`cavage`]: draft-cavage-http-signatures-12 (`Signature: keyId=…`),
//!   what nearly every server sends and Mastodon has always used.
//! * [`rfc9421`]: RFC 9421 HTTP Message Signatures (`Signature-Input` +
//!   `Signature`), which Mastodon 4.5+ can send and verifies.
//!
//! Around them: [`keys`] (RSA keys and PEM), [`digest`] (body digests),
//! [`verify`] (Mastodon's acceptance rules, the entry point for inboxes and
//! signed fetches) and [`sign`] (headers for outgoing requests).
//!
//! Verifying an incoming request:
//!
//! ```no_run
//! use chrono::Utc;
//! use ferrodon_apub::signatures::request::HttpRequest;
//! use ferrodon_apub::signatures::verify::{SignedRequest, VerifyError};
//! # fn fetch_key_pem(_: &str, _refetch: bool) -> String { String::new() }
//! # fn handle(headers: Vec<(String, String)>, body: Vec<u8>) -> Result<(), VerifyError> {
//! let request = HttpRequest {
//!     method: "POST",
//!     scheme: "https",
//!     authority: "example.com",
//!     target: "/users/alice/inbox",
//!     headers: &headers,
//!     body: &body,
//! };
//! let signed = SignedRequest::new(&request, Utc::now())?; // parse + policy
//! let pem = fetch_key_pem(signed.key_id(), false);
//! match signed.verify_pem(&pem) {
//!     Err(VerifyError::VerificationFailed { .. }) => {
//!         // The actor may have rotated its key: refetch once and retry.
//!         signed.verify_pem(&fetch_key_pem(signed.key_id(), true))
//!     }
//!     other => other,
//! }
//! # }
//! ```
pub mod cavage;
pub mod date;
pub mod digest;
pub mod keys;
pub mod pem;
pub mod request;
pub mod rfc9421;
pub mod sign;
pub mod structured_fields;
pub mod verify;

#[cfg(test)]
mod test_vectors;

/// The two HTTP signature formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureFormat {
    /// draft-cavage-http-signatures-12: a `Signature` header alone.
    Cavage,
    /// RFC 9421: `Signature-Input` and `Signature` headers.
    Rfc9421,
}
