//! VAPID (RFC 8292): the server's P-256 key pair, in Mastodon's
//! `VAPID_PRIVATE_KEY` / `VAPID_PUBLIC_KEY` form (base64url of the raw
//! private scalar and of the uncompressed public point), and the ES256 JWT
//! that goes with every push request.
use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::{agreement, rand, signature};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

use super::Secret;

/// Why VAPID keys are unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VapidError {
    /// Not base64url, or the keys do not form a P-256 pair.
    #[error("{0}")]
    InvalidKey(String),
}

/// Decodes base64url with or without padding (Mastodon writes it padded),
/// also taking the standard alphabet's `+` and `/`, which some clients
/// (Mastodon.py) send for subscription keys and Mastodon accepts.
pub fn decode_base64url(value: &str) -> Option<Vec<u8>> {
    let normalized: String = value
        .trim()
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    URL_SAFE_NO_PAD.decode(normalized).ok()
}

/// The configured key pair.
#[derive(Debug, Clone)]
pub struct VapidKeys {
    /// The private scalar, base64url.
    pub private_key: Secret,
    /// The public point, base64url, as configured (shown to clients as is).
    pub public_key: String,
}

impl VapidKeys {
    /// Checks that the two values are a P-256 key pair.
    pub fn new(private_key: &str, public_key: &str) -> Result<Self, VapidError> {
        let keys = VapidKeys {
            private_key: Secret::new(private_key.trim()),
            public_key: public_key.trim().to_owned(),
        };
        keys.signing_key()?;
        Ok(keys)
    }

    /// A fresh pair, base64url-encoded with padding as Mastodon's
    /// `mastodon:webpush:generate_vapid_key` prints them.
    pub fn generate() -> Result<Self, VapidError> {
        let failed = |_| VapidError::InvalidKey("could not generate a key".into());
        let private = agreement::PrivateKey::generate(&agreement::ECDH_P256).map_err(failed)?;
        let scalar: aws_lc_rs::encoding::EcPrivateKeyBin<'_> =
            private.as_be_bytes().map_err(failed)?;
        let public = private.compute_public_key().map_err(failed)?;
        Self::new(
            &URL_SAFE.encode(scalar.as_ref()),
            &URL_SAFE.encode(public.as_ref()),
        )
    }

    /// The raw public point (65 bytes).
    pub fn public_key_bytes(&self) -> Result<Vec<u8>, VapidError> {
        decode_base64url(&self.public_key)
            .ok_or_else(|| VapidError::InvalidKey("VAPID_PUBLIC_KEY is not base64url".into()))
    }

    fn signing_key(&self) -> Result<signature::EcdsaKeyPair, VapidError> {
        let private = decode_base64url(self.private_key.expose())
            .ok_or_else(|| VapidError::InvalidKey("VAPID_PRIVATE_KEY is not base64url".into()))?;
        let public = self.public_key_bytes()?;
        signature::EcdsaKeyPair::from_private_key_and_public_key(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &private,
            &public,
        )
        .map_err(|e| VapidError::InvalidKey(format!("not a P-256 key pair: {e}")))
    }

    /// The `Authorization` header value for a push to `endpoint`:
    /// `vapid t=<ES256 JWT>, k=<public key>` with the endpoint's origin as
    /// audience, `exp` in `valid_for_secs` and `subject` (a `mailto:` or
    /// `https:` URI) as `sub`.
    pub fn authorization(
        &self,
        endpoint: &url::Url,
        subject: &str,
        now: i64,
        valid_for_secs: i64,
    ) -> Result<String, VapidError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": endpoint.origin().ascii_serialization(),
            "exp": now + valid_for_secs,
            "sub": subject,
        });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature = self
            .signing_key()?
            .sign(&rand::SystemRandom::new(), signing_input.as_bytes())
            .map_err(|_| VapidError::InvalidKey("signing failed".into()))?;
        let jwt = format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        );
        let k = URL_SAFE_NO_PAD.encode(self.public_key_bytes()?);
        Ok(format!("vapid t={jwt}, k={k}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decode_from_either_base64_alphabet() {
        let bytes = [0xfb_u8, 0xff, 0xbf, 0x01];
        let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(standard.contains('+') || standard.contains('/'));
        assert_eq!(decode_base64url(&standard).unwrap(), bytes);
        assert_eq!(decode_base64url(&URL_SAFE.encode(bytes)).unwrap(), bytes);
        assert!(decode_base64url("not base64!").is_none());
    }

    #[test]
    fn generated_keys_sign_jwts_that_verify() {
        let keys = VapidKeys::generate().unwrap();
        assert!(keys.public_key.ends_with('='));
        let again = VapidKeys::new(keys.private_key.expose(), &keys.public_key).unwrap();
        let endpoint = url::Url::parse("https://push.example:8443/send/abc?x=1").unwrap();
        let header = again
            .authorization(&endpoint, "mailto:admin@example.com", 1_000, 3_600)
            .unwrap();
        let (t, k) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(
            decode_base64url(k).unwrap(),
            keys.public_key_bytes().unwrap()
        );
        let (signed, sig) = t.rsplit_once('.').unwrap();
        signature::UnparsedPublicKey::new(
            &signature::ECDSA_P256_SHA256_FIXED,
            decode_base64url(k).unwrap(),
        )
        .verify(signed.as_bytes(), &decode_base64url(sig).unwrap())
        .unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&decode_base64url(signed.split_once('.').unwrap().1).unwrap())
                .unwrap();
        assert_eq!(
            claims,
            serde_json::json!({"aud": "https://push.example:8443", "exp": 4_600, "sub": "mailto:admin@example.com"})
        );
    }

    #[test]
    fn mismatched_or_malformed_keys_are_refused() {
        let a = VapidKeys::generate().unwrap();
        let b = VapidKeys::generate().unwrap();
        assert!(VapidKeys::new(a.private_key.expose(), &b.public_key).is_err());
        assert!(VapidKeys::new("not base64!", &a.public_key).is_err());
        assert!(VapidKeys::new(a.private_key.expose(), "AAAA").is_err());
    }
}
