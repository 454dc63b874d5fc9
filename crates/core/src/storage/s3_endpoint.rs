//! Where a bucket's objects are addressed: the endpoint's parts, checked
//! once, and the host and path of the bucket or of a key, path-style
//! (`endpoint/bucket/key`) or virtual-hosted (`bucket.endpoint/key`).
use super::StorageError;
use crate::config::S3Config;

/// The parts of `S3_ENDPOINT` with the bucket's addressing style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Endpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// Host and non-default port.
    authority: String,
    /// The endpoint's path, without a trailing slash (usually empty).
    base_path: String,
    bucket: String,
    path_style: bool,
}

impl Endpoint {
    /// Checks the endpoint and bucket name of `config`.
    pub fn parse(config: &S3Config) -> Result<Self, StorageError> {
        let bad = |reason: String| StorageError::Config(reason);
        let url = url::Url::parse(&config.endpoint)
            .map_err(|e| bad(format!("S3_ENDPOINT {:?}: {e}", config.endpoint)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(format!(
                "S3_ENDPOINT {:?} must be an http or https URL",
                config.endpoint
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| bad(format!("S3_ENDPOINT {:?} has no host", config.endpoint)))?;
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
        Ok(Endpoint {
            scheme: url.scheme().to_owned(),
            authority: match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            },
            base_path: url.path().trim_end_matches('/').to_owned(),
            bucket: bucket.clone(),
            path_style: config.path_style,
        })
    }

    /// The host and path of the bucket (`None`) or of an already encoded
    /// key in it.
    pub fn location(&self, encoded_key: Option<&str>) -> (String, String) {
        let bucket = &self.bucket;
        let (host, mut path) = if self.path_style {
            (
                self.authority.clone(),
                format!("{}/{bucket}", self.base_path),
            )
        } else {
            (
                format!("{bucket}.{}", self.authority),
                self.base_path.clone(),
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

    /// The URL of the bucket or of an already encoded key in it.
    pub fn url(&self, encoded_key: Option<&str>) -> String {
        let (host, path) = self.location(encoded_key);
        format!("{}://{host}{path}", self.scheme)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::config::Secret;

    /// Settings for tests, with AWS's example credentials.
    pub(in crate::storage) fn config(endpoint: &str, bucket: &str, path_style: bool) -> S3Config {
        S3Config {
            bucket: bucket.into(),
            region: "us-east-1".into(),
            endpoint: endpoint.into(),
            path_style,
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            alias_host: None,
            protocol: "https".into(),
            permission: Some("public-read".into()),
            timeout: Duration::from_secs(30),
        }
    }

    fn parse(endpoint: &str, bucket: &str, path_style: bool) -> Result<Endpoint, StorageError> {
        Endpoint::parse(&config(endpoint, bucket, path_style))
    }

    #[test]
    fn bucket_requests_address_the_bucket() {
        let path_style = parse("http://minio.internal:9000/s3/", "media", true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            path_style.location(None),
            ("minio.internal:9000".into(), "/s3/media".into())
        );
        assert_eq!(
            path_style.url(Some("a%20b")),
            "http://minio.internal:9000/s3/media/a%20b"
        );
        let virtual_host =
            parse("https://s3.amazonaws.com:443", "media", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            virtual_host.location(None),
            ("media.s3.amazonaws.com".into(), "/".into())
        );
    }

    #[test]
    fn unusable_settings_are_refused() {
        assert!(parse("ftp://example.com", "media", true).is_err());
        assert!(parse("not a url", "media", true).is_err());
        assert!(parse("https://s3.amazonaws.com", "a/b", false).is_err());
        assert!(parse("https://s3.amazonaws.com", "", false).is_err());
    }
}
