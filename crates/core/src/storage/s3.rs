//! Media in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, …),
//! spoken to directly over its REST API with AWS Signature Version 4.
//!
//! Requests go through the trusted HTTP client (the endpoint is the
//! operator's choice and may be on a private network or loopback). Each
//! request is limited to `FERRODON_S3_TIMEOUT` as a whole, body included.
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use super::s3_endpoint::Endpoint;
use super::s3_xml;
use super::sigv4::{self, SignedRequest, Signer};
use super::StorageError;
use crate::config::S3Config;
use crate::http_client::HttpClients;

/// How much of an error answer's body is kept in [`StorageError::Status`].
const ERROR_BODY_BYTES: usize = 300;

/// A bucket. Cheap to clone.
#[derive(Clone, Debug)]
pub struct S3Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: S3Config,
    client: reqwest::Client,
    endpoint: Endpoint,
}

/// What an answer brought back.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl S3Store {
    /// A client for the configured bucket.
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        let endpoint = Endpoint::parse(config)?;
        let client = HttpClients::new("", false)
            .map_err(|e| StorageError::Config(format!("HTTP client for object storage: {e}")))?
            .trusted;
        Ok(S3Store {
            inner: Arc::new(Inner {
                config: config.clone(),
                client,
                endpoint,
            }),
        })
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.inner.config.bucket
    }

    /// Creates the bucket (for tests and first set-up). A bucket this
    /// account already owns is fine.
    pub async fn create_bucket(&self) -> Result<(), StorageError> {
        let operation = format!("CreateBucket {}", self.inner.config.bucket);
        // us-east-1 is the default location and refuses to be named; R2's
        // `auto` is not a location at all.
        let body = match self.inner.config.region.as_str() {
            "us-east-1" | "auto" | "" => Vec::new(),
            region => format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{region}</LocationConstraint></CreateBucketConfiguration>"
            )
            .into_bytes(),
        };
        let answer = self
            .send(Method::PUT, None, &[], body, &[], &operation)
            .await?;
        let owned = answer.status == StatusCode::CONFLICT
            && error_code(&answer).as_deref() == Some("BucketAlreadyOwnedByYou");
        if answer.status.is_success() || owned {
            Ok(())
        } else {
            Err(status_error(answer, operation))
        }
    }

    pub(super) async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let operation = format!("PUT {key}");
        let mut headers = vec![("content-type", content_type)];
        if let Some(acl) = &self.inner.config.permission {
            headers.push(("x-amz-acl", acl.as_str()));
        }
        let answer = self
            .send(Method::PUT, Some(key), &[], bytes, &headers, &operation)
            .await?;
        if answer.status.is_success() {
            Ok(())
        } else {
            Err(status_error(answer, operation))
        }
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let operation = format!("GET {key}");
        let answer = self
            .send(Method::GET, Some(key), &[], Vec::new(), &[], &operation)
            .await?;
        if answer.status.is_success() {
            Ok(Some(answer.body))
        } else if missing_object(&answer) {
            Ok(None)
        } else {
            Err(status_error(answer, operation))
        }
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let operation = format!("DELETE {key}");
        let answer = self
            .send(Method::DELETE, Some(key), &[], Vec::new(), &[], &operation)
            .await?;
        if answer.status.is_success() || missing_object(&answer) {
            Ok(())
        } else {
            Err(status_error(answer, operation))
        }
    }

    /// Every object whose key starts with `prefix`, with its size, in S3's
    /// order (by key), following continuation tokens to the end.
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StorageError> {
        let operation = format!("ListObjectsV2 {prefix}");
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query = vec![("list-type", "2")];
            if !prefix.is_empty() {
                query.push(("prefix", prefix));
            }
            if let Some(token) = &token {
                query.push(("continuation-token", token.as_str()));
            }
            let answer = self
                .send(Method::GET, None, &query, Vec::new(), &[], &operation)
                .await?;
            if !answer.status.is_success() {
                return Err(status_error(answer, operation));
            }
            let page = s3_xml::parse_list(&String::from_utf8_lossy(&answer.body)).map_err(|e| {
                StorageError::Status {
                    status: answer.status.as_u16(),
                    operation: operation.clone(),
                    body: e.to_string(),
                }
            })?;
            objects.extend(page.objects);
            match page.next_token {
                Some(next) if token.as_deref() != Some(next.as_str()) => token = Some(next),
                Some(_) => {
                    return Err(StorageError::Status {
                        status: answer.status.as_u16(),
                        operation,
                        body: "the same continuation token twice".into(),
                    })
                }
                None => return Ok(objects),
            }
        }
    }

    pub(super) fn public_url(&self, key: &str) -> String {
        url_of(&self.inner.config, &self.inner.endpoint, key)
    }

    /// Signs and sends one request, and reads the whole answer, within the
    /// configured timeout.
    async fn send(
        &self,
        method: Method,
        key: Option<&str>,
        query: &[(&str, &str)],
        body: Vec<u8>,
        extra_headers: &[(&str, &str)],
        operation: &str,
    ) -> Result<Answer, StorageError> {
        let (body, payload_sha256) = hash_body(body).await?;
        let request = self.signed_request(
            method,
            key,
            query,
            &payload_sha256,
            extra_headers,
            operation,
        )?;
        let request = if body.is_empty() {
            request
        } else {
            request.body(body)
        };
        tracing::debug!(operation, bucket = %self.inner.config.bucket, "object storage request");
        exchange(request, operation, self.inner.config.timeout).await
    }

    /// A request with its `x-amz-*` headers and `Authorization`, for a body
    /// with the given SHA-256.
    fn signed_request(
        &self,
        method: Method,
        key: Option<&str>,
        query: &[(&str, &str)],
        payload_sha256: &str,
        extra_headers: &[(&str, &str)],
        operation: &str,
    ) -> Result<reqwest::RequestBuilder, StorageError> {
        let encoded_key = key.map(|k| sigv4::uri_encode(k, false));
        let mut url = self.inner.endpoint.url(encoded_key.as_deref());
        let query = sigv4::canonical_query(query);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = url::Url::parse(&url).map_err(|e| {
            StorageError::Config(format!("object storage URL for {operation}: {e}"))
        })?;
        // Sign what is sent: the URL as parsed, which is also what reqwest
        // puts on the wire, and the Host header it derives from it.
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(StorageError::Config(format!("no host for {operation}"))),
        };
        let timestamp = sigv4::timestamp_now();
        let mut headers: Vec<(&str, &str)> = vec![
            ("x-amz-content-sha256", payload_sha256),
            ("x-amz-date", &timestamp),
        ];
        headers.extend_from_slice(extra_headers);
        let mut signed_headers = headers.clone();
        signed_headers.push(("host", &host));
        let config = &self.inner.config;
        let signer = Signer {
            access_key_id: &config.access_key_id,
            secret_access_key: config.secret_access_key.expose(),
            region: &config.region,
            service: "s3",
        };
        let authorization = signer.authorization(
            &timestamp,
            &SignedRequest {
                method: method.as_str(),
                path: url.path(),
                query: url.query().unwrap_or(""),
                headers: &signed_headers,
                payload_sha256,
            },
        );
        let mut request = self
            .inner
            .client
            .request(method, url)
            .header(reqwest::header::USER_AGENT, user_agent())
            .header(reqwest::header::AUTHORIZATION, authorization);
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| StorageError::Config(format!("header {name}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| StorageError::Config(format!("value of header {name}: {e}")))?;
            request = request.header(name, value);
        }
        Ok(request)
    }
}

/// Bodies larger than this are hashed off the async runtime's threads.
const HASH_INLINE_BYTES: usize = 256 << 10;

/// The body and its hex SHA-256.
async fn hash_body(body: Vec<u8>) -> Result<(Vec<u8>, String), StorageError> {
    if body.len() <= HASH_INLINE_BYTES {
        let hash = sigv4::sha256_hex(&body);
        return Ok((body, hash));
    }
    tokio::task::spawn_blocking(move || {
        let hash = sigv4::sha256_hex(&body);
        (body, hash)
    })
    .await
    .map_err(|e| StorageError::Config(format!("hashing an upload: {e}")))
}

/// Sends `request` and reads the whole answer within `timeout`.
async fn exchange(
    request: reqwest::RequestBuilder,
    operation: &str,
    timeout: Duration,
) -> Result<Answer, StorageError> {
    let work = async {
        let response = request
            .send()
            .await
            .map_err(|e| unreachable(operation, &e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| unreachable(operation, &e))?;
        Ok(Answer {
            status,
            body: body.to_vec(),
        })
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| timed_out(operation, timeout))?
}

/// The public URL of `key` in the configured bucket, from the settings
/// alone (for rendering without a store at hand): the same URL as
/// [`S3Store`]'s. Settings that do not parse (refused when the store is
/// built) give the endpoint and key as they are.
pub fn public_url(config: &S3Config, key: &str) -> String {
    match Endpoint::parse(config) {
        Ok(endpoint) => url_of(config, &endpoint, key),
        Err(_) => format!("{}/{}/{key}", config.endpoint, config.bucket),
    }
}

/// Under S3_ALIAS_HOST when set, else at the bucket's own address; the key
/// URI-encoded as in requests.
fn url_of(config: &S3Config, endpoint: &Endpoint, key: &str) -> String {
    let key = sigv4::uri_encode(key, false);
    match &config.alias_host {
        Some(host) => format!("{}://{host}/{key}", config.protocol),
        None => endpoint.url(Some(&key)),
    }
}

fn user_agent() -> String {
    format!("Ferrodon/{}", crate::FERRODON_VERSION)
}

/// A transport error with its causes (reqwest's own message stops at
/// "error sending request"). The URL it names holds no credentials.
fn unreachable(operation: &str, error: &reqwest::Error) -> StorageError {
    let mut message = format!("{operation}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    StorageError::Unreachable(message)
}

fn timed_out(operation: &str, timeout: Duration) -> StorageError {
    StorageError::Unreachable(format!(
        "{operation}: no complete answer within {timeout:?}"
    ))
}

fn error_code(answer: &Answer) -> Option<String> {
    s3_xml::error_code(&String::from_utf8_lossy(&answer.body))
}

/// A 404 for the object, not for the whole bucket (a missing bucket is a
/// configuration error that must not pass for "no such file").
fn missing_object(answer: &Answer) -> bool {
    answer.status == StatusCode::NOT_FOUND && error_code(answer).as_deref() != Some("NoSuchBucket")
}

fn status_error(answer: Answer, operation: String) -> StorageError {
    let end = answer.body.len().min(ERROR_BODY_BYTES);
    StorageError::Status {
        status: answer.status.as_u16(),
        operation,
        body: String::from_utf8_lossy(&answer.body[..end])
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::s3_endpoint::tests::config;
    use super::*;

    fn store(config: &S3Config) -> S3Store {
        S3Store::new(config).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn public_urls_in_all_three_forms() {
        let key = "media_attachments/files/1/original/a b+é.png";
        let encoded = "media_attachments/files/1/original/a%20b%2B%C3%A9.png";
        let mut alias = config("https://s3.eu-west-1.amazonaws.com", "media", false);
        alias.alias_host = Some("files.example.com/media".into());
        for (config, expected) in [
            (alias, format!("https://files.example.com/media/{encoded}")),
            (
                config("http://127.0.0.1:9000", "media", true),
                format!("http://127.0.0.1:9000/media/{encoded}"),
            ),
            (
                config("https://s3.eu-west-1.amazonaws.com/", "media", false),
                format!("https://media.s3.eu-west-1.amazonaws.com/{encoded}"),
            ),
        ] {
            assert_eq!(store(&config).public_url(key), expected);
            assert_eq!(public_url(&config, key), expected);
        }
    }

    #[test]
    fn the_secret_is_not_debug_printed() {
        let printed = format!(
            "{:?}",
            store(&config("https://s3.amazonaws.com", "media", false))
        );
        assert!(!printed.contains("EXAMPLEKEY"), "{printed}");
    }

    #[test]
    fn error_bodies_are_cut_short() {
        let answer = Answer {
            status: StatusCode::FORBIDDEN,
            body: "é".repeat(400).into_bytes(),
        };
        match status_error(answer, "PUT k".into()) {
            StorageError::Status { status, body, .. } => {
                assert_eq!(status, 403);
                assert!(body.len() <= ERROR_BODY_BYTES + 3, "{}", body.len());
            }
            other => panic!("{other}"),
        }
        let missing_bucket = Answer {
            status: StatusCode::NOT_FOUND,
            body: b"<Error><Code>NoSuchBucket</Code></Error>".to_vec(),
        };
        assert!(!missing_object(&missing_bucket));
        let missing_key = Answer {
            status: StatusCode::NOT_FOUND,
            body: b"<Error><Code>NoSuchKey</Code></Error>".to_vec(),
        };
        assert!(missing_object(&missing_key));
    }
}
