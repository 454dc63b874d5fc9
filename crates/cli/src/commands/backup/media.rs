//! Copying media files out of the configured store into a backup, and back
//! into whatever store the restoring instance has configured (local disk or
//! a bucket), so a restore can also move an instance between the two.
use std::path::Path;

use anyhow::Context;
use ferrodon_core::media::MediaStore;

use super::manifest::{self, FileEntry, MediaSection};

/// Copies of remote media live under this prefix; they are fetched again on
/// demand, so backups leave them out unless asked.
const CACHE_PREFIX: &str = "cache/";

/// Whether a backup copies the files or only lists them.
pub enum Copy {
    Files,
    ListOnly,
}

/// Lists the store and, with [`Copy::Files`], copies every file to
/// `dir/media/KEY`.
pub async fn back_up(
    store: &MediaStore,
    dir: &Path,
    copy: Copy,
    include_cache: bool,
) -> anyhow::Result<MediaSection> {
    let listed = store.list("").await.context("listing media files")?;
    let mut files = Vec::new();
    for (key, size) in listed {
        if !include_cache && key.starts_with(CACHE_PREFIX) {
            continue;
        }
        let entry = match copy {
            Copy::ListOnly => FileEntry {
                path: key,
                bytes: size,
                sha256: None,
            },
            Copy::Files => {
                // A file deleted since the listing (cache clean-up, a status
                // deleted meanwhile) is simply not part of the backup.
                let Some(bytes) = store
                    .get(&key)
                    .await
                    .with_context(|| format!("reading {key}"))?
                else {
                    continue;
                };
                manifest::write_private(&dir.join(manifest::MEDIA_DIR).join(&key), &bytes)?;
                FileEntry {
                    sha256: Some(manifest::sha256_hex(&bytes)),
                    bytes: bytes.len() as u64,
                    path: key,
                }
            }
        };
        files.push(entry);
    }
    Ok(MediaSection {
        storage: store.describe(),
        included: matches!(copy, Copy::Files),
        includes_cache: include_cache,
        files,
    })
}

/// What a media restore did.
pub struct Restored {
    /// Files written into the store.
    pub copied: usize,
    /// Files the manifest lists as left in the bucket that the store lacks.
    pub missing: Vec<String>,
}

/// Puts the backup's files into `store`; for a list-only backup, checks
/// that the store still holds every listed object.
pub async fn restore(
    store: &MediaStore,
    dir: &Path,
    section: &MediaSection,
) -> anyhow::Result<Restored> {
    let mut restored = Restored {
        copied: 0,
        missing: Vec::new(),
    };
    if section.included {
        for entry in &section.files {
            let path = dir.join(manifest::MEDIA_DIR).join(&entry.path);
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            store
                .put(&entry.path, bytes, content_type_of(&entry.path))
                .await
                .with_context(|| format!("storing {}", entry.path))?;
            restored.copied += 1;
        }
    } else {
        let present: std::collections::HashSet<String> = store
            .list("")
            .await
            .context("listing media files")?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        restored.missing = section
            .files
            .iter()
            .filter(|entry| !present.contains(&entry.path))
            .map(|entry| entry.path.clone())
            .collect();
    }
    Ok(restored)
}

/// The Content-Type object storage should serve a key with, by extension.
fn content_type_of(key: &str) -> &'static str {
    let extension = key.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wave",
        "flac" => "audio/flac",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type_of;

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(
            content_type_of("media_attachments/files/1/original/a.PNG"),
            "image/png"
        );
        assert_eq!(content_type_of("x/y.mp4"), "video/mp4");
        assert_eq!(content_type_of("x/noextension"), "application/octet-stream");
    }
}
