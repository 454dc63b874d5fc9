//! HTTP signatures as in draft-cavage-http-signatures-12, the way Mastodon
//! and most of the fediverse use them: the `Signature` header, its signing
//! string, and signing and checking that string with RSA-SHA256.
//!
//! This module is mechanism only. Which headers must be covered, how old a
//! request may be and whether the body digest matches are policy, applied by
//! [`super::verify`].
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use thiserror::Error;

use super::keys::{KeyError, PrivateKey, PublicKey, SignatureAlgorithm};
use super::request::{Headers, HttpRequest};

/// The `(request-target)` pseudo-header.
pub const REQUEST_TARGET: &str = "(request-target)";
/// The `(created)` pseudo-header.
pub const CREATED: &str = "(created)";
/// The `(expires)` pseudo-header.
pub const EXPIRES: &str = "(expires)";

/// What is wrong with a `Signature` header or the signing string it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CavageError {
    /// The header is not a comma-separated list of `name="value"` pairs.
    #[error("Error parsing signature parameters: {0}")]
    Malformed(&'static str),
    /// A parameter appears twice.
    #[error("Error parsing signature parameters: duplicate parameter {0}")]
    DuplicateParameter(String),
    /// `keyId` or `signature` is missing or empty.
    #[error("Incompatible request signature. keyId and signature are required")]
    MissingParameters,
    /// `created` or `expires` is not an integer.
    #[error("Error parsing signature parameters: {name} is not a Unix timestamp: {value}")]
    InvalidTimestamp {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// `signature` is not base64.
    #[error("Error parsing signature parameters: signature is not valid base64")]
    InvalidSignatureEncoding,
    /// `(created)` or `(expires)` is covered by an `rsa-sha256` signature,
    /// which the draft forbids.
    #[error("Invalid pseudo-header {0} for rsa-sha256")]
    PseudoHeaderWithRsaSha256(&'static str),
    /// `(created)` or `(expires)` is covered but the parameter is absent.
    #[error("Pseudo-header {0} used but corresponding argument missing")]
    PseudoHeaderArgumentMissing(&'static str),
    /// A `(…)` pseudo-header this draft does not define.
    #[error("Unknown pseudo-header {0}")]
    UnknownPseudoHeader(String),
    /// A covered header is not in the request.
    #[error("Signed header {0} is missing from the request")]
    MissingHeader(String),
    /// Signing failed, or the signature does not verify.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// The `algorithm` parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `rsa-sha256`, what Mastodon sends.
    RsaSha256,
    /// `hs2019`: "derive it from the key"; for RSA keys Mastodon verifies it
    /// as RSA-SHA256, and so does this module.
    Hs2019,
    /// Anything else, kept verbatim.
    Other(String),
}

impl Algorithm {
    /// Reads an `algorithm` value (case-insensitively).
    pub fn parse(value: &str) -> Algorithm {
        if value.eq_ignore_ascii_case("rsa-sha256") {
            Algorithm::RsaSha256
        } else if value.eq_ignore_ascii_case("hs2019") {
            Algorithm::Hs2019
        } else {
            Algorithm::Other(value.to_owned())
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Algorithm::RsaSha256 => "rsa-sha256",
            Algorithm::Hs2019 => "hs2019",
            Algorithm::Other(name) => name,
        }
    }

    /// The RSA scheme to verify with, if this module supports the algorithm.
    pub fn rsa_scheme(&self) -> Option<SignatureAlgorithm> {
        match self {
            Algorithm::RsaSha256 | Algorithm::Hs2019 => Some(SignatureAlgorithm::RsaPkcs1v15Sha256),
            Algorithm::Other(_) => None,
        }
    }
}

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `keyId`: for ActivityPub, the URI of the actor's key
    /// (`https://example.com/users/alice#main-key`).
    pub key_id: String,
    /// `algorithm` as sent; `None` when absent.
    pub algorithm: Option<Algorithm>,
    /// `headers`, lower-cased and split on spaces; `None` when absent.
    pub headers: Option<Vec<String>>,
    /// The decoded `signature`.
    pub signature: Vec<u8>,
    /// `created`, a Unix timestamp.
    pub created: Option<i64>,
    /// `expires`, a Unix timestamp.
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// Parses a `Signature` header value (an `Authorization: Signature …`
    /// value works too: the `Signature ` prefix, which old
    /// node-http-signature versions also put in the `Signature` header, is
    /// skipped). Unknown parameters are ignored; duplicated ones and
    /// anything that is not `name=value` or `name="value"` are errors.
    pub fn parse(value: &str) -> Result<SignatureHeader, CavageError> {
        let params = parse_params(value)?;
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let key_id = get("keyId").filter(|v| !v.is_empty());
        let signature = get("signature").filter(|v| !v.is_empty());
        let (Some(key_id), Some(signature)) = (key_id, signature) else {
            return Err(CavageError::MissingParameters);
        };
        let engine = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let signature = engine
            .decode(signature.trim())
            .map_err(|_| CavageError::InvalidSignatureEncoding)?;
        // Whitespace alone decodes to nothing: no signature was sent.
        if signature.is_empty() {
            return Err(CavageError::MissingParameters);
        }
        let timestamp = |name: &'static str| -> Result<Option<i64>, CavageError> {
            get(name)
                .map(|v| {
                    v.trim()
                        .parse::<i64>()
                        .map_err(|_| CavageError::InvalidTimestamp {
                            name,
                            value: v.to_owned(),
                        })
                })
                .transpose()
        };
        Ok(SignatureHeader {
            key_id: key_id.to_owned(),
            algorithm: get("algorithm").map(Algorithm::parse),
            headers: get("headers").map(|h| {
                h.split_ascii_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            }),
            signature,
            created: timestamp("created")?,
            expires: timestamp("expires")?,
        })
    }

    /// The algorithm in force: the one sent, or `hs2019` when absent (as
    /// the draft and Mastodon have it).
    pub fn effective_algorithm(&self) -> Algorithm {
        self.algorithm.clone().unwrap_or(Algorithm::Hs2019)
    }

    /// The covered headers in force: those sent, or by default `(created)`
    /// for `hs2019` and `date` otherwise.
    pub fn covered(&self) -> Vec<String> {
        match &self.headers {
            Some(headers) => headers.clone(),
            None if self.effective_algorithm() == Algorithm::Hs2019 => vec![CREATED.to_owned()],
            None => vec!["date".to_owned()],
        }
    }

    /// Whether `name` (lower-case) is covered.
    pub fn covers(&self, name: &str) -> bool {
        self.covered().iter().any(|h| h == name)
    }

    /// Serialises the header as Mastodon does:
    /// `keyId="…",algorithm="…",headers="…",signature="…"`, with
    /// `created` and `expires` after `algorithm` when set.
    pub fn to_header_value(&self) -> String {
        let mut parts = vec![format!("keyId=\"{}\"", escape(&self.key_id))];
        if let Some(algorithm) = &self.algorithm {
            parts.push(format!("algorithm=\"{}\"", escape(algorithm.as_str())));
        }
        if let Some(created) = self.created {
            parts.push(format!("created={created}"));
        }
        if let Some(expires) = self.expires {
            parts.push(format!("expires={expires}"));
        }
        if let Some(headers) = &self.headers {
            parts.push(format!("headers=\"{}\"", escape(&headers.join(" "))));
        }
        parts.push(format!(
            "signature=\"{}\"",
            STANDARD.encode(&self.signature)
        ));
        parts.join(",")
    }
}

/// Builds the signing string for `header` over `request`: one
/// `name: value` line per covered header, joined with `\n`.
/// `(request-target)` is the lower-cased method, a space and
/// `request.target`; header values are trimmed and repeated headers joined
/// with `", "`.
pub fn signing_string<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    header: &SignatureHeader,
) -> Result<String, CavageError> {
    let algorithm = header.effective_algorithm();
    let mut lines = Vec::new();
    for name in header.covered() {
        let line = match name.as_str() {
            REQUEST_TARGET => format!(
                "{REQUEST_TARGET}: {} {}",
                request.method.to_ascii_lowercase(),
                request.target
            ),
            CREATED => format!(
                "{CREATED}: {}",
                pseudo_value(CREATED, header.created, &algorithm)?
            ),
            EXPIRES => format!(
                "{EXPIRES}: {}",
                pseudo_value(EXPIRES, header.expires, &algorithm)?
            ),
            other if other.starts_with('(') => {
                return Err(CavageError::UnknownPseudoHeader(other.to_owned()))
            }
            other => {
                let value = request
                    .headers
                    .get_combined(other)
                    .ok_or_else(|| CavageError::MissingHeader(other.to_owned()))?;
                format!("{other}: {value}")
            }
        };
        lines.push(line);
    }
    Ok(lines.join("\n"))
}

fn pseudo_value(
    name: &'static str,
    value: Option<i64>,
    algorithm: &Algorithm,
) -> Result<i64, CavageError> {
    if *algorithm == Algorithm::RsaSha256 {
        return Err(CavageError::PseudoHeaderWithRsaSha256(name));
    }
    value.ok_or(CavageError::PseudoHeaderArgumentMissing(name))
}

/// Signs `request` with `algorithm="rsa-sha256"` over `covered` (header
/// names or `(request-target)`, in order) and returns the header to send.
pub fn sign<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    key_id: &str,
    covered: &[&str],
    key: &PrivateKey,
) -> Result<SignatureHeader, CavageError> {
    let mut header = SignatureHeader {
        key_id: key_id.to_owned(),
        algorithm: Some(Algorithm::RsaSha256),
        headers: Some(covered.iter().map(|h| h.to_ascii_lowercase()).collect()),
        signature: Vec::new(),
        created: None,
        expires: None,
    };
    let text = signing_string(request, &header)?;
    header.signature = key.sign_rsa_sha256(text.as_bytes())?;
    Ok(header)
}

/// Checks `header.signature` over the signing string of `request` with
/// RSA-SHA256 (for `rsa-sha256` and `hs2019` alike). No policy: see
/// [`super::verify`] for Mastodon's rules.
pub fn verify<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    header: &SignatureHeader,
    key: &PublicKey,
) -> Result<(), CavageError> {
    let text = signing_string(request, header)?;
    key.verify(
        SignatureAlgorithm::RsaPkcs1v15Sha256,
        text.as_bytes(),
        &header.signature,
    )?;
    Ok(())
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Splits `name=value, name="value"` pairs (RFC 7235 auth-params).
fn parse_params(value: &str) -> Result<Vec<(String, String)>, CavageError> {
    let text = value.trim();
    let text = text.strip_prefix("Signature ").unwrap_or(text).trim_start();
    if text.is_empty() {
        return Err(CavageError::Malformed("empty header"));
    }
    let mut chars = text.chars().peekable();
    let mut params: Vec<(String, String)> = Vec::new();
    let skip_ws = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
    };
    loop {
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| is_tchar(*c)) {
            name.push(c);
        }
        if name.is_empty() {
            return Err(CavageError::Malformed("expected a parameter name"));
        }
        skip_ws(&mut chars);
        if chars.next_if_eq(&'=').is_none() {
            return Err(CavageError::Malformed(
                "expected `=` after a parameter name",
            ));
        }
        skip_ws(&mut chars);
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    None => return Err(CavageError::Malformed("unterminated quoted string")),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c) => value.push(c),
                        None => return Err(CavageError::Malformed("unterminated quoted string")),
                    },
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| is_tchar(*c)) {
                value.push(c);
            }
            if value.is_empty() {
                return Err(CavageError::Malformed("expected a parameter value"));
            }
        }
        if params.iter().any(|(k, _)| *k == name) {
            return Err(CavageError::DuplicateParameter(name));
        }
        params.push((name, value));
        skip_ws(&mut chars);
        if chars.peek().is_none() {
            return Ok(params);
        }
        if chars.next_if_eq(&',').is_none() {
            return Err(CavageError::Malformed("expected `,` between parameters"));
        }
        skip_ws(&mut chars);
        if chars.peek().is_none() {
            return Err(CavageError::Malformed("trailing `,`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mastodon_style_headers() {
        let header = SignatureHeader::parse(
            r#"keyId="https://example.com/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) Host date digest",signature="AAEC""#,
        )
        .unwrap();
        assert_eq!(header.key_id, "https://example.com/users/alice#main-key");
        assert_eq!(header.algorithm, Some(Algorithm::RsaSha256));
        assert_eq!(
            header.covered(),
            vec!["(request-target)", "host", "date", "digest"]
        );
        assert_eq!(header.signature, vec![0, 1, 2]);
        assert_eq!(
            header.to_header_value(),
            r#"keyId="https://example.com/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="AAEC""#
        );
    }

    #[test]
    fn tolerates_spacing_prefix_tokens_and_escapes() {
        let header = SignatureHeader::parse(
            "Signature keyId = \"a\\\"b\" ,\talgorithm=hs2019, created=1402170695,expires=\"1402170699\", signature=\"AAEC\", future=\"ignored\"",
        )
        .unwrap();
        assert_eq!(header.key_id, "a\"b");
        assert_eq!(header.algorithm, Some(Algorithm::Hs2019));
        assert_eq!(header.created, Some(1402170695));
        assert_eq!(header.expires, Some(1402170699));
        assert_eq!(header.headers, None);
        assert_eq!(header.covered(), vec!["(created)"]);
        let reparsed = SignatureHeader::parse(&header.to_header_value()).unwrap();
        assert_eq!(reparsed, header);
    }

    #[test]
    fn defaults_follow_the_draft() {
        let header = SignatureHeader::parse(r#"keyId="k",signature="AAEC""#).unwrap();
        assert_eq!(header.effective_algorithm(), Algorithm::Hs2019);
        assert_eq!(header.covered(), vec!["(created)"]);
        let header =
            SignatureHeader::parse(r#"keyId="k",algorithm="rsa-sha256",signature="AAEC""#).unwrap();
        assert_eq!(header.covered(), vec!["date"]);
    }

    #[test]
    fn rejects_garbage_duplicates_and_missing_parameters() {
        for bad in [
            "",
            "Signature ",
            "keyId",
            "keyId=",
            "keyId=\"unterminated",
            "keyId=\"a\" signature=\"b\"",
            "keyId=\"a\",",
            "=\"a\"",
            "keyId=\"a\";signature=\"b\"",
        ] {
            assert!(
                matches!(SignatureHeader::parse(bad), Err(CavageError::Malformed(_))),
                "{bad:?} should be malformed"
            );
        }
        assert_eq!(
            SignatureHeader::parse(r#"keyId="a",keyId="b",signature="AAEC""#),
            Err(CavageError::DuplicateParameter("keyId".into()))
        );
        assert_eq!(
            SignatureHeader::parse(r#"keyId="a",algorithm="rsa-sha256""#),
            Err(CavageError::MissingParameters)
        );
        assert_eq!(
            SignatureHeader::parse(r#"keyId="",signature="AAEC""#),
            Err(CavageError::MissingParameters)
        );
        assert_eq!(
            SignatureHeader::parse("keyId=\"a\",signature=\"\u{b}\""),
            Err(CavageError::MissingParameters),
            "whitespace decodes to no signature at all"
        );
        assert_eq!(
            SignatureHeader::parse(r#"keyId="a",signature="***""#),
            Err(CavageError::InvalidSignatureEncoding)
        );
        assert!(matches!(
            SignatureHeader::parse(r#"keyId="a",signature="AAEC",created="soon""#),
            Err(CavageError::InvalidTimestamp {
                name: "created",
                ..
            })
        ));
        assert_eq!(
            CavageError::MissingParameters.to_string(),
            "Incompatible request signature. keyId and signature are required"
        );
    }

    #[test]
    fn signing_string_rules() {
        let headers = [
            ("Host", "example.com"),
            ("X-Multi", " one "),
            ("x-multi", "two"),
        ];
        let request = HttpRequest {
            method: "GET",
            scheme: "https",
            authority: "example.com",
            target: "/a?b=c",
            headers: &headers,
            body: b"",
        };
        let mut header = SignatureHeader {
            key_id: "k".into(),
            algorithm: Some(Algorithm::Hs2019),
            headers: Some(vec![
                "(request-target)".into(),
                "(created)".into(),
                "(expires)".into(),
                "host".into(),
                "x-multi".into(),
            ]),
            signature: vec![],
            created: Some(1),
            expires: Some(2),
        };
        assert_eq!(
            signing_string(&request, &header).unwrap(),
            "(request-target): get /a?b=c\n(created): 1\n(expires): 2\nhost: example.com\nx-multi: one, two"
        );
        header.expires = None;
        assert_eq!(
            signing_string(&request, &header),
            Err(CavageError::PseudoHeaderArgumentMissing("(expires)"))
        );
        header.algorithm = Some(Algorithm::RsaSha256);
        assert_eq!(
            signing_string(&request, &header),
            Err(CavageError::PseudoHeaderWithRsaSha256("(created)"))
        );
        header.headers = Some(vec!["date".into()]);
        assert_eq!(
            signing_string(&request, &header),
            Err(CavageError::MissingHeader("date".into()))
        );
        header.headers = Some(vec!["(unknown)".into()]);
        assert_eq!(
            signing_string(&request, &header),
            Err(CavageError::UnknownPseudoHeader("(unknown)".into()))
        );
    }
}
