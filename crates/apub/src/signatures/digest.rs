//! Body digests: the `Digest: SHA-256=<base64>` header of the draft-cavage
//! era (RFC 3230) and RFC 9530 `Content-Digest: sha-256=:<base64>:`.
//!
//! Only SHA-256 is computed or accepted, as in Mastodon; error messages
//! follow Mastodon's wording.
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use thiserror::Error;

use super::structured_fields::{self as sfv, BareItem, ListEntry};

/// Why a digest header does not vouch for the body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DigestError {
    /// The header offers no SHA-256 digest.
    #[error("Mastodon only supports SHA-256 in {header} header. Offered algorithms: {offered}")]
    UnsupportedAlgorithm {
        /// `Digest` or `Content-Digest`.
        header: &'static str,
        /// The algorithms found, comma-separated.
        offered: String,
    },
    /// The SHA-256 value is not base64.
    #[error("Invalid Digest value. The provided Digest value is not a valid base64 string. Given digest: {given}")]
    NotBase64 {
        /// The value as sent.
        given: String,
    },
    /// The SHA-256 value does not have 32 bytes.
    #[error("Invalid Digest value. The provided Digest value is not a SHA-256 digest. Given digest: {given}")]
    WrongLength {
        /// The value as sent.
        given: String,
    },
    /// The digest does not match the body.
    #[error("Invalid Digest value. Computed SHA-256 digest: {computed}; given: {given}")]
    Mismatch {
        /// Base64 SHA-256 of the body received.
        computed: String,
        /// The value as sent.
        given: String,
    },
    /// `Content-Digest` is not a structured-field dictionary.
    #[error("Content-Digest could not be parsed. It does not contain a valid RFC8941 dictionary.")]
    MalformedContentDigest,
}

/// Base64 of the SHA-256 of `body`.
pub fn sha256_base64(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}

/// The `Digest` header value for `body`: `SHA-256=<base64>`.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", sha256_base64(body))
}

/// The `Content-Digest` header value for `body`: `sha-256=:<base64>:`.
pub fn content_digest_header(body: &[u8]) -> String {
    format!("sha-256=:{}:", sha256_base64(body))
}

/// Checks a `Digest` header (`SHA-256=…`, possibly among other algorithms,
/// comma-separated; names are case-insensitive) against `body`.
pub fn verify_digest_header(value: &str, body: &[u8]) -> Result<(), DigestError> {
    let entries: Vec<(String, &str)> = value
        .split(',')
        .map(|part| {
            let (name, digest) = part.split_once('=').unwrap_or((part, ""));
            (name.trim().to_ascii_lowercase(), digest.trim())
        })
        .collect();
    let Some((_, given)) = entries.iter().find(|(name, _)| name == "sha-256") else {
        return Err(DigestError::UnsupportedAlgorithm {
            header: "Digest",
            offered: join_names(entries.iter().map(|(name, _)| name.as_str())),
        });
    };
    let computed = sha256_base64(body);
    if *given == computed {
        return Ok(());
    }
    let bytes = STANDARD.decode(given).map_err(|_| DigestError::NotBase64 {
        given: (*given).to_owned(),
    })?;
    if bytes.len() != 32 {
        return Err(DigestError::WrongLength {
            given: (*given).to_owned(),
        });
    }
    Err(DigestError::Mismatch {
        computed,
        given: (*given).to_owned(),
    })
}

/// Checks an RFC 9530 `Content-Digest` header against `body`. It must be a
/// structured-field dictionary with a `sha-256` byte sequence.
pub fn verify_content_digest_header(value: &str, body: &[u8]) -> Result<(), DigestError> {
    let dict = sfv::parse_dictionary(value).map_err(|_| DigestError::MalformedContentDigest)?;
    let Some(member) = dict.get("sha-256") else {
        return Err(DigestError::UnsupportedAlgorithm {
            header: "Content-Digest",
            offered: join_names(dict.keys().map(|name| name.as_str())),
        });
    };
    let ListEntry::Item(item) = member else {
        return Err(DigestError::MalformedContentDigest);
    };
    let BareItem::ByteSequence(given) = &item.bare_item else {
        return Err(DigestError::MalformedContentDigest);
    };
    let computed = Sha256::digest(body);
    if given.as_slice() == computed.as_slice() {
        return Ok(());
    }
    let given = STANDARD.encode(given);
    if given.len() != 44 {
        return Err(DigestError::WrongLength { given });
    }
    Err(DigestError::Mismatch {
        computed: STANDARD.encode(computed),
        given,
    })
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body and digest of the draft-cavage-http-signatures-12
    /// appendix C test request.
    const BODY: &[u8] = br#"{"hello": "world"}"#;
    const BODY_SHA256: &str = "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";

    #[test]
    fn computes_both_forms() {
        assert_eq!(digest_header(BODY), format!("SHA-256={BODY_SHA256}"));
        assert_eq!(
            content_digest_header(BODY),
            format!("sha-256=:{BODY_SHA256}:")
        );
    }

    #[test]
    fn digest_header_checks() {
        verify_digest_header(&format!("SHA-256={BODY_SHA256}"), BODY).unwrap();
        verify_digest_header(&format!("md5=abc, sha-256={BODY_SHA256}"), BODY).unwrap();
        assert_eq!(
            verify_digest_header("SHA-512=abc, MD5=def", BODY),
            Err(DigestError::UnsupportedAlgorithm {
                header: "Digest",
                offered: "sha-512, md5".into()
            })
        );
        assert!(matches!(
            verify_digest_header("SHA-256=***", BODY),
            Err(DigestError::NotBase64 { .. })
        ));
        assert!(matches!(
            verify_digest_header("SHA-256=AAAA", BODY),
            Err(DigestError::WrongLength { .. })
        ));
        let other = sha256_base64(b"tampered");
        let err = verify_digest_header(&format!("SHA-256={other}"), BODY).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Invalid Digest value. Computed SHA-256 digest: {BODY_SHA256}; given: {other}")
        );
    }

    #[test]
    fn content_digest_checks() {
        verify_content_digest_header(&format!("sha-256=:{BODY_SHA256}:"), BODY).unwrap();
        verify_content_digest_header(&format!("sha-512=:AAAA:, sha-256=:{BODY_SHA256}:"), BODY)
            .unwrap();
        // RFC 9421 B.2's test request carries only sha-512.
        assert_eq!(
            verify_content_digest_header(
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
                BODY
            ),
            Err(DigestError::UnsupportedAlgorithm {
                header: "Content-Digest",
                offered: "sha-512".into()
            })
        );
        assert_eq!(
            verify_content_digest_header(&format!("SHA-256={BODY_SHA256}"), BODY),
            Err(DigestError::MalformedContentDigest)
        );
        assert_eq!(
            verify_content_digest_header("sha-256=\"text\"", BODY),
            Err(DigestError::MalformedContentDigest)
        );
        assert!(matches!(
            verify_content_digest_header(&format!("sha-256=:{}:", sha256_base64(b"x")), BODY),
            Err(DigestError::Mismatch { .. })
        ));
    }
}
