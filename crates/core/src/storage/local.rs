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

    /// Every file whose key starts with `prefix`, with its size, sorted by
    /// key. Half-written temporary files (`*.part-*`) and anything that is
    /// not a plain file with a UTF-8 name are left out; symbolic links are
    /// not followed.
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StorageError> {
        // Only the directory the prefix names needs walking.
        let start = match prefix.rfind('/') {
            Some(slash) => self.root.join(&prefix[..slash]),
            None => self.root.clone(),
        };
        let mut found = Vec::new();
        let mut pending = vec![start];
        while let Some(dir) = pending.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            while let Some(entry) = entries.next_entry().await? {
                let path = entry.path();
                let file_type = entry.file_type().await?;
                if file_type.is_dir() {
                    pending.push(path);
                    continue;
                }
                if !file_type.is_file() || is_temporary(&path) {
                    continue;
                }
                let Some(key) = self.key_of(&path) else {
                    continue;
                };
                if key.starts_with(prefix) {
                    found.push((key, entry.metadata().await?.len()));
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The key of a file under the root: its relative path with `/`.
    fn key_of(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let parts: Option<Vec<&str>> = relative.iter().map(|part| part.to_str()).collect();
        Some(parts?.join("/"))
    }

    pub(super) fn public_url(&self, key: &str) -> String {
        format!("{}/{key}", self.url_prefix)
    }
}

/// A temporary file of [`LocalStore::put`], `name.part-<ulid>`.
fn is_temporary(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.starts_with("part-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("ferrodon-local-store-{}", ulid::Ulid::generate()))
    }

    #[tokio::test]
    async fn lists_files_under_a_prefix_without_temporaries() {
        let root = temp_root();
        let store = LocalStore::new(root.clone(), "https://example.com", "/system");
        assert_eq!(
            store.list("").await.ok(),
            Some(vec![]),
            "a missing root is empty"
        );
        for (key, bytes) in [
            ("media_attachments/files/1/original/a.png", &b"abc"[..]),
            ("media_attachments/files/1/small/a.png", b"ab"),
            ("cache/media_attachments/files/2/original/b b.png", b"a"),
            ("accounts/avatars/1/original/c.png", b""),
        ] {
            store
                .put(key, bytes.to_vec())
                .await
                .unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        let tmp = root.join("media_attachments/files/1/original/d.part-01ABC");
        tokio::fs::write(&tmp, b"half")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let list = |prefix: &'static str| {
            let store = store.clone();
            async move { store.list(prefix).await.unwrap_or_else(|e| panic!("{e}")) }
        };
        assert_eq!(
            list("media_attachments/").await,
            vec![
                ("media_attachments/files/1/original/a.png".to_owned(), 3),
                ("media_attachments/files/1/small/a.png".to_owned(), 2),
            ]
        );
        assert_eq!(list("").await.len(), 4);
        assert_eq!(
            list("cache/media_attachments/files/2/original/b").await,
            vec![(
                "cache/media_attachments/files/2/original/b b.png".to_owned(),
                1
            )]
        );
        assert_eq!(list("acc").await.len(), 1);
        assert!(list("nothing/here/").await.is_empty());
        let _ = tokio::fs::remove_dir_all(&root).await;
    }
}
