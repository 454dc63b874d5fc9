//! AWS Signature Version 4, as S3 and the services that copy it (R2,
//! MinIO, …) check it: pure functions over a request's parts, no I/O.
//!
//! The caller sends exactly the path and query it signed: both are built
//! here already encoded ([`uri_encode`], [`canonical_query`]) and the
//! URL is assembled from them, so nothing re-encodes them on the way.
use aws_lc_rs::{digest, hmac};

/// The `x-amz-content-sha256` value for an empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Who signs, and for which region and service.
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    /// The access key id (not secret; it appears in the Authorization header).
    pub access_key_id: &'a str,
    /// The secret key; never printed.
    pub secret_access_key: &'a str,
    /// The region, e.g. `us-east-1` (`auto` for R2).
    pub region: &'a str,
    /// The service, `s3` here.
    pub service: &'a str,
}

impl std::fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

/// The parts of a request that are signed.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// `GET`, `PUT`, …
    pub method: &'a str,
    /// The path as sent, already URI-encoded (`/bucket/a%20b.png`).
    pub path: &'a str,
    /// The query as sent, already canonical ([`canonical_query`]).
    pub query: &'a str,
    /// Every header to sign, names in any case; `host`, `x-amz-date` and
    /// `x-amz-content-sha256` must be among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// The hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    pub payload_sha256: &'a str,
}

impl Signer<'_> {
    /// The `Authorization` header for `request` made at `timestamp`
    /// (`YYYYMMDDTHHMMSSZ`, the request's `x-amz-date`).
    pub fn authorization(&self, timestamp: &str, request: &SignedRequest<'_>) -> String {
        let date = timestamp.get(..8).unwrap_or(timestamp);
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let (canonical, signed_headers) = canonical_request(request);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let signature = hex(self.signing_key(date).sign(string_to_sign.as_bytes()));
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope},SignedHeaders={signed_headers},Signature={signature}",
            self.access_key_id
        )
    }

    fn signing_key(&self, date: &str) -> Key {
        let secret = format!("AWS4{}", self.secret_access_key);
        let mut key = Key::new(secret.as_bytes());
        for part in [date, self.region, self.service, "aws4_request"] {
            key = Key::new(key.sign(part.as_bytes()).as_ref());
        }
        key
    }
}

/// An HMAC-SHA256 key.
struct Key(hmac::Key);

impl Key {
    fn new(bytes: &[u8]) -> Self {
        Key(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    fn sign(&self, data: &[u8]) -> hmac::Tag {
        hmac::sign(&self.0, data)
    }
}

/// The canonical request and its signed-headers list.
fn canonical_request(request: &SignedRequest<'_>) -> (String, String) {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), collapse_spaces(value)))
        .collect();
    headers.sort();
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method, request.path, request.query, request.payload_sha256
    );
    (canonical, signed_headers)
}

/// Trims a header value and folds runs of spaces into one, as SigV4 asks.
fn collapse_spaces(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Percent-encodes every byte but the unreserved `A-Za-z0-9-._~` (and `/`
/// unless `encode_slash`), upper-case hex, as S3 wants for paths and query
/// parameters: a space is `%20`, a `+` is `%2B`.
pub fn uri_encode(input: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &byte in input.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            b'/' if !encode_slash => out.push('/'),
            _ => {
                out.push('%');
                out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
                out.push(char::from(HEX_UPPER[usize::from(byte & 0xf)]));
            }
        }
    }
    out
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// The canonical query string: each name and value [`uri_encode`]d, sorted
/// by name then value, joined with `&`; a parameter without a value is
/// `name=`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| (uri_encode(name, true), uri_encode(value, true)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: impl AsRef<[u8]>) -> String {
    let bytes = bytes.as_ref();
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(HEX_LOWER[usize::from(byte >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(byte & 0xf)]));
    }
    out
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, bytes))
}

/// `x-amz-date` for now: `YYYYMMDDTHHMMSSZ` in UTC.
pub fn timestamp_now() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNER: Signer<'static> = Signer {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "s3",
    };
    const WHEN: &str = "20130524T000000Z";
    const HOST: &str = "examplebucket.s3.amazonaws.com";

    fn signature(authorization: &str) -> &str {
        authorization
            .rsplit_once("Signature=")
            .map_or("", |(_, sig)| sig)
    }

    // The examples of AWS's "Signature Calculations for the Authorization
    // Header: Transferring Payload in a Single Chunk" (S3 API reference).
    #[test]
    fn aws_get_object_example() {
        let auth = SIGNER.authorization(
            WHEN,
            &SignedRequest {
                method: "GET",
                path: "/test.txt",
                query: "",
                headers: &[
                    ("Host", HOST),
                    ("Range", "bytes=0-9"),
                    ("x-amz-content-sha256", EMPTY_SHA256),
                    ("x-amz-date", WHEN),
                ],
                payload_sha256: EMPTY_SHA256,
            },
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,\
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    #[test]
    fn aws_put_object_example() {
        let body = b"Welcome to Amazon S3.";
        let hash = sha256_hex(body);
        assert_eq!(
            hash,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        );
        let path = format!("/{}", uri_encode("test$file.text", false));
        assert_eq!(path, "/test%24file.text");
        let auth = SIGNER.authorization(
            WHEN,
            &SignedRequest {
                method: "PUT",
                path: &path,
                query: "",
                headers: &[
                    ("Host", HOST),
                    ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                    ("x-amz-date", WHEN),
                    ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                    ("x-amz-content-sha256", &hash),
                ],
                payload_sha256: &hash,
            },
        );
        assert_eq!(
            signature(&auth),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        );
    }

    #[test]
    fn aws_list_and_subresource_examples() {
        let get = |query: &str| {
            SIGNER.authorization(
                WHEN,
                &SignedRequest {
                    method: "GET",
                    path: "/",
                    query,
                    headers: &[
                        ("host", HOST),
                        ("x-amz-content-sha256", EMPTY_SHA256),
                        ("x-amz-date", WHEN),
                    ],
                    payload_sha256: EMPTY_SHA256,
                },
            )
        };
        assert_eq!(
            signature(&get(&canonical_query(&[("lifecycle", "")]))),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        );
        let list = canonical_query(&[("prefix", "J"), ("max-keys", "2")]);
        assert_eq!(list, "max-keys=2&prefix=J");
        assert_eq!(
            signature(&get(&list)),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    #[test]
    fn keys_are_encoded_the_s3_way() {
        assert_eq!(
            uri_encode("media/a b+c~d_é.png", false),
            "media/a%20b%2Bc~d_%C3%A9.png"
        );
        assert_eq!(uri_encode("a/b=c&d", true), "a%2Fb%3Dc%26d");
        assert_eq!(collapse_spaces("  a   b  "), "a b");
    }

    #[test]
    fn the_secret_is_not_debug_printed() {
        let printed = format!("{SIGNER:?}");
        assert!(!printed.contains(SIGNER.secret_access_key), "{printed}");
    }
}
