//! Where Mastodon keeps a file, and copying it into Ferrodon's storage.
//!
//! Mastodon's local files live under `public/system/` (Paperclip's
//! `:class/:attachment/:id_partition/:style/:filename`). Ferrodon's storage
//! keys use the same layout, so an imported attachment keeps its path as
//! its key: copying the `public/system` tree into Ferrodon's media
//! directory (or bucket) is all the files need, and `--media-root` does
//! that copy file by file.
use std::path::{Path, PathBuf};

use crate::media::keys;
use crate::{AppState, Error, Result};

/// Paperclip's `:id_partition` as Mastodon computes it: the id padded to
/// 18 digits for storage schema version 1, else padded to 9 digits and cut
/// into whole groups of three (which is how older rows were stored).
pub fn id_partition(id: i64, schema_version: Option<i32>) -> String {
    if schema_version == Some(1) {
        return keys::id_partition(id);
    }
    let digits = format!("{:09}", id.max(0));
    digits
        .as_bytes()
        .chunks_exact(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A stored file name that is safe as the last segment of a key.
fn safe_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    ok.then_some(name)
}

/// The key of one style of an attachment: `class` is `media_attachments`
/// or `accounts`, `attachment` is `files`, `avatars` or `headers`.
pub fn paperclip_key(
    class: &str,
    attachment: &str,
    id: i64,
    schema_version: Option<i32>,
    style: &str,
    file_name: &str,
) -> Option<String> {
    let name = safe_name(file_name)?;
    Some(format!(
        "{class}/{attachment}/{}/{style}/{name}",
        id_partition(id, schema_version)
    ))
}

/// The `small` style's file name: Mastodon keeps the original's name for
/// images and writes a PNG still for videos and GIFs.
pub fn small_name(original: &str, kind: &str) -> String {
    match kind {
        "video" | "gifv" => {
            let stem = original.rsplit_once('.').map_or(original, |(s, _)| s);
            format!("{stem}.png")
        }
        _ => original.to_owned(),
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copied {
    /// Copied into storage.
    Copied,
    /// Not under the media root.
    Missing,
}

/// The path of `key` under the Mastodon media root.
pub fn source_path(root: &Path, key: &str) -> PathBuf {
    root.join(key)
}

/// Copies `key` from the Mastodon media root into storage under the same
/// key (`dry_run`: only checks that it exists).
pub async fn copy_file(
    state: &AppState,
    root: &Path,
    key: &str,
    content_type: &str,
    dry_run: bool,
) -> Result<Copied> {
    let path = source_path(root, key);
    if dry_run {
        return Ok(if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            Copied::Copied
        } else {
            Copied::Missing
        });
    }
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Copied::Missing),
        Err(e) => return Err(Error::caused(format!("reading {}", path.display()), e)),
    };
    state.media.put(key, bytes, content_type).await?;
    Ok(Copied::Copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_as_paperclip() {
        assert_eq!(id_partition(1, None), "000/000/001");
        assert_eq!(id_partition(123_456_789, Some(0)), "123/456/789");
        assert_eq!(
            id_partition(109_338_745_612_826_118, Some(1)),
            "109/338/745/612/826/118"
        );
        assert_eq!(id_partition(1, Some(1)), "000/000/000/000/000/001");
    }

    #[test]
    fn keys_keep_mastodon_paths_and_refuse_traversal() {
        assert_eq!(
            paperclip_key(
                "media_attachments",
                "files",
                7,
                Some(1),
                "original",
                "a.jpg"
            )
            .as_deref(),
            Some("media_attachments/files/000/000/000/000/000/007/original/a.jpg")
        );
        assert_eq!(
            paperclip_key("accounts", "avatars", 7, None, "original", "../x"),
            None
        );
        assert_eq!(
            paperclip_key("accounts", "avatars", 7, None, "original", ".."),
            None
        );
        assert_eq!(small_name("clip.mp4", "video"), "clip.png");
        assert_eq!(small_name("cat.jpeg", "image"), "cat.jpeg");
    }
}
