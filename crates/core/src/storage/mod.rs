//! Where media files live: one interface over local disk and S3-compatible
//! object storage. Keys are relative paths such as
//! `media_attachments/files/110/123/456/original/1a2b.jpg`, the same layout
//! Mastodon uses, so an operator's existing bucket or directory keeps working.
use crate::config::StorageConfig;

pub mod local;
pub mod s3;
mod s3_endpoint;
mod s3_xml;
pub mod sigv4;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The local filesystem refused.
    #[error("media storage I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The object store could not be reached or timed out.
    #[error("object storage unreachable: {0}")]
    Unreachable(String),
    /// The object store answered with an error status.
    #[error("object storage answered {status} to {operation}: {body}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// What was attempted (`PUT key`, …).
        operation: String,
        /// The start of the answer's body (S3's XML error).
        body: String,
    },
    /// A key that would escape the storage root or is otherwise unusable.
    #[error("invalid storage key {0:?}")]
    InvalidKey(String),
    /// The storage settings are unusable.
    #[error("media storage settings: {0}")]
    Config(String),
}

/// The configured media store. Cheap to clone.
#[derive(Clone, Debug)]
pub enum MediaStore {
    /// Files under a local directory.
    Local(local::LocalStore),
    /// Objects in an S3-compatible bucket.
    S3(s3::S3Store),
}

impl MediaStore {
    /// The store the configuration names; `base_url` is this server's
    /// `https://WEB_DOMAIN`, for local files' public URLs.
    pub fn from_config(config: &StorageConfig, base_url: &str) -> Result<Self, StorageError> {
        Ok(match config {
            StorageConfig::Local { root, url } => {
                MediaStore::Local(local::LocalStore::new(root.clone(), base_url, url))
            }
            StorageConfig::S3(s3) => MediaStore::S3(s3::S3Store::new(s3)?),
        })
    }

    /// Stores `bytes` under `key`, replacing what was there.
    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(store) => store.put(key, bytes).await,
            MediaStore::S3(store) => store.put(key, bytes, content_type).await,
        }
    }

    /// The bytes under `key`, or `None` when there is no such file.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(store) => store.get(key).await,
            MediaStore::S3(store) => store.get(key).await,
        }
    }

    /// Removes `key`; removing a missing file succeeds.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(store) => store.delete(key).await,
            MediaStore::S3(store) => store.delete(key).await,
        }
    }

    /// Every stored file whose key starts with `prefix` (empty: all), with
    /// its size in bytes, sorted by key.
    pub async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StorageError> {
        check_prefix(prefix)?;
        match self {
            MediaStore::Local(store) => store.list(prefix).await,
            MediaStore::S3(store) => store.list(prefix).await,
        }
    }

    /// The absolute URL clients download `key` from.
    pub fn public_url(&self, key: &str) -> String {
        match self {
            MediaStore::Local(store) => store.public_url(key),
            MediaStore::S3(store) => store.public_url(key),
        }
    }

    /// A short name for logs and `ferrodonctl media usage`.
    pub fn describe(&self) -> String {
        match self {
            MediaStore::Local(store) => format!("local directory {}", store.root().display()),
            MediaStore::S3(store) => format!("S3 bucket {}", store.bucket()),
        }
    }
}

/// The absolute URL of `key` under this storage configuration, computed
/// from the settings alone (renderers need no store handle).
pub fn public_url(config: &StorageConfig, base_url: &str, key: &str) -> String {
    match config {
        StorageConfig::Local { url, .. } => {
            if url.starts_with("http://") || url.starts_with("https://") {
                format!("{}/{key}", url.trim_end_matches('/'))
            } else {
                format!(
                    "{}/{}/{key}",
                    base_url.trim_end_matches('/'),
                    url.trim_matches('/')
                )
            }
        }
        StorageConfig::S3(s3) => s3::public_url(s3, key),
    }
}

/// Refuses keys that are empty, absolute, or climb out with `..`.
pub fn check_key(key: &str) -> Result<(), StorageError> {
    let bad = key.is_empty()
        || key.starts_with('/')
        || key.contains('\\')
        || key.contains('\0')
        || key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        Err(StorageError::InvalidKey(key.to_owned()))
    } else {
        Ok(())
    }
}

/// Refuses listing prefixes that could climb out of the root: a prefix is
/// empty, or a valid key, or a valid key followed by `/`.
pub fn check_prefix(prefix: &str) -> Result<(), StorageError> {
    match prefix.strip_suffix('/') {
        _ if prefix.is_empty() => Ok(()),
        Some(dir) => check_key(dir),
        None => check_key(prefix),
    }
    .map_err(|_| StorageError::InvalidKey(prefix.to_owned()))
}

impl From<StorageError> for crate::Error {
    fn from(err: StorageError) -> Self {
        use StorageError as S;
        match err {
            S::Unreachable(_) | S::Status { .. } => crate::Error::Unavailable(err.to_string()),
            other => crate::Error::caused("media storage", other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        assert!(check_key("media_attachments/files/1/original/a.png").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "./a",
            "a\\b",
            "a\0b",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn prefixes_cannot_escape_the_root() {
        for good in ["", "media_attachments/", "cache/media_attachments/fi"] {
            assert!(check_prefix(good).is_ok(), "{good:?} refused");
        }
        for bad in ["/", "../", "a/../", "/etc", "a//", "a\\b"] {
            assert!(check_prefix(bad).is_err(), "{bad:?} accepted");
        }
    }
}
