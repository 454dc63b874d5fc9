//! A tiny PEM (RFC 7468) reader and writer: enough for the RSA keys that
//! fediverse servers exchange (`publicKeyPem`) and store.
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

/// Why a PEM document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PemError {
    /// No `-----BEGIN …-----` line was found.
    #[error("no PEM BEGIN line found")]
    NoBeginLine,
    /// The `BEGIN` line has no matching `END` line.
    #[error("PEM block `{0}` has no matching END line")]
    NoEndLine(String),
    /// The block carries RFC 1421 headers (`Proc-Type`, `DEK-Info`): an
    /// encrypted key, which is not supported.
    #[error("encrypted or header-carrying PEM blocks are not supported")]
    HasHeaders,
    /// The body is not valid base64.
    #[error("PEM body is not valid base64")]
    BadBase64,
}

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label, e.g. `PUBLIC KEY` or `RSA PRIVATE KEY`.
    pub label: String,
    /// The DER bytes.
    pub der: Vec<u8>,
}

/// Decodes the first PEM block of `text`. Text before the block (some
/// servers prepend comments) and after it is ignored; the body may be
/// wrapped at any width or not at all.
pub fn decode(text: &str) -> Result<PemBlock, PemError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let start = text.find(BEGIN).ok_or(PemError::NoBeginLine)?;
    let after_begin = &text[start + BEGIN.len()..];
    let label_end = after_begin.find(DASHES).ok_or(PemError::NoBeginLine)?;
    let label = &after_begin[..label_end];
    if label.contains('\n') {
        return Err(PemError::NoBeginLine);
    }
    let rest = &after_begin[label_end + DASHES.len()..];
    let end_line = format!("-----END {label}-----");
    let body_end = rest
        .find(&end_line)
        .ok_or_else(|| PemError::NoEndLine(label.to_owned()))?;
    let body = &rest[..body_end];
    if body.contains(':') {
        return Err(PemError::HasHeaders);
    }
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| PemError::BadBase64)?;
    Ok(PemBlock {
        label: label.to_owned(),
        der,
    })
}

/// Encodes `der` as a PEM block with the given label, base64 wrapped at 64
/// columns, ending with a newline (the layout OpenSSL and Mastodon emit).
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    // Base64 output is ASCII, so splitting it by bytes keeps it valid UTF-8.
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_wraps_at_64_columns() {
        let der: Vec<u8> = (0u8..=200).collect();
        let pem = encode("PUBLIC KEY", &der);
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        let block = decode(&pem).unwrap();
        assert_eq!(block.label, "PUBLIC KEY");
        assert_eq!(block.der, der);
    }

    #[test]
    fn tolerates_surrounding_text_and_crlf() {
        let text = "comment\r\n-----BEGIN X-----\r\nAAEC\r\nAw==\r\n-----END X-----\r\ntrailer";
        let block = decode(text).unwrap();
        assert_eq!(block.label, "X");
        assert_eq!(block.der, vec![0, 1, 2, 3]);
    }

    #[test]
    fn rejects_broken_documents() {
        assert_eq!(decode("nothing here"), Err(PemError::NoBeginLine));
        assert_eq!(
            decode("-----BEGIN X-----\nAAAA\n-----END Y-----"),
            Err(PemError::NoEndLine("X".into()))
        );
        assert_eq!(
            decode("-----BEGIN X-----\n!!!!\n-----END X-----"),
            Err(PemError::BadBase64)
        );
        assert_eq!(
            decode("-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END X-----"),
            Err(PemError::HasHeaders)
        );
    }
}
