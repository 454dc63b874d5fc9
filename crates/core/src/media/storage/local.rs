//! Media on local disk (PAPERCLIP_ROOT_PATH), served by nginx under
//! PAPERCLIP_ROOT_URL. Writes go to a temporary file first and are renamed
//! into place, so a reader never sees half a file.
use std::path::{Path, PathBuf};

use super::StorageError;

/// A directory of media files.
#[derive(Clone, Debug)]
pub struct LocalStore {
    root: PathBuf,
    url_prefix: String,
}

impl LocalStore {
    /// A store under `root`, whose files are served at `url` (a path such as
    /// `/system`, joined to `base_url`, or an absolute URL).
    pub fn new(root: PathBuf, base_url: &str, url: &str) -> Self {
        let url_prefix = if url.starts_with("http://") || url.starts_with("https://") {
            url.trim_end_matches('/').to_owned()
        } else {
            format!(
                "{}/{}",
                base_url.trim_end_matches('/'),
                url.trim_matches('/')
            )
        };
        LocalStore { root, url_prefix }
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub(super) async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let path = self.path(key);
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension(format!("part-{}", ulid::Ulid::generate()));
        tokio::fs::write(&tmp, bytes).await?;
        if let Err(e) = tokio::fs::rename(&tmp, &path).await {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e.into());
        }
        Ok(())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match tokio::fs::read(self.path(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = self.path(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        // Prune directories left empty, up to the root; a non-empty one stops it.
        let mut dir = path.parent().map(Path::to_path_buf);
        while let Some(d) = dir {
            if d == self.root || !d.starts_with(&self.root) {
                break;
            }
            if tokio::fs::remove_dir(&d).await.is_err() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(())
    }

    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StorageError> {
        let mut found = Vec::new();
        let mut pending = vec![self.root.join(prefix.trim_end_matches('/'))];
        while let Some(dir) = pending.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            while let Some(entry) = entries.next_entry().await? {
                let meta = entry.metadata().await?;
                let path = entry.path();
                if meta.is_dir() {
                    pending.push(path);
                } else if let Ok(rel) = path.strip_prefix(&self.root) {
                    let key = rel.to_string_lossy().replace('\\', "/");
                    if !key.contains(".part-") {
                        found.push((key, meta.len()));
                    }
                }
            }
        }
        found.sort();
        Ok(found)
    }

    pub(super) fn public_url(&self, key: &str) -> String {
        format!("{}/{key}", self.url_prefix)
    }
}
