//! Signing outgoing requests: the headers to add to a request so that
//! Mastodon (and the rest of the fediverse) accepts it.
use chrono::{DateTime, Utc};
use thiserror::Error;
use url::Url;

use super::cavage::{self, CavageError, REQUEST_TARGET};
use super::date::format_http_date;
use super::digest::{content_digest_header, digest_header};
use super::keys::PrivateKey;
use super::request::HttpRequest;
use super::rfc9421::{self, Component, Rfc9421Error, SignatureParams, DEFAULT_LABEL};
use super::SignatureFormat;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    /// The URL has no host to address.
    #[error("cannot sign a request to {0}: the URL has no host")]
    NoHost(String),
    /// draft-cavage signing failed.
    #[error(transparent)]
    Cavage(#[from] CavageError),
    /// RFC 9421 signing failed.
    #[error(transparent)]
    Rfc9421(#[from] Rfc9421Error),
}

/// Headers to add to a request, `(name, value)`, in the order given.
pub type SignatureHeaders = Vec<(&'static str, String)>;

/// Signs requests on behalf of one key.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    /// The key id to advertise: for ActivityPub, the actor's key URI
    /// (`https://example.com/users/alice#main-key`).
    pub key_id: &'a str,
    /// The actor's private key.
    pub key: &'a PrivateKey,
}

impl Signer<'_> {
    /// The headers that sign a `method` request to `url` with `body` (`None`
    /// for none, as for GET) at time `now`, in Mastodon's way:
    ///
    /// * [`SignatureFormat::Cavage`]: `Host`, `Date` (IMF-fixdate),
    ///   `Digest` (`SHA-256=…`, only with a body) and `Signature` with
    ///   `algorithm="rsa-sha256"` covering `(request-target) host date`,
    ///   plus `digest` with a body. Send `Host` exactly as returned.
    /// * [`SignatureFormat::Rfc9421`] (what Mastodon 4.5+ can send):
    ///   `Content-Digest` (`sha-256=:…:`, only with a body),
    ///   `Signature-Input` and `Signature` under label `sig1`, covering
    ///   `"@method" "@target-uri"`, plus `"content-digest"` with a body,
    ///   with `created` and `keyid`, signed with `rsa-v1_5-sha256`.
    ///
    /// The method is upper-cased (RFC 9421 `@method` is case-sensitive).
    pub fn sign(
        &self,
        format: SignatureFormat,
        method: &str,
        url: &Url,
        body: Option<&[u8]>,
        now: DateTime<Utc>,
    ) -> Result<SignatureHeaders, SignError> {
        let authority = authority(url)?;
        let target = target(url);
        let method = method.to_ascii_uppercase();
        let mut headers: SignatureHeaders = match format {
            SignatureFormat::Cavage => {
                vec![("Host", authority.clone()), ("Date", format_http_date(now))]
            }
            SignatureFormat::Rfc9421 => Vec::new(),
        };
        if let Some(body) = body {
            headers.push(match format {
                SignatureFormat::Cavage => ("Digest", digest_header(body)),
                SignatureFormat::Rfc9421 => ("Content-Digest", content_digest_header(body)),
            });
        }
        let request = HttpRequest {
            method: &method,
            scheme: url.scheme(),
            authority: &authority,
            target: &target,
            headers: headers.as_slice(),
            body: body.unwrap_or_default(),
        };
        let signature_headers = match format {
            SignatureFormat::Cavage => {
                let mut covered = vec![REQUEST_TARGET, "host", "date"];
                if body.is_some() {
                    covered.push("digest");
                }
                let signature = cavage::sign(&request, self.key_id, &covered, self.key)?;
                vec![("Signature", signature.to_header_value())]
            }
            SignatureFormat::Rfc9421 => {
                let mut components = vec![Component::new("@method"), Component::new("@target-uri")];
                if body.is_some() {
                    components.push(Component::new("content-digest"));
                }
                let params = SignatureParams::new(components)
                    .with_created(now.timestamp())
                    .with_keyid(self.key_id);
                let signed = rfc9421::sign(&request, DEFAULT_LABEL, &params, self.key)?;
                vec![
                    ("Signature-Input", signed.signature_input),
                    ("Signature", signed.signature),
                ]
            }
        };
        headers.extend(signature_headers);
        Ok(headers)
    }
}

/// `host[:port]`, the port only when not the scheme's default.
fn authority(url: &Url) -> Result<String, SignError> {
    let host = url
        .host_str()
        .ok_or_else(|| SignError::NoHost(url.to_string()))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The origin-form target: path and `?query`.
fn target(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}
