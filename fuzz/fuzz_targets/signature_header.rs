//! HTTP signature headers as an inbox receives them: the draft-cavage
//! `Signature` header, RFC 9421's `Signature-Input` + `Signature`
//! (structured fields), digest headers, and the whole acceptance policy of
//! `SignedRequest::new` over a request built from the input.
//!
//! Input: lines. Line 1 is the `Signature` value, line 2 `Signature-Input`
//! (empty for none), line 3 `Digest`, line 4 `Content-Digest`, line 5
//! `Date`; the rest is the body.
#![no_main]
use chrono::{TimeZone, Utc};
use ferrodon_apub::signatures::{cavage, digest, request::HttpRequest, rfc9421, structured_fields, verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(6, '\n');
    let signature = lines.next().unwrap_or_default();
    let input = lines.next().unwrap_or_default();
    let digest_value = lines.next().unwrap_or_default();
    let content_digest = lines.next().unwrap_or_default();
    let date = lines.next().unwrap_or_default();
    let body = lines.next().unwrap_or_default().as_bytes();

    if let Ok(header) = cavage::SignatureHeader::parse(signature) {
        // What parses must survive a round trip through its own rendering.
        let again = cavage::SignatureHeader::parse(&header.to_header_value());
        assert!(
            again.is_ok(),
            "re-rendered header does not parse: {header:?}"
        );
    }
    let _ = structured_fields::parse_dictionary(signature);
    let _ = rfc9421::parse(input, signature);
    let _ = digest::verify_digest_header(digest_value, body);
    let _ = digest::verify_content_digest_header(content_digest, body);

    let mut headers = vec![
        ("host".to_owned(), "example.com".to_owned()),
        ("signature".to_owned(), signature.to_owned()),
        ("digest".to_owned(), digest_value.to_owned()),
        ("content-digest".to_owned(), content_digest.to_owned()),
        ("date".to_owned(), date.to_owned()),
    ];
    if !input.is_empty() {
        headers.push(("signature-input".to_owned(), input.to_owned()));
    }
    let now = Utc
        .timestamp_opt(1_700_000_000, 0)
        .single()
        .unwrap_or_else(Utc::now);
    for method in ["POST", "GET"] {
        let request = HttpRequest {
            method,
            scheme: "https",
            authority: "example.com",
            target: "/users/alice/inbox?page=1",
            headers: &headers,
            body,
        };
        if let Ok(signed) = verify::SignedRequest::new(&request, now) {
            let _ = signed.key_id();
            let _ = signed.signed_text();
            if let Some(until) = signed.valid_until() {
                assert!(until >= now, "accepted a request already expired");
            }
        }
        let _ = verify::claimed_key_id(&headers);
    }
});
