//! Signed requests to other servers: fetching documents (signed GET, which
//! servers in authorized-fetch mode require) and delivering activities
//! (signed POST). Both go through the remote HTTP client, which refuses
//! private addresses unless FERRODON_DEV_ALLOW_PRIVATE_FETCH is set.
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use chrono::Utc;
use ferrodon_apub::signatures::keys::{KeyError, PrivateKey};
use ferrodon_apub::signatures::sign::Signer;
use ferrodon_apub::signatures::SignatureFormat;
use ferrodon_db::models::Account;

use super::documents::key_id;
use crate::http_client::{send_limited, FetchError};
use crate::AppState;

/// Largest ActivityPub document fetched or accepted.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 20;
/// Time allowed for one fetch or delivery.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What `Accept` a fetch of an ActivityPub document sends.
pub const ACCEPT: &str =
    "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

/// Why a signed request failed.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The request itself failed (address refused, status, transport).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The signer has no usable private key.
    #[error("account {0} cannot sign: {1}")]
    Key(i64, String),
    /// The answer is not a usable document.
    #[error("unusable document from {url}: {reason}")]
    Document {
        /// Where it came from.
        url: String,
        /// What is wrong.
        reason: String,
    },
}

impl FederationError {
    /// True when retrying later may succeed (timeouts, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            FederationError::Fetch(FetchError::Transport { .. }) => true,
            FederationError::Fetch(FetchError::Status { status, .. }) => {
                *status >= 500 || *status == 429 || *status == 408
            }
            _ => false,
        }
    }
}

/// Parsed private keys by account id, with the PEM they were parsed from.
/// Parsing a PEM and the first signature with a fresh key (which builds the
/// key's Montgomery contexts) cost more than a signature itself, once per
/// delivery; a cached key pays them once per process. A changed PEM (a
/// rotated key) is parsed again.
type KeyCache = HashMap<i64, (String, Arc<PrivateKey>)>;
static KEYS: LazyLock<Mutex<KeyCache>> = LazyLock::new(Mutex::default);
/// Most keys kept; the cache starts over when full (only local accounts
/// that deliver, and the instance actor, sign).
const MAX_CACHED_KEYS: usize = 4096;

/// Who signs a request: a local account's id (the key cache's key, and
/// named in errors), its ActivityPub id and its private key. Usually
/// borrowed from the account's row; a deleted account's `Delete` is signed
/// from a copy the delivery job carries.
#[derive(Clone, Copy)]
pub struct SigningActor<'a> {
    /// The account's id.
    pub account_id: i64,
    /// Its ActivityPub id (the key id is derived from it).
    pub uri: &'a str,
    /// Its private key (PEM), if it has one.
    pub private_key: Option<&'a str>,
}

impl<'a> From<&'a Account> for SigningActor<'a> {
    fn from(account: &'a Account) -> Self {
        SigningActor {
            account_id: account.id,
            uri: &account.uri,
            private_key: account.private_key.as_deref(),
        }
    }
}

impl std::fmt::Debug for SigningActor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningActor")
            .field("account_id", &self.account_id)
            .field("uri", &self.uri)
            .finish_non_exhaustive()
    }
}

fn private_key(signer: SigningActor<'_>) -> Result<Arc<PrivateKey>, FederationError> {
    let pem = signer
        .private_key
        .ok_or_else(|| FederationError::Key(signer.account_id, "no private key".into()))?;
    cached_key(signer.account_id, pem)
        .map_err(|e| FederationError::Key(signer.account_id, e.to_string()))
}

/// Account `id`'s key parsed from `pem`, from the cache when it holds that
/// very PEM.
fn cached_key(id: i64, pem: &str) -> Result<Arc<PrivateKey>, KeyError> {
    let cached = KEYS.lock().ok().and_then(|keys| match keys.get(&id) {
        Some((cached_pem, key)) if cached_pem == pem => Some(key.clone()),
        _ => None,
    });
    if let Some(key) = cached {
        return Ok(key);
    }
    let key = Arc::new(PrivateKey::from_pem(pem)?);
    if let Ok(mut keys) = KEYS.lock() {
        if keys.len() >= MAX_CACHED_KEYS {
            keys.clear();
        }
        keys.insert(id, (pem.to_owned(), key.clone()));
    }
    Ok(key)
}

fn signature_headers(
    signer: SigningActor<'_>,
    key: &PrivateKey,
    format: SignatureFormat,
    method: &str,
    url: &str,
    body: Option<&[u8]>,
) -> Result<Vec<(&'static str, String)>, FederationError> {
    let parsed = url::Url::parse(url).map_err(|e| FederationError::Document {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let key_id = key_id(signer.uri);
    Signer {
        key_id: &key_id,
        key,
    }
    .sign(format, method, &parsed, body, Utc::now())
    .map_err(|e| FederationError::Key(signer.account_id, e.to_string()))
}

/// Whether a Content-Type names an ActivityPub document
/// (`application/activity+json`, or `application/ld+json` with any
/// profile). Anything else, `application/json` and `text/plain` included,
/// may be a file a user uploaded to that server, not a document the
/// server itself publishes.
pub fn is_activitypub_media_type(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case("application/activity+json")
        || media_type.eq_ignore_ascii_case("application/ld+json")
}

/// A fetched ActivityPub document and the URL that served it.
#[derive(Debug)]
pub struct FetchedDocument {
    /// The JSON.
    pub value: serde_json::Value,
    /// The URL that answered, after any redirects.
    pub url: String,
}

/// Fetches an ActivityPub document, signed by `signer`. An answer that is
/// not of an ActivityPub media type is refused. The caller decides whether
/// the document may speak for [`FetchedDocument::url`]'s server.
pub async fn signed_fetch(
    state: &AppState,
    signer: &Account,
    url: &str,
) -> Result<FetchedDocument, FederationError> {
    let signer = SigningActor::from(signer);
    let key = private_key(signer)?;
    let mut headers = signature_headers(signer, &key, SignatureFormat::Cavage, "GET", url, None)?;
    headers.push(("Accept", ACCEPT.to_owned()));
    let fetched = send_limited(
        &state.http,
        reqwest::Method::GET,
        url,
        &headers,
        None,
        MAX_DOCUMENT_BYTES,
        REQUEST_TIMEOUT,
    )
    .await?;
    let content_type = fetched.content_type.as_deref().unwrap_or_default();
    if !is_activitypub_media_type(content_type) {
        return Err(FederationError::Document {
            url: fetched.final_url,
            reason: format!("served as {content_type:?}, not as an ActivityPub document"),
        });
    }
    let value = serde_json::from_slice(&fetched.bytes).map_err(|e| FederationError::Document {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(FetchedDocument {
        value,
        url: fetched.final_url,
    })
}

/// Posts an activity to an inbox, signed by `signer`: draft-cavage first,
/// and once more with RFC 9421 when the peer answers 400 or 401 (as
/// Mastodon 4.7 does).
pub async fn deliver(
    state: &AppState,
    signer: &Account,
    inbox: &str,
    body: &[u8],
    extra_headers: &[(&'static str, String)],
) -> Result<(), FederationError> {
    deliver_signed_by(
        state,
        SigningActor::from(signer),
        inbox,
        body,
        extra_headers,
    )
    .await
}

/// [`deliver`], signed by `signer` whether or not its account still exists.
pub async fn deliver_signed_by(
    state: &AppState,
    signer: SigningActor<'_>,
    inbox: &str,
    body: &[u8],
    extra_headers: &[(&'static str, String)],
) -> Result<(), FederationError> {
    let key = private_key(signer)?;
    let mut last = None;
    for format in [SignatureFormat::Cavage, SignatureFormat::Rfc9421] {
        let mut headers = signature_headers(signer, &key, format, "POST", inbox, Some(body))?;
        headers.push(("Content-Type", "application/activity+json".to_owned()));
        headers.extend(extra_headers.iter().cloned());
        match send_limited(
            &state.http,
            reqwest::Method::POST,
            inbox,
            &headers,
            Some(body.to_vec()),
            64 << 10,
            REQUEST_TIMEOUT,
        )
        .await
        {
            Ok(_) => return Ok(()),
            Err(FetchError::Status { status, url }) if status == 400 || status == 401 => {
                last = Some(FetchError::Status { status, url });
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.map(FederationError::from).unwrap_or_else(|| {
        FederationError::Key(signer.account_id, "no signature format left".into())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_activitypub_media_types_are_documents() {
        for ok in [
            "application/activity+json",
            "application/activity+json; charset=utf-8",
            "Application/LD+JSON; profile=\"https://www.w3.org/ns/activitystreams\"",
        ] {
            assert!(is_activitypub_media_type(ok), "{ok}");
        }
        for bad in [
            "application/json",
            "text/plain",
            "text/html",
            "",
            "application/activity+jsonx",
        ] {
            assert!(!is_activitypub_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn parsed_keys_are_cached_until_the_pem_changes() {
        let a = PrivateKey::generate().unwrap().to_pkcs8_pem().unwrap();
        let b = PrivateKey::generate().unwrap().to_pkcs8_pem().unwrap();
        let id = -4_242_424;
        let first = cached_key(id, &a).unwrap();
        assert!(Arc::ptr_eq(&first, &cached_key(id, &a).unwrap()));
        // A rotated key is parsed again.
        let rotated = cached_key(id, &b).unwrap();
        assert!(!Arc::ptr_eq(&first, &rotated));
        assert_eq!(
            rotated.public_key_pem().unwrap(),
            PrivateKey::from_pem(&b).unwrap().public_key_pem().unwrap()
        );
        assert!(cached_key(id, "not a key").is_err());
    }
}
