//! PKCE helpers for OAuth tests.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A (verifier, S256 challenge) pair.
pub fn pkce_pair() -> (String, String) {
    let verifier = format!("{}{}", crate::random_suffix(), crate::random_suffix()).repeat(2);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}
