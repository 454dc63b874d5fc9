//! Media in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, …),
//! spoken to directly with AWS Signature Version 4.
use crate::config::S3Config;

use super::StorageError;

/// A bucket.
#[derive(Clone, Debug)]
pub struct S3Store {
    config: S3Config,
}

impl S3Store {
    /// A client for the configured bucket.
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        Ok(S3Store {
            config: config.clone(),
        })
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.config.bucket
    }

    pub(super) async fn put(
        &self,
        key: &str,
        _bytes: Vec<u8>,
        _content_type: &str,
    ) -> Result<(), StorageError> {
        Err(StorageError::Config(format!(
            "S3 upload of {key} is not built yet"
        )))
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError::Config(format!(
            "S3 download of {key} is not built yet"
        )))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StorageError> {
        Err(StorageError::Config(format!(
            "S3 delete of {key} is not built yet"
        )))
    }

    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StorageError> {
        Err(StorageError::Config(format!(
            "S3 listing of {prefix} is not built yet"
        )))
    }

    pub(super) fn public_url(&self, key: &str) -> String {
        match &self.config.alias_host {
            Some(host) => format!("{}://{host}/{key}", self.config.protocol),
            None if self.config.path_style => {
                format!("{}/{}/{key}", self.config.endpoint, self.config.bucket)
            }
            None => {
                let endpoint =
                    self.config
                        .endpoint
                        .replacen("://", &format!("://{}.", self.config.bucket), 1);
                format!("{endpoint}/{key}")
            }
        }
    }
}
