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
    /// `http` or `https`, from the endpoint.
    scheme: String,
    /// The endpoint's host and non-default port.
    authority: String,
    /// The endpoint's path, without a trailing slash (usually empty).
    base_path: String,
}

/// What an answer brought back.
struct Answer {
    status: StatusCode,
    body: Vec<u8>,
}

impl S3Store {
    /// A client for the configured bucket.
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        let bad = |reason: String| StorageError::Config(reason);
        let endpoint = url::Url::parse(&config.endpoint)
            .map_err(|e| bad(format!("S3_ENDPOINT {:?}: {e}", config.endpoint)))?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(bad(format!(
                "S3_ENDPOINT {:?} must be an http or https URL",
                config.endpoint
            )));
        }
        let host = endpoint
            .host_str()
            .ok_or_else(|| bad(format!("S3_ENDPOINT {:?} has no host", config.endpoint)))?;
        let authority = match endpoint.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let bucket = &config.bucket;
        if bucket.is_empty()
            || !bucket
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            return Err(bad(format!(
                "S3_BUCKET {bucket:?} is not a bucket name (letters, digits, '-', '.', '_')"
            )));
        }
        let client = HttpClients::new("", false)
            .map_err(|e| bad(format!("HTTP client for object storage: {e}")))?
            .trusted;
        Ok(S3Store {
            inner: Arc::new(Inner {
                config: config.clone(),
                client,
                scheme: endpoint.scheme().to_owned(),
                authority,
                base_path: endpoint.path().trim_end_matches('/').to_owned(),
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
        let key = sigv4::uri_encode(key, false);
        match &self.inner.config.alias_host {
            Some(host) => format!("{}://{host}/{key}", self.inner.config.protocol),
            None => {
                let (host, path) = self.location(Some(&key));
                format!("{}://{host}{path}", self.inner.scheme)
            }
        }
    }

    /// The host and path of the bucket (`key: None`) or of an already
    /// encoded key in it, path-style or virtual-hosted as configured.
    fn location(&self, encoded_key: Option<&str>) -> (String, String) {
        let bucket = &self.inner.config.bucket;
        let (host, mut path) = if self.inner.config.path_style {
            (
                self.inner.authority.clone(),
                format!("{}/{bucket}", self.inner.base_path),
            )
        } else {
            (
                format!("{bucket}.{}", self.inner.authority),
                self.inner.base_path.clone(),
            )
        };
        match encoded_key {
            Some(key) => {
                path.push('/');
                path.push_str(key);
            }
            None if path.is_empty() => path.push('/'),
            None => {}
        }
        (host, path)
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
        let encoded_key = key.map(|k| sigv4::uri_encode(k, false));
        let (host, path) = self.location(encoded_key.as_deref());
        let query = sigv4::canonical_query(query);
        let mut url = format!("{}://{host}{path}", self.inner.scheme);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = url::Url::parse(&url).map_err(|e| {
            StorageError::Config(format!("object storage URL for {operation}: {e}"))
        })?;
        // Sign what is sent: the URL as parsed, which is also what reqwest
        // puts on the wire (and the Host header it derives from it).
        let sent_host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(StorageError::Config(format!("no host for {operation}"))),
        };
        let payload_sha256 = sigv4::sha256_hex(&body);
        let timestamp = sigv4::timestamp_now();
        let mut headers: Vec<(&str, &str)> = vec![
            ("host", &sent_host),
            ("x-amz-content-sha256", &payload_sha256),
            ("x-amz-date", &timestamp),
        ];
        headers.extend_from_slice(extra_headers);
        let signer = Signer {
            access_key_id: &self.inner.config.access_key_id,
            secret_access_key: self.inner.config.secret_access_key.expose(),
            region: &self.inner.config.region,
            service: "s3",
        };
        let authorization = signer.authorization(
            &timestamp,
            &SignedRequest {
                method: method.as_str(),
                path: url.path(),
                query: url.query().unwrap_or(""),
                headers: &headers,
                payload_sha256: &payload_sha256,
            },
        );
        let mut request = self
            .inner
            .client
            .request(method, url)
            .header(reqwest::header::USER_AGENT, user_agent())
            .header(reqwest::header::AUTHORIZATION, authorization);
        for (name, value) in &headers[1..] {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| StorageError::Config(format!("header {name}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|e| StorageError::Config(format!("value of header {name}: {e}")))?;
            request = request.header(name, value);
        }
        if !body.is_empty() {
            request = request.body(body);
        }
        tracing::debug!(operation, bucket = %self.inner.config.bucket, "object storage request");
        let timeout = self.inner.config.timeout;
        let exchange = async {
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
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| timed_out(operation, timeout))?
    }
}

fn user_agent() -> String {
    format!("Ferrodon/{}", crate::FERRODON_VERSION)
}

fn unreachable(operation: &str, error: &reqwest::Error) -> StorageError {
    // reqwest's message names the URL, which holds no credentials.
    StorageError::Unreachable(format!("{operation}: {error}"))
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
    use super::*;
    use crate::config::Secret;

    fn config(endpoint: &str, path_style: bool, alias_host: Option<&str>) -> S3Config {
        S3Config {
            bucket: "media".into(),
            region: "us-east-1".into(),
            endpoint: endpoint.into(),
            path_style,
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            alias_host: alias_host.map(str::to_owned),
            protocol: "https".into(),
            permission: Some("public-read".into()),
            timeout: Duration::from_secs(30),
        }
    }

    fn store(config: &S3Config) -> S3Store {
        S3Store::new(config).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn public_urls_in_all_three_forms() {
        let key = "media_attachments/files/1/original/a b+é.png";
        let encoded = "media_attachments/files/1/original/a%20b%2B%C3%A9.png";
        let alias = store(&config(
            "https://s3.eu-west-1.amazonaws.com",
            false,
            Some("files.example.com/media"),
        ));
        assert_eq!(
            alias.public_url(key),
            format!("https://files.example.com/media/{encoded}")
        );
        let path_style = store(&config("http://127.0.0.1:9000", true, None));
        assert_eq!(
            path_style.public_url(key),
            format!("http://127.0.0.1:9000/media/{encoded}")
        );
        let virtual_host = store(&config("https://s3.eu-west-1.amazonaws.com/", false, None));
        assert_eq!(
            virtual_host.public_url(key),
            format!("https://media.s3.eu-west-1.amazonaws.com/{encoded}")
        );
    }

    #[test]
    fn bucket_requests_address_the_bucket() {
        let path_style = store(&config("http://minio.internal:9000/s3/", true, None));
        assert_eq!(
            path_style.location(None),
            ("minio.internal:9000".into(), "/s3/media".into())
        );
        let virtual_host = store(&config("https://s3.amazonaws.com:443", false, None));
        assert_eq!(
            virtual_host.location(None),
            ("media.s3.amazonaws.com".into(), "/".into())
        );
    }

    #[test]
    fn unusable_settings_are_refused() {
        assert!(S3Store::new(&config("ftp://example.com", true, None)).is_err());
        assert!(S3Store::new(&config("not a url", true, None)).is_err());
        let mut bad_bucket = config("https://s3.amazonaws.com", false, None);
        bad_bucket.bucket = "a/b".into();
        assert!(S3Store::new(&bad_bucket).is_err());
    }

    #[test]
    fn the_secret_is_not_debug_printed() {
        let printed = format!(
            "{:?}",
            store(&config("https://s3.amazonaws.com", false, None))
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
