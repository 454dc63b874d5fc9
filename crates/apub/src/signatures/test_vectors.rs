//! Published test vectors: draft-cavage-http-signatures-12 appendix C and
//! RFC 9421 (appendix B.2 and §4.3). They live inside the crate because the
//! draft's 1024-bit key needs the test-only legacy verifier.
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{TimeZone, Utc};

use super::cavage::{self, CavageError, SignatureHeader};
use super::keys::{KeyError, PrivateKey, PublicKey, SignatureAlgorithm};
use super::request::HttpRequest;
use super::rfc9421::{self, Rfc9421Error};
use super::verify::{SignedRequest, VerifyError};

// --- draft-cavage-http-signatures-12, appendix C -------------------------

/// Appendix C "Test Values": the RSA public key (1024 bits).
const CAVAGE_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----
";

/// Appendix C "Test Values": the matching private key (PKCS#1).
const CAVAGE_PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
";

/// Appendix C: the test request's headers.
const CAVAGE_HEADERS: [(&str, &str); 5] = [
    ("Host", "example.com"),
    ("Date", "Sun, 05 Jan 2014 21:31:40 GMT"),
    ("Content-Type", "application/json"),
    (
        "Digest",
        "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
    ),
    ("Content-Length", "18"),
];

/// Appendix C: `POST /foo?param=value&pet=dog` with body `{"hello": "world"}`.
fn cavage_request<'a>(headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a, [(&'a str, &'a str)]> {
    HttpRequest {
        method: "POST",
        scheme: "https",
        authority: "example.com",
        target: "/foo?param=value&pet=dog",
        headers,
        body: br#"{"hello": "world"}"#,
    }
}

/// Builds the signing string of `header_value` over the appendix C request
/// and checks the signature with the 1024-bit test key.
fn check_cavage_vector(header_value: &str, expected_signing_string: &str) {
    let header = SignatureHeader::parse(header_value).unwrap();
    let request = cavage_request(&CAVAGE_HEADERS);
    let text = cavage::signing_string(&request, &header).unwrap();
    assert_eq!(text, expected_signing_string);
    let key = PublicKey::from_pem(CAVAGE_PUBLIC_KEY).unwrap();
    assert_eq!(key.bits(), 1024);
    key.verify_legacy_1024_for_tests(text.as_bytes(), &header.signature)
        .unwrap();
    key.verify_legacy_1024_for_tests(b"something else", &header.signature)
        .unwrap_err();
}

/// Appendix C.1 "Default Test": no `headers`, so only `date` is signed.
#[test]
fn cavage_c1_default_test() {
    check_cavage_vector(
        r#"keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=""#,
        "date: Sun, 05 Jan 2014 21:31:40 GMT",
    );
}

/// Appendix C.2 "Basic Test": `(request-target) host date`.
#[test]
fn cavage_c2_basic_test() {
    check_cavage_vector(
        r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=""#,
        "(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT",
    );
}

const C3_SIGNATURE: &str = "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

/// Appendix C.3 "All Headers Test". The draft's header lists
/// `(request-target) (created) (expires) host date content-type digest
/// content-length` with `algorithm="rsa-sha256"`, which its own §2.3 forbids
/// (and Mastodon refuses); the published signature was in fact computed,
/// as in draft 10, without the two pseudo-headers.
#[test]
fn cavage_c3_all_headers_test() {
    let published = format!(
        r#"keyId="Test",algorithm="rsa-sha256",created=1402170695, expires=1402170699,headers="(request-target) (created) (expires) host date content-type digest content-length",signature="{C3_SIGNATURE}""#
    );
    let header = SignatureHeader::parse(&published).unwrap();
    assert_eq!(header.created, Some(1402170695));
    assert_eq!(header.expires, Some(1402170699));
    assert_eq!(
        cavage::signing_string(&cavage_request(&CAVAGE_HEADERS), &header),
        Err(CavageError::PseudoHeaderWithRsaSha256("(created)"))
    );
    check_cavage_vector(
        &format!(
            r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="{C3_SIGNATURE}""#
        ),
        "(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT\ncontent-type: application/json\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18",
    );
}

/// Production paths refuse the draft's 1024-bit key: it cannot be loaded
/// for signing, and a request that passes every policy check still fails
/// on the key size.
#[test]
fn cavage_test_key_is_too_small_for_production() {
    assert_eq!(
        PrivateKey::from_pem(CAVAGE_PRIVATE_KEY).unwrap_err(),
        KeyError::Rejected("TooSmall")
    );
    let value = format!(
        r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="{C3_SIGNATURE}""#
    );
    let mut headers = CAVAGE_HEADERS.to_vec();
    headers.push(("Signature", &value));
    let now = Utc.with_ymd_and_hms(2014, 1, 5, 21, 31, 40).unwrap();
    let signed = SignedRequest::new(&cavage_request(&headers), now).unwrap();
    assert_eq!(signed.key_id(), "Test");
    assert_eq!(
        signed.verify_pem(CAVAGE_PUBLIC_KEY),
        Err(VerifyError::Key(KeyError::UnsupportedSize { bits: 1024 }))
    );
}

/// C.2 signs no digest: fine by the draft, not enough for Mastodon on POST.
#[test]
fn cavage_c2_is_too_weak_for_a_mastodon_post() {
    let value = r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date",signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=""#;
    let mut headers = CAVAGE_HEADERS.to_vec();
    headers.push(("Signature", value));
    let now = Utc.with_ymd_and_hms(2014, 1, 5, 21, 31, 40).unwrap();
    assert_eq!(
        SignedRequest::new(&cavage_request(&headers), now),
        Err(VerifyError::DigestNotSigned)
    );
}

// --- RFC 9421 -------------------------------------------------------------

/// RFC 9421 B.1.1 test-key-rsa, public half (PKCS#1).
const RFC_RSA_PUBLIC_KEY: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
-----END RSA PUBLIC KEY-----
";

/// RFC 9421 B.1.1 test-key-rsa, private half (PKCS#1).
const RFC_RSA_PRIVATE_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEqAIBAAKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsP
BRrwWEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsd
JKFqMGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75
jfZgkne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKI
lE0PuKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZ
SFlQPSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQABAoIBAG/JZuSWdoVHbi56
vjgCgkjg3lkO1KrO3nrdm6nrgA9P9qaPjxuKoWaKO1cBQlE1pSWp/cKncYgD5WxE
CpAnRUXG2pG4zdkzCYzAh1i+c34L6oZoHsirK6oNcEnHveydfzJL5934egm6p8DW
+m1RQ70yUt4uRc0YSor+q1LGJvGQHReF0WmJBZHrhz5e63Pq7lE0gIwuBqL8SMaA
yRXtK+JGxZpImTq+NHvEWWCu09SCq0r838ceQI55SvzmTkwqtC+8AT2zFviMZkKR
Qo6SPsrqItxZWRty2izawTF0Bf5S2VAx7O+6t3wBsQ1sLptoSgX3QblELY5asI0J
YFz7LJECgYkAsqeUJmqXE3LP8tYoIjMIAKiTm9o6psPlc8CrLI9CH0UbuaA2JCOM
cCNq8SyYbTqgnWlB9ZfcAm/cFpA8tYci9m5vYK8HNxQr+8FS3Qo8N9RJ8d0U5Csw
DzMYfRghAfUGwmlWj5hp1pQzAuhwbOXFtxKHVsMPhz1IBtF9Y8jvgqgYHLbmyiu1
mwJ5AL0pYF0G7x81prlARURwHo0Yf52kEw1dxpx+JXER7hQRWQki5/NsUEtv+8RT
qn2m6qte5DXLyn83b1qRscSdnCCwKtKWUug5q2ZbwVOCJCtmRwmnP131lWRYfj67
B/xJ1ZA6X3GEf4sNReNAtaucPEelgR2nsN0gKQKBiGoqHWbK1qYvBxX2X3kbPDkv
9C+celgZd2PW7aGYLCHq7nPbmfDV0yHcWjOhXZ8jRMjmANVR/eLQ2EfsRLdW69bn
f3ZD7JS1fwGnO3exGmHO3HZG+6AvberKYVYNHahNFEw5TsAcQWDLRpkGybBcxqZo
81YCqlqidwfeO5YtlO7etx1xLyqa2NsCeG9A86UjG+aeNnXEIDk1PDK+EuiThIUa
/2IxKzJKWl1BKr2d4xAfR0ZnEYuRrbeDQYgTImOlfW6/GuYIxKYgEKCFHFqJATAG
IxHrq1PDOiSwXd2GmVVYyEmhZnbcp8CxaEMQoevxAta0ssMK3w6UsDtvUvYvF22m
qQKBiD5GwESzsFPy3Ga0MvZpn3D6EJQLgsnrtUPZx+z2Ep2x0xc5orneB5fGyF1P
WtP+fG5Q6Dpdz3LRfm+KwBCWFKQjg7uTxcjerhBWEYPmEMKYwTJF5PBG9/ddvHLQ
EQeNC8fHGg4UXU8mhHnSBt3EA10qQJfRDs15M38eG2cYwB1PZpDHScDnDA0=
-----END RSA PRIVATE KEY-----
";

/// RFC 9421 B.1.2 test-key-rsa-pss, public half (SPKI).
const RFC_RSA_PSS_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----
";

const REQUEST_CONTENT_DIGEST: &str =
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

/// RFC 9421 B.2 test-request headers.
const RFC_HEADERS: [(&str, &str); 5] = [
    ("Host", "example.com"),
    ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
    ("Content-Type", "application/json"),
    ("Content-Digest", REQUEST_CONTENT_DIGEST),
    ("Content-Length", "18"),
];

/// RFC 9421 B.2 test-request: `POST /foo?param=Value&Pet=dog` to example.com.
fn rfc_request<'a>(headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a, [(&'a str, &'a str)]> {
    HttpRequest {
        method: "POST",
        scheme: "https",
        authority: "example.com",
        target: "/foo?param=Value&Pet=dog",
        headers,
        body: br#"{"hello": "world"}"#,
    }
}

/// Parses a `Signature-Input`/`Signature` pair, checks the signature base
/// against the RFC's and the signature with test-key-rsa-pss.
fn check_pss_vector(input: &str, signature: &str, expected_base: &str) {
    let parsed = rfc9421::parse(input, signature).unwrap();
    let [sig] = parsed.as_slice() else {
        panic!("one signature expected")
    };
    let request = rfc_request(&RFC_HEADERS);
    assert_eq!(
        rfc9421::signature_base(&request, &sig.params).unwrap(),
        expected_base
    );
    // The serialised parameters must reproduce the Signature-Input member.
    assert_eq!(format!("{}={}", sig.label, sig.params.serialize()), input);
    let key = PublicKey::from_pem(RFC_RSA_PSS_PUBLIC_KEY).unwrap();
    rfc9421::verify_with_algorithm(&request, sig, &key, SignatureAlgorithm::RsaPssSha512).unwrap();
    // No alg parameter: plain verify assumes rsa-v1_5-sha256, which fails.
    assert_eq!(
        rfc9421::verify(&request, sig, &key),
        Err(Rfc9421Error::Key(KeyError::SignatureMismatch))
    );
    // Tampering with a covered value breaks it.
    let tampered = [
        ("Host", "example.com"),
        ("Content-Digest", "sha-512=:AAAA:"),
    ];
    let mut other = rfc_request(&tampered);
    other.target = "/foo?param=Value&Pet=cat";
    if !sig.params.components.is_empty() {
        assert!(rfc9421::verify_with_algorithm(
            &other,
            sig,
            &key,
            SignatureAlgorithm::RsaPssSha512
        )
        .is_err());
    }
}

/// RFC 9421 B.2.1 "Minimal Signature Using rsa-pss-sha512".
#[test]
fn rfc9421_b21_minimal_signature() {
    check_pss_vector(
        r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
        "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:",
        r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#,
    );
}

/// RFC 9421 B.2.2 "Selective Covered Components Using rsa-pss-sha512".
#[test]
fn rfc9421_b22_selective_components() {
    check_pss_vector(
        r#"sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
        "sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:",
        &[
            r#""@authority": example.com"#,
            &format!(r#""content-digest": {REQUEST_CONTENT_DIGEST}"#),
            r#""@query-param";name="Pet": dog"#,
            r#""@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
        ]
        .join("\n"),
    );
}

/// RFC 9421 B.2.3 "Full Coverage Using rsa-pss-sha512".
#[test]
fn rfc9421_b23_full_coverage() {
    check_pss_vector(
        r#"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
        "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:",
        &[
            r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
            r#""@method": POST"#,
            r#""@path": /foo"#,
            r#""@query": ?param=Value&Pet=dog"#,
            r#""@authority": example.com"#,
            r#""content-type": application/json"#,
            &format!(r#""content-digest": {REQUEST_CONTENT_DIGEST}"#),
            r#""content-length": 18"#,
            r#""@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
        ]
        .join("\n"),
    );
}

const PROXY_SIGNATURE: &str = "S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==";

/// RFC 9421 §4.3 "Multiple Signatures": the proxy's `rsa-v1_5-sha256`
/// signature with test-key-rsa (B.1.1). PKCS#1 v1.5 is deterministic, so
/// signing the same base must reproduce the published bytes.
#[test]
fn rfc9421_4_3_rsa_v1_5_sha256_proxy_signature() {
    let input = r#"proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540"#;
    let signature = format!("proxy_sig=:{PROXY_SIGNATURE}:");
    let headers = [
        ("Host", "origin.host.internal.example"),
        ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Length", "18"),
        ("Forwarded", "for=192.0.2.123;host=example.com;proto=https"),
        ("Content-Digest", REQUEST_CONTENT_DIGEST),
    ];
    let request = HttpRequest {
        method: "POST",
        scheme: "https",
        authority: "origin.host.internal.example",
        target: "/foo?param=Value&Pet=dog",
        headers: &headers,
        body: br#"{"hello": "world"}"#,
    };
    let parsed = rfc9421::parse(input, &signature).unwrap();
    let sig = &parsed[0];
    assert_eq!(sig.params.alg(), Some("rsa-v1_5-sha256"));
    assert_eq!(sig.params.expires(), Some(1618884540));
    let base = rfc9421::signature_base(&request, &sig.params).unwrap();
    assert_eq!(
        base,
        [
            r#""@method": POST"#,
            r#""@authority": origin.host.internal.example"#,
            r#""@path": /foo"#,
            &format!(r#""content-digest": {REQUEST_CONTENT_DIGEST}"#),
            r#""content-type": application/json"#,
            r#""content-length": 18"#,
            r#""forwarded": for=192.0.2.123;host=example.com;proto=https"#,
            r#""@signature-params": ("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540"#,
        ]
        .join("\n")
    );

    let public = PublicKey::from_pem(RFC_RSA_PUBLIC_KEY).unwrap();
    rfc9421::verify(&request, sig, &public).unwrap();
    assert_eq!(
        rfc9421::verify_with_algorithm(&request, sig, &public, SignatureAlgorithm::RsaPssSha512),
        Err(Rfc9421Error::AlgorithmMismatch("rsa-v1_5-sha256".into()))
    );

    // The PKCS#1 private key loads, matches the public key, and re-signs
    // the base to the very bytes published.
    let private = PrivateKey::from_pem(RFC_RSA_PRIVATE_KEY).unwrap();
    assert_eq!(private.bits(), 2048);
    assert_eq!(private.public_key().unwrap(), public);
    assert_eq!(
        STANDARD.encode(private.sign_rsa_sha256(base.as_bytes()).unwrap()),
        PROXY_SIGNATURE
    );
    let resigned = rfc9421::sign(&request, "proxy_sig", &sig.params, &private).unwrap();
    assert_eq!(resigned.signature_input, input);
    assert_eq!(resigned.signature, signature);
}
