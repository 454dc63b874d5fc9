//! Mastodon's rules for accepting a signed request, for inboxes and
//! authorized fetch, over either signature format.
//!
//! A request with a `Signature-Input` header is read as RFC 9421, any other
//! request with a `Signature` header as draft-cavage. Then, before any key
//! is fetched, [`SignedRequest::new`] checks what Mastodon checks
//! (`app/lib/signed_request.rb`), in the same order and with the same
//! messages:
//!
//! 1. the required parameters are present (`keyId` and `signature`;
//!    `keyid` and `created`) and the algorithm is supported;
//! 2. the request is fresh: it expires at `expires`, or 5 minutes after its
//!    `Date` / `created` (and never more than 12 hours after), and is
//!    refused once that moment is more than an hour past, or when it claims
//!    to be created more than an hour in the future. For draft-cavage only
//!    values the signature covers count: the `Date` header when `date` is
//!    covered, `created` and `expires` when `(created)` and `(expires)` are
//!    (unlike Mastodon, which trusts the uncovered parameters);
//! 3. the signature covers enough: draft-cavage must cover `date` or
//!    `(created)`, and `(request-target)` or `digest`; GET must cover
//!    `host`; POST must cover `digest`. RFC 9421 must cover `@method` and
//!    `@target-uri`, and POST must cover `content-digest`;
//! 4. a covered digest header matches the body's SHA-256.
//!
//! The caller then looks up [`SignedRequest::key_id`] and calls
//! [`SignedRequest::verify`]; on [`VerifyError::VerificationFailed`] it may
//! refetch the key once and try again, as Mastodon does.
use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

use super::cavage::{self, CavageError, SignatureHeader, CREATED, EXPIRES, REQUEST_TARGET};
use super::date::parse_http_date;
use super::digest::{self, DigestError};
use super::keys::{KeyError, PublicKey, SignatureAlgorithm};
use super::request::{Headers, HttpRequest};
use super::rfc9421::{self, Rfc9421Error};
use super::SignatureFormat;

/// How long a request stays valid after its `Date` or `created` when it
/// gives no `expires`.
pub const DEFAULT_EXPIRY: Duration = Duration::minutes(5);
/// The latest a request may expire after its `Date` or `created`, whatever
/// its `expires` says.
pub const EXPIRATION_WINDOW_LIMIT: Duration = Duration::hours(12);
/// Clock difference tolerated in either direction.
pub const CLOCK_SKEW_MARGIN: Duration = Duration::hours(1);

/// Why a signed request is refused. The messages are Mastodon's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// There is no `Signature` header.
    #[error("Request not signed")]
    NotSigned,
    /// The draft-cavage `Signature` header is unusable, or asks for a
    /// signing string that cannot be built.
    #[error(transparent)]
    Cavage(#[from] CavageError),
    /// The RFC 9421 headers are unusable, or cover what cannot be computed.
    #[error(transparent)]
    Rfc9421(#[from] Rfc9421Error),
    /// An RFC 9421 signature lacks `keyid` or `created`.
    #[error("Incompatible request signature. keyid and created are required")]
    MissingRfc9421Parameters,
    /// A draft-cavage algorithm other than `rsa-sha256` and `hs2019`.
    #[error("Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)")]
    UnsupportedAlgorithm(String),
    /// The `Date` header cannot be read, or a timestamp is out of range.
    #[error("Invalid Date header: {0}")]
    InvalidDate(String),
    /// Too old, or too far in the future.
    #[error("Signed request date outside acceptable time window")]
    OutsideTimeWindow,
    /// Neither `date` nor `(created)` is covered.
    #[error("Mastodon requires the Date header or (created) pseudo-header to be signed")]
    DateNotSigned,
    /// Neither `(request-target)` nor `digest` is covered.
    #[error("Mastodon requires the Digest header or (request-target) pseudo-header to be signed")]
    TargetNotSigned,
    /// A GET that does not cover `host`.
    #[error("Mastodon requires the Host header to be signed when doing a GET request")]
    HostNotSigned,
    /// A POST that does not cover `digest`.
    #[error("Mastodon requires the Digest header to be signed when doing a POST request")]
    DigestNotSigned,
    /// An RFC 9421 signature that does not cover `@method` and `@target-uri`.
    #[error("Mastodon requires the @method and @target-uri derived components to be signed")]
    MethodAndTargetUriNotSigned,
    /// An RFC 9421 POST that does not cover `content-digest`.
    #[error("Mastodon requires the Content-Digest header to be signed when doing a POST request")]
    ContentDigestNotSigned,
    /// `digest` is covered but the header is absent.
    #[error("Digest header missing")]
    DigestMissing,
    /// `content-digest` is covered but the header is absent.
    #[error("Content-Digest header missing")]
    ContentDigestMissing,
    /// The digest header does not match the body.
    #[error(transparent)]
    Digest(#[from] DigestError),
    /// The supplied public key is unusable (bad PEM, wrong size).
    #[error(transparent)]
    Key(KeyError),
    /// The signature does not match under the supplied key. The key may
    /// be stale: refetch it once and retry.
    #[error("Verification failed for {key_id} using {}", algorithm.describe())]
    VerificationFailed {
        /// The key the signature claims.
        key_id: String,
        /// The scheme tried.
        algorithm: SignatureAlgorithm,
    },
}

/// A signed request that passed every check but the cryptographic one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    format: SignatureFormat,
    key_id: String,
    algorithm: SignatureAlgorithm,
    /// The signed texts to try, best first: for draft-cavage the signing
    /// string with the query string, then without it (older Mastodon
    /// versions left it out of `(request-target)`).
    messages: Vec<String>,
    signature: Vec<u8>,
    /// The last moment the request is accepted (expiry plus the clock
    /// skew margin); `None` when it names no date at all.
    valid_until: Option<DateTime<Utc>>,
}

impl SignedRequest {
    /// Reads the signature of `request` and applies Mastodon's rules at
    /// time `now`. On success, look the key up with
    /// [`key_id`](Self::key_id) and finish with [`verify`](Self::verify).
    pub fn new<H: Headers + ?Sized>(
        request: &HttpRequest<'_, H>,
        now: DateTime<Utc>,
    ) -> Result<SignedRequest, VerifyError> {
        let Some(signature) = request.headers.get_combined("signature") else {
            return Err(VerifyError::NotSigned);
        };
        match request.headers.get_combined("signature-input") {
            Some(input) => from_rfc9421(request, &input, &signature, now),
            None => from_cavage(request, &signature, now),
        }
    }

    /// The key the request claims to be signed with (for ActivityPub, the
    /// actor's key URI).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The signature format.
    pub fn format(&self) -> SignatureFormat {
        self.format
    }

    /// The RSA scheme the signature will be checked with.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The last moment at which this request still passes the freshness
    /// rule (its expiry plus [`CLOCK_SKEW_MARGIN`]). A replay cache must
    /// remember the request at least until then. `None` only for a request
    /// that names neither a date nor an expiry.
    pub fn valid_until(&self) -> Option<DateTime<Utc>> {
        self.valid_until
    }

    /// The raw signature bytes: what identifies this request against
    /// replays. The header text is no good for that, because the same
    /// signature can be re-sent with its parameters reordered or spaced
    /// differently; the decoded bytes cannot be changed without breaking
    /// the signature.
    pub fn signature_bytes(&self) -> &[u8] {
        &self.signature
    }

    /// The text that was (supposedly) signed, for diagnostics.
    pub fn signed_text(&self) -> &str {
        self.messages
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Checks the signature under `key`.
    pub fn verify(&self, key: &PublicKey) -> Result<(), VerifyError> {
        for message in &self.messages {
            match key.verify(self.algorithm, message.as_bytes(), &self.signature) {
                Ok(()) => return Ok(()),
                Err(KeyError::SignatureMismatch) => continue,
                Err(other) => return Err(VerifyError::Key(other)),
            }
        }
        Err(VerifyError::VerificationFailed {
            key_id: self.key_id.clone(),
            algorithm: self.algorithm,
        })
    }

    /// Checks the signature under a public key PEM (SPKI or PKCS#1), as
    /// found in an actor's `publicKeyPem`.
    pub fn verify_pem(&self, public_key_pem: &str) -> Result<(), VerifyError> {
        let key = PublicKey::from_pem(public_key_pem).map_err(VerifyError::Key)?;
        self.verify(&key)
    }
}

/// The key id a request's signature names, without checking anything else
/// (for logging refused requests). `None` when unsigned or unreadable.
pub fn claimed_key_id<H: Headers + ?Sized>(headers: &H) -> Option<String> {
    let signature = headers.get_combined("signature")?;
    match headers.get_combined("signature-input") {
        Some(input) => rfc9421::parse(&input, &signature)
            .ok()?
            .into_iter()
            .next()?
            .params
            .keyid()
            .map(str::to_owned),
        None => SignatureHeader::parse(&signature).ok().map(|h| h.key_id),
    }
}

fn from_cavage<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<SignedRequest, VerifyError> {
    let header = SignatureHeader::parse(signature)?;
    let algorithm = header.effective_algorithm();
    let Some(scheme) = algorithm.rsa_scheme() else {
        return Err(VerifyError::UnsupportedAlgorithm(
            algorithm.as_str().to_owned(),
        ));
    };

    let covered = header.covered();
    let covers = |name: &str| covered.iter().any(|h| h == name);
    let (created, expires) = covered_times(request, &header, &covers)?;
    let valid_until = check_time_window(created, expires, now)?;

    require([
        (
            covers("date") || covers(CREATED),
            VerifyError::DateNotSigned,
        ),
        (
            covers(REQUEST_TARGET) || covers("digest"),
            VerifyError::TargetNotSigned,
        ),
        (
            !request.is_method("GET") || covers("host"),
            VerifyError::HostNotSigned,
        ),
        (
            !request.is_method("POST") || covers("digest"),
            VerifyError::DigestNotSigned,
        ),
    ])?;
    if covers("digest") {
        check_body_digest(
            request,
            "digest",
            VerifyError::DigestMissing,
            digest::verify_digest_header,
        )?;
    }

    let mut messages = vec![cavage::signing_string(request, &header)?];
    if covers(REQUEST_TARGET) && request.query().is_some() {
        let without_query = HttpRequest {
            target: request.path(),
            ..*request
        };
        messages.push(cavage::signing_string(&without_query, &header)?);
    }
    Ok(SignedRequest {
        format: SignatureFormat::Cavage,
        key_id: header.key_id,
        algorithm: scheme,
        messages,
        signature: header.signature,
        valid_until,
    })
}

fn from_rfc9421<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    input: &str,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<SignedRequest, VerifyError> {
    let signature = rfc9421::parse(input, signature)?
        .into_iter()
        .next()
        .ok_or(Rfc9421Error::NoSignatures)?;
    let params = &signature.params;
    let (Some(key_id), Some(created)) =
        (params.keyid().filter(|k| !k.is_empty()), params.created())
    else {
        return Err(VerifyError::MissingRfc9421Parameters);
    };
    let algorithm = params.algorithm()?;

    let expires = params.expires().map(timestamp).transpose()?;
    let valid_until = check_time_window(Some(timestamp(created)?), expires, now)?;

    require([
        (
            params.covers("@method") && params.covers("@target-uri"),
            VerifyError::MethodAndTargetUriNotSigned,
        ),
        (
            !request.is_method("POST") || params.covers("content-digest"),
            VerifyError::ContentDigestNotSigned,
        ),
    ])?;
    if params.covers("content-digest") {
        check_body_digest(
            request,
            "content-digest",
            VerifyError::ContentDigestMissing,
            digest::verify_content_digest_header,
        )?;
    }

    let base = rfc9421::signature_base(request, params)?;
    Ok(SignedRequest {
        format: SignatureFormat::Rfc9421,
        key_id: key_id.to_owned(),
        algorithm,
        messages: vec![base],
        signature: signature.signature,
        valid_until,
    })
}

type Time = DateTime<Utc>;

/// The creation time and expiry a draft-cavage signature vouches for:
/// `(created)` when it is covered, else the `Date` header when `date` is
/// covered; `(expires)` only when covered. The `algorithm`, `created` and
/// `expires` parameters are not covered by the signature themselves, so a
/// replayer can rewrite them; a value the signature does not cover says
/// nothing about when the request was made.
fn covered_times<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    header: &SignatureHeader,
    covers: &dyn Fn(&str) -> bool,
) -> Result<(Option<Time>, Option<Time>), VerifyError> {
    let created = if covers(CREATED) {
        let created = header
            .created
            .ok_or(CavageError::PseudoHeaderArgumentMissing(CREATED))?;
        Some(timestamp(created)?)
    } else if covers("date") {
        let date = request
            .headers
            .get_combined("date")
            .ok_or_else(|| CavageError::MissingHeader("date".to_owned()))?;
        Some(parse_http_date(&date).ok_or_else(|| {
            VerifyError::InvalidDate(format!("not RFC 2616 compliant date: {date:?}"))
        })?)
    } else {
        None
    };
    let expires = if covers(EXPIRES) {
        let expires = header
            .expires
            .ok_or(CavageError::PseudoHeaderArgumentMissing(EXPIRES))?;
        Some(timestamp(expires)?)
    } else {
        None
    };
    Ok((created, expires))
}

/// Fails with the error of the first rule that does not hold.
fn require<const N: usize>(rules: [(bool, VerifyError); N]) -> Result<(), VerifyError> {
    match rules.into_iter().find(|(holds, _)| !holds) {
        Some((_, error)) => Err(error),
        None => Ok(()),
    }
}

/// Checks the digest header `name` against the body; `missing` when absent.
fn check_body_digest<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    name: &str,
    missing: VerifyError,
    check: fn(&str, &[u8]) -> Result<(), DigestError>,
) -> Result<(), VerifyError> {
    let value = request.headers.get_combined(name).ok_or(missing)?;
    check(&value, request.body)?;
    Ok(())
}

fn timestamp(seconds: i64) -> Result<DateTime<Utc>, VerifyError> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| VerifyError::InvalidDate(format!("timestamp {seconds} out of range")))
}

/// Mastodon's freshness rule: expiry is `expires`, or `created` + 5 min,
/// capped at `created` + 12 h; refuse when `created` is over an hour ahead
/// of `now` or `now` is over an hour past expiry. Returns the last moment
/// the request is accepted (expiry plus the skew margin).
fn check_time_window(
    created: Option<DateTime<Utc>>,
    expires: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, VerifyError> {
    let expires = match created {
        Some(created) => {
            if created > now + CLOCK_SKEW_MARGIN {
                return Err(VerifyError::OutsideTimeWindow);
            }
            let expires = expires.unwrap_or(created + DEFAULT_EXPIRY);
            Some(expires.min(created + EXPIRATION_WINDOW_LIMIT))
        }
        None => expires,
    };
    let valid_until = expires.map(|expires| expires + CLOCK_SKEW_MARGIN);
    match valid_until {
        Some(until) if now > until => Err(VerifyError::OutsideTimeWindow),
        _ => Ok(valid_until),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn only_covered_times_count() {
        let date = super::super::date::format_http_date(t(0));
        let headers = [("date", date.as_str())];
        let request = HttpRequest {
            method: "POST",
            scheme: "https",
            authority: "example.com",
            target: "/inbox",
            headers: &headers[..],
            body: b"",
        };
        let header = |covered: &str, created, expires| SignatureHeader {
            key_id: "k".into(),
            algorithm: Some(cavage::Algorithm::Hs2019),
            headers: Some(covered.split(' ').map(str::to_owned).collect()),
            signature: vec![1],
            created,
            expires,
        };
        let times = |h: &SignatureHeader| {
            let covered = h.covered();
            covered_times(&request, h, &|name| covered.iter().any(|c| c == name))
        };
        // `created` and `expires` that the signature does not cover are ignored.
        assert_eq!(
            times(&header(
                "date digest",
                Some(t(999).timestamp()),
                Some(t(9999).timestamp())
            )),
            Ok((Some(t(0)), None))
        );
        // Covered, they count (and `(created)` before `date`).
        assert_eq!(
            times(&header(
                "(created) (expires) date",
                Some(t(5).timestamp()),
                Some(t(60).timestamp())
            )),
            Ok((Some(t(5)), Some(t(60))))
        );
        // Covered but absent: an error, not "no date".
        assert_eq!(
            times(&header("(created)", None, None)),
            Err(CavageError::PseudoHeaderArgumentMissing(CREATED).into())
        );
        // Neither covered: no time at all (refused later as DateNotSigned).
        assert_eq!(
            times(&header("digest", Some(t(0).timestamp()), None)),
            Ok((None, None))
        );
    }

    #[test]
    fn time_window_matches_mastodon() {
        let created = t(0);
        let ok = |now| check_time_window(Some(created), None, now).is_ok();
        // Valid for 5 minutes plus an hour of skew...
        assert!(ok(t(0)));
        assert!(ok(t(5 * 60 + 3600)));
        assert!(!ok(t(5 * 60 + 3600 + 1)));
        // ...and up to an hour before it was created.
        assert!(ok(t(-3600)));
        assert!(!ok(t(-3601)));
        // An explicit expiry replaces the five minutes, but is capped at 12 h.
        assert!(check_time_window(Some(created), Some(t(60)), t(60 + 3600)).is_ok());
        assert!(check_time_window(Some(created), Some(t(60)), t(61 + 3600)).is_err());
        assert!(check_time_window(Some(created), Some(t(86_400)), t(12 * 3600 + 3600)).is_ok());
        assert!(check_time_window(Some(created), Some(t(86_400)), t(12 * 3600 + 3601)).is_err());
        // Without a creation time only an explicit expiry counts.
        assert!(check_time_window(None, None, t(1_000_000)).is_ok());
        assert!(check_time_window(None, Some(t(0)), t(3601)).is_err());
    }

    #[test]
    fn valid_until_is_the_end_of_the_window() {
        // Dated an hour ahead with the default expiry: accepted until
        // 2 h 5 min from now, longer than a fixed 2-hour replay memory.
        let now = t(0);
        assert_eq!(
            check_time_window(Some(t(3600)), None, now),
            Ok(Some(t(3600 + 5 * 60 + 3600)))
        );
        // An explicit 12-hour expiry keeps it acceptable for 13 hours.
        assert_eq!(
            check_time_window(Some(now), Some(t(86_400)), now),
            Ok(Some(t(13 * 3600)))
        );
        assert_eq!(check_time_window(None, None, now), Ok(None));
    }
}
