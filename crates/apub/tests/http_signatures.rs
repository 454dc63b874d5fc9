//! HTTP signatures through the public API: sign with [`Signer`], verify with
//! [`SignedRequest`] under Mastodon's rules, and the ways requests fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use ferrodon_apub::signatures::cavage::{self, CavageError, SignatureHeader};
use ferrodon_apub::signatures::digest::DigestError;
use ferrodon_apub::signatures::keys::{
    generate_rsa_key_pair, GeneratedKeyPair, KeyError, PrivateKey,
};
use ferrodon_apub::signatures::request::HttpRequest;
use ferrodon_apub::signatures::rfc9421::{self, Component, SignatureParams};
use ferrodon_apub::signatures::sign::Signer;
use ferrodon_apub::signatures::verify::{claimed_key_id, SignedRequest, VerifyError};
use ferrodon_apub::signatures::SignatureFormat;
use url::Url;

const KEY_ID: &str = "https://remote.example/users/bob#main-key";
const INBOX: &str = "https://ferrodon.example/users/alice/inbox";
const BODY: &[u8] = br#"{"type":"Follow","actor":"https://remote.example/users/bob"}"#;

fn keys() -> &'static (GeneratedKeyPair, GeneratedKeyPair) {
    static KEYS: OnceLock<(GeneratedKeyPair, GeneratedKeyPair)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            generate_rsa_key_pair().unwrap(),
            generate_rsa_key_pair().unwrap(),
        )
    })
}

fn public_pem() -> &'static str {
    &keys().0.public_key_pem
}

fn other_public_pem() -> &'static str {
    &keys().1.public_key_pem
}

fn private_key() -> PrivateKey {
    PrivateKey::from_pem(&keys().0.private_key_pem).unwrap()
}

fn signed_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

const FORMATS: [SignatureFormat; 2] = [SignatureFormat::Cavage, SignatureFormat::Rfc9421];

/// A received request: what the server sees.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn request(&self) -> HttpRequest<'_, Vec<(String, String)>> {
        HttpRequest {
            method: &self.method,
            scheme: "https",
            authority: "ferrodon.example",
            target: &self.target,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn check(&self, now: DateTime<Utc>) -> Result<SignedRequest, VerifyError> {
        SignedRequest::new(&self.request(), now)
    }

    /// Why the request is refused at the time it was signed.
    fn refusal(&self) -> VerifyError {
        self.check(signed_at()).unwrap_err()
    }

    fn verify(&self, now: DateTime<Utc>, pem: &str) -> Result<SignedRequest, VerifyError> {
        let signed = self.check(now)?;
        signed.verify_pem(pem)?;
        Ok(signed)
    }

    fn header(&self, name: &str) -> &str {
        &self
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .unwrap()
            .1
    }

    fn set_header(&mut self, name: &str, value: &str) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }
}

fn send(
    format: SignatureFormat,
    method: &str,
    url: &str,
    body: Option<&[u8]>,
    at: DateTime<Utc>,
) -> Received {
    let key = private_key();
    let signer = Signer {
        key_id: KEY_ID,
        key: &key,
    };
    let url = Url::parse(url).unwrap();
    let added = signer.sign(format, method, &url, body, at).unwrap();
    let mut headers = vec![
        ("Host".to_owned(), url.host_str().unwrap().to_owned()),
        (
            "Content-Type".to_owned(),
            "application/activity+json".to_owned(),
        ),
    ];
    for (name, value) in added {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        headers.push((name.to_owned(), value));
    }
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    Received {
        method: method.to_owned(),
        target,
        headers,
        body: body.unwrap_or_default().to_vec(),
    }
}

fn post(format: SignatureFormat) -> Received {
    send(format, "POST", INBOX, Some(BODY), signed_at())
}

fn get(format: SignatureFormat) -> Received {
    send(
        format,
        "GET",
        "https://ferrodon.example/users/alice/outbox?page=true&min_id=0",
        None,
        signed_at(),
    )
}

#[test]
fn sent_headers_have_mastodon_shapes() {
    let cavage = post(SignatureFormat::Cavage);
    assert_eq!(cavage.header("Host"), "ferrodon.example");
    assert_eq!(cavage.header("Date"), "Sun, 01 Mar 2026 12:00:00 GMT");
    assert!(cavage.header("Digest").starts_with("SHA-256="));
    let signature = cavage.header("Signature");
    assert!(signature.starts_with(&format!(
        r#"keyId="{KEY_ID}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature=""#
    )));
    assert!(!get(SignatureFormat::Cavage)
        .headers
        .iter()
        .any(|(k, _)| k == "Digest"));

    let rfc = post(SignatureFormat::Rfc9421);
    assert!(rfc.header("Content-Digest").starts_with("sha-256=:"));
    assert_eq!(
        rfc.header("Signature-Input"),
        format!(
            r#"sig1=("@method" "@target-uri" "content-digest");created={};keyid="{KEY_ID}""#,
            signed_at().timestamp()
        )
    );
    assert!(rfc.header("Signature").starts_with("sig1=:"));
    assert_eq!(
        get(SignatureFormat::Rfc9421).header("Signature-Input"),
        format!(
            r#"sig1=("@method" "@target-uri");created={};keyid="{KEY_ID}""#,
            signed_at().timestamp()
        )
    );
}

#[test]
fn round_trips() {
    for format in FORMATS {
        for received in [post(format), get(format)] {
            let signed = received
                .verify(signed_at() + Duration::seconds(5), public_pem())
                .unwrap_or_else(|e| panic!("{format:?} {}: {e}", received.method));
            assert_eq!(signed.key_id(), KEY_ID);
            assert_eq!(signed.format(), format);
            assert_eq!(claimed_key_id(&received.headers).as_deref(), Some(KEY_ID));
        }
    }
}

#[test]
fn tampered_body_fails_the_digest_check() {
    for format in FORMATS {
        let mut received = post(format);
        received.body = br#"{"type":"Delete"}"#.to_vec();
        let err = received.refusal();
        assert!(
            matches!(err, VerifyError::Digest(DigestError::Mismatch { .. })),
            "{format:?}: {err}"
        );
        assert!(err
            .to_string()
            .starts_with("Invalid Digest value. Computed SHA-256 digest: "));
    }
}

#[test]
fn tampered_target_method_or_date_fails_verification() {
    for format in FORMATS {
        let mut other_inbox = post(format);
        other_inbox.target = "/users/mallory/inbox".to_owned();
        let mut other_method = post(format);
        other_method.method = "PUT".to_owned();
        for received in [other_inbox, other_method] {
            assert!(matches!(
                received.verify(signed_at(), public_pem()),
                Err(VerifyError::VerificationFailed { .. })
            ));
        }
    }
    let mut redated = post(SignatureFormat::Cavage);
    redated.set_header("Date", "Sun, 01 Mar 2026 12:00:01 GMT");
    assert!(matches!(
        redated.verify(signed_at(), public_pem()),
        Err(VerifyError::VerificationFailed { .. })
    ));
}

#[test]
fn wrong_key_fails_then_refetched_key_succeeds() {
    for format in FORMATS {
        let signed = post(format).check(signed_at()).unwrap();
        let err = signed.verify_pem(other_public_pem()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Verification failed for {KEY_ID} using rsa-sha256 (RSASSA-PKCS1-v1_5 with SHA-256)")
        );
        // The caller refetches the actor's key and retries once.
        signed.verify_pem(public_pem()).unwrap();
    }
}

#[test]
fn unusable_key_pem_is_a_key_error() {
    let signed = post(SignatureFormat::Cavage).check(signed_at()).unwrap();
    assert!(matches!(
        signed.verify_pem("not a key"),
        Err(VerifyError::Key(KeyError::Pem(_)))
    ));
}

#[test]
fn time_window_follows_mastodon() {
    let five_minutes_and_an_hour = Duration::minutes(5) + Duration::hours(1);
    for format in FORMATS {
        let received = post(format);
        // Still acceptable at the very edge...
        received
            .verify(signed_at() + five_minutes_and_an_hour, public_pem())
            .unwrap();
        received
            .verify(signed_at() - Duration::hours(1), public_pem())
            .unwrap();
        // ...stale one second later,
        let err = received
            .check(signed_at() + five_minutes_and_an_hour + Duration::seconds(1))
            .unwrap_err();
        assert_eq!(err, VerifyError::OutsideTimeWindow);
        assert_eq!(
            err.to_string(),
            "Signed request date outside acceptable time window"
        );
        // ...and too far in the future one second earlier.
        assert_eq!(
            received
                .check(signed_at() - Duration::hours(1) - Duration::seconds(1))
                .unwrap_err(),
            VerifyError::OutsideTimeWindow
        );
    }
}

#[test]
fn rfc9421_expires_is_honoured() {
    let key = private_key();
    let received = post(SignatureFormat::Rfc9421);
    let params = SignatureParams::new(vec![
        Component::new("@method"),
        Component::new("@target-uri"),
        Component::new("content-digest"),
    ])
    .with_created(signed_at().timestamp())
    .with_expires(signed_at().timestamp() + 30)
    .with_keyid(KEY_ID);
    let signed = rfc9421::sign(&received.request(), "sig1", &params, &key).unwrap();
    let mut received = received.clone();
    received.set_header("Signature-Input", &signed.signature_input);
    received.set_header("Signature", &signed.signature);
    received
        .verify(signed_at() + Duration::seconds(30 + 3600), public_pem())
        .unwrap();
    assert_eq!(
        received
            .check(signed_at() + Duration::seconds(31 + 3600))
            .unwrap_err(),
        VerifyError::OutsideTimeWindow
    );
}

#[test]
fn unsigned_and_unparsable_requests() {
    let mut received = post(SignatureFormat::Cavage);
    received.remove_header("Signature");
    assert_eq!(received.refusal(), VerifyError::NotSigned);
    assert_eq!(VerifyError::NotSigned.to_string(), "Request not signed");
    assert_eq!(claimed_key_id(&received.headers), None);

    received.set_header("Signature", "garbage");
    let err = received.refusal();
    assert!(matches!(
        err,
        VerifyError::Cavage(CavageError::Malformed(_))
    ));
    assert!(err
        .to_string()
        .starts_with("Error parsing signature parameters"));

    received.set_header("Signature", r#"keyId="a",keyId="b",signature="AAEC""#);
    assert_eq!(
        received.refusal(),
        VerifyError::Cavage(CavageError::DuplicateParameter("keyId".into()))
    );

    received.set_header("Signature", r#"algorithm="rsa-sha256",signature="AAEC""#);
    assert_eq!(
        received.refusal().to_string(),
        "Incompatible request signature. keyId and signature are required"
    );

    received.set_header(
        "Signature",
        r#"keyId="a",algorithm="ed25519",signature="AAEC""#,
    );
    assert_eq!(
        received.refusal().to_string(),
        "Unsupported signature algorithm (only rsa-sha256 and hs2019 are supported)"
    );

    let mut rfc = post(SignatureFormat::Rfc9421);
    rfc.set_header("Signature-Input", r#"sig1=("@method";created=1"#);
    assert!(matches!(
        rfc.refusal(),
        VerifyError::Rfc9421(rfc9421::Rfc9421Error::Syntax { .. })
    ));
}

/// Re-signs a cavage request covering `covered` (with `algorithm`), keeping
/// the rest of the request.
fn resign_cavage(
    received: &Received,
    algorithm: cavage::Algorithm,
    covered: &[&str],
    created: Option<i64>,
) -> Received {
    let mut header = SignatureHeader {
        key_id: KEY_ID.to_owned(),
        algorithm: Some(algorithm),
        headers: Some(covered.iter().map(|h| (*h).to_owned()).collect()),
        signature: Vec::new(),
        created,
        expires: None,
    };
    if let Ok(text) = cavage::signing_string(&received.request(), &header) {
        header.signature = private_key().sign_rsa_sha256(text.as_bytes()).unwrap();
    } else {
        header.signature = vec![0];
    }
    let mut out = received.clone();
    out.set_header("Signature", &header.to_header_value());
    out
}

#[test]
fn cavage_coverage_rules() {
    let rsa = cavage::Algorithm::RsaSha256;
    let post = post(SignatureFormat::Cavage);
    let get = get(SignatureFormat::Cavage);
    let cases: [(&Received, &[&str], VerifyError); 4] = [
        (
            &post,
            &["(request-target)", "host", "digest"],
            VerifyError::DateNotSigned,
        ),
        (&post, &["host", "date"], VerifyError::TargetNotSigned),
        (
            &get,
            &["(request-target)", "date"],
            VerifyError::HostNotSigned,
        ),
        (
            &post,
            &["(request-target)", "host", "date"],
            VerifyError::DigestNotSigned,
        ),
    ];
    for (received, covered, expected) in cases {
        let resigned = resign_cavage(received, rsa.clone(), covered, None);
        assert_eq!(resigned.refusal(), expected);
    }
    assert_eq!(
        VerifyError::DateNotSigned.to_string(),
        "Mastodon requires the Date header or (created) pseudo-header to be signed"
    );
    assert_eq!(
        VerifyError::DigestNotSigned.to_string(),
        "Mastodon requires the Digest header to be signed when doing a POST request"
    );

    // A covered header that is missing.
    let mut no_digest = post.clone();
    no_digest.remove_header("Digest");
    assert_eq!(no_digest.refusal(), VerifyError::DigestMissing);
    let mut no_date = post.clone();
    no_date.remove_header("Date");
    assert_eq!(
        no_date.refusal(),
        VerifyError::Cavage(CavageError::MissingHeader("date".into()))
    );
    let mut bad_date = post.clone();
    bad_date.set_header("Date", "yesterday");
    assert!(matches!(bad_date.refusal(), VerifyError::InvalidDate(_)));
}

#[test]
fn cavage_hs2019_and_created() {
    let post = post(SignatureFormat::Cavage);
    // hs2019 over the usual headers: the Date header dates it.
    let hs2019 = resign_cavage(
        &post,
        cavage::Algorithm::Hs2019,
        &["(request-target)", "host", "date", "digest"],
        None,
    );
    hs2019.verify(signed_at(), public_pem()).unwrap();

    // hs2019 with (created): created dates it, Date need not be signed.
    let created = signed_at().timestamp();
    let with_created = resign_cavage(
        &post,
        cavage::Algorithm::Hs2019,
        &["(request-target)", "(created)", "host", "digest"],
        Some(created),
    );
    with_created.verify(signed_at(), public_pem()).unwrap();
    assert_eq!(
        with_created
            .check(signed_at() + Duration::minutes(66))
            .unwrap_err(),
        VerifyError::OutsideTimeWindow
    );

    // (created) is not allowed with rsa-sha256.
    let rsa_created = resign_cavage(
        &post,
        cavage::Algorithm::RsaSha256,
        &["(request-target)", "(created)", "host", "digest"],
        Some(created),
    );
    let err = rsa_created.refusal();
    assert_eq!(
        err.to_string(),
        "Invalid pseudo-header (created) for rsa-sha256"
    );
}

#[test]
fn cavage_accepts_request_target_without_query() {
    // Older Mastodon versions signed (request-target) without the query.
    let get = get(SignatureFormat::Cavage);
    let mut path_only = get.clone();
    path_only.target = "/users/alice/outbox".to_owned();
    let resigned = resign_cavage(
        &path_only,
        cavage::Algorithm::RsaSha256,
        &["(request-target)", "host", "date"],
        None,
    );
    let mut received = get.clone();
    received.set_header("Signature", resigned.header("Signature"));
    received.verify(signed_at(), public_pem()).unwrap();
}

/// Re-signs an RFC 9421 request with `params`.
fn resign_rfc9421(received: &Received, params: &SignatureParams) -> Received {
    let key = private_key();
    let signed = rfc9421::sign(&received.request(), "sig1", params, &key).unwrap();
    let mut out = received.clone();
    out.set_header("Signature-Input", &signed.signature_input);
    out.set_header("Signature", &signed.signature);
    out
}

#[test]
fn rfc9421_coverage_rules() {
    let post = post(SignatureFormat::Rfc9421);
    let created = signed_at().timestamp();
    let components = |names: &[&str]| names.iter().map(|n| Component::new(n)).collect::<Vec<_>>();

    let no_digest = SignatureParams::new(components(&["@method", "@target-uri"]))
        .with_created(created)
        .with_keyid(KEY_ID);
    assert_eq!(
        resign_rfc9421(&post, &no_digest).refusal(),
        VerifyError::ContentDigestNotSigned
    );

    let path_only = SignatureParams::new(components(&["@method", "@path", "content-digest"]))
        .with_created(created)
        .with_keyid(KEY_ID);
    let err = resign_rfc9421(&post, &path_only).refusal();
    assert_eq!(err, VerifyError::MethodAndTargetUriNotSigned);
    assert_eq!(
        err.to_string(),
        "Mastodon requires the @method and @target-uri derived components to be signed"
    );

    let no_created =
        SignatureParams::new(components(&["@method", "@target-uri", "content-digest"]))
            .with_keyid(KEY_ID);
    assert_eq!(
        resign_rfc9421(&post, &no_created).refusal().to_string(),
        "Incompatible request signature. keyid and created are required"
    );

    let mut missing = post.clone();
    missing.remove_header("Content-Digest");
    assert_eq!(missing.refusal(), VerifyError::ContentDigestMissing);

    let mut sha512_only = post.clone();
    sha512_only.set_header("Content-Digest", "sha-512=:AAAA:");
    assert_eq!(
        sha512_only.refusal().to_string(),
        "Mastodon only supports SHA-256 in Content-Digest header. Offered algorithms: sha-512"
    );
}
