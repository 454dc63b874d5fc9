//! `manifest.json`: what a backup holds, so that a restore can check it is
//! complete and undamaged before touching anything.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context};
use ferrodon_core::storage::sigv4::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version of this layout; a restore refuses versions it does not know.
pub const FORMAT: u32 = 1;
/// The manifest's file name inside a backup directory.
pub const FILE: &str = "manifest.json";
/// The database dump's file name inside a backup directory.
pub const DATABASE_FILE: &str = "database.dump";
/// The directory media files are copied to inside a backup directory.
pub const MEDIA_DIR: &str = "media";

/// The whole manifest.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub ferrodon_version: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// LOCAL_DOMAIN of the instance: a restore must run with the same one,
    /// since every ActivityPub id contains it.
    pub local_domain: String,
    /// The newest migration applied when the dump was taken.
    pub schema_version: Option<String>,
    pub database: FileEntry,
    /// Row counts of the tables that hold people's data, at dump time.
    pub counts: BTreeMap<String, i64>,
    pub media: MediaSection,
}

/// One file of the backup (or, for media left in object storage, one object).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the backup directory, or the storage key for media.
    pub path: String,
    pub bytes: u64,
    /// Hex SHA-256 of the content; absent for objects left in the bucket.
    pub sha256: Option<String>,
}

/// The media part: where the files were and whether they are in the backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct MediaSection {
    /// `local directory …` or `S3 bucket …`.
    pub storage: String,
    /// Whether the files themselves are under `media/`; otherwise `files`
    /// lists what the bucket held.
    pub included: bool,
    /// Whether copies of remote media (`cache/`) were taken.
    pub includes_cache: bool,
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// Reads and checks the format of `dir/manifest.json`.
    pub fn read(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (is this a backup directory?)", path.display()))?;
        let manifest: Manifest =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "{} has backup format {}, this ferrodonctl reads format {FORMAT}",
                path.display(),
                manifest.format
            );
        }
        Ok(manifest)
    }

    /// Writes `dir/manifest.json`.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        write_private(&dir.join(FILE), text.as_bytes())
    }
}

/// Writes a file readable by its owner only: backups hold private keys and
/// token hashes.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Hex SHA-256 of bytes.
pub use ferrodon_core::storage::sigv4::sha256_hex;

/// Hex SHA-256 and size of a file, read in pieces.
pub fn file_digest(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("reading {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(hasher.finalize()), total))
}

/// Checks every file the manifest says is in the backup: present, same
/// size, same digest. Returns the number of files checked.
pub fn verify(dir: &Path, manifest: &Manifest) -> anyhow::Result<usize> {
    let mut checked = 0;
    let included_media = manifest.media.included.then_some(&manifest.media.files);
    let entries = std::iter::once(&manifest.database).chain(included_media.into_iter().flatten());
    for entry in entries {
        let path = if std::ptr::eq(entry, &manifest.database) {
            dir.join(&entry.path)
        } else {
            dir.join(MEDIA_DIR).join(&entry.path)
        };
        let (digest, bytes) = file_digest(&path)?;
        if bytes != entry.bytes || entry.sha256.as_deref() != Some(digest.as_str()) {
            bail!(
                "{} is damaged: {bytes} bytes with SHA-256 {digest}, the manifest says {} bytes with {}",
                path.display(),
                entry.bytes,
                entry.sha256.as_deref().unwrap_or("none")
            );
        }
        checked += 1;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
