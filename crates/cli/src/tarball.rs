//! Emoji archives, as `tootctl emoji` reads and writes them, through the
//! `tar` crate: the regular files of a (gzipped) ustar, GNU or pax archive
//! are read, with GNU long names and pax `path`s; ustar is written.
use std::io::{Read, Write};

use anyhow::Context;

/// One file of an archive: its path, and its bytes unless it was larger
/// than the reader's limit.
pub struct Entry {
    pub path: String,
    pub bytes: Option<Vec<u8>>,
}

/// Reads every regular file; files over `limit` bytes come without bytes
/// (and are skipped over, not read into memory).
pub fn read_entries(input: impl Read, limit: u64) -> anyhow::Result<Vec<Entry>> {
    let mut archive = tar::Archive::new(input);
    let mut entries = Vec::new();
    for entry in archive.entries().context("reading the archive")? {
        let mut entry = entry.context("reading the archive")?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            continue;
        }
        let path = entry
            .path()
            .context("a file name in the archive")?
            .to_string_lossy()
            .into_owned();
        let bytes = if entry.size() <= limit {
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .with_context(|| format!("reading {path}"))?;
            Some(bytes)
        } else {
            None
        };
        entries.push(Entry { path, bytes });
    }
    Ok(entries)
}

/// Writes files as a ustar archive, each readable by everyone.
pub fn write_entries(out: impl Write, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let mtime = chrono::Utc::now().timestamp().max(0).unsigned_abs();
    let mut archive = tar::Builder::new(out);
    for (name, bytes) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        archive
            .append_data(&mut header, name, bytes.as_slice())
            .with_context(|| format!("{name}: adding it to the archive"))?;
    }
    archive.finish().context("ending the archive")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_archives_read_back() {
        let files = vec![
            ("blobcat.png".to_owned(), vec![1u8; 700]),
            ("big.gif".to_owned(), vec![2u8; 2000]),
        ];
        let mut archive = Vec::new();
        write_entries(&mut archive, &files).unwrap();
        assert_eq!(archive.len() % 512, 0);
        assert_eq!(&archive[257..263], b"ustar\0");
        let read = read_entries(archive.as_slice(), 1000).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].path, "blobcat.png");
        assert_eq!(read[0].bytes.as_deref(), Some(&[1u8; 700][..]));
        assert_eq!(read[1].path, "big.gif");
        assert!(read[1].bytes.is_none());
    }

    #[test]
    fn pax_and_gnu_long_names_are_used() {
        let long = format!("emojis/{}.png", "a".repeat(120));
        let mut gnu = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(3);
        gnu.append_data(&mut header, &long, &b"gnu"[..]).unwrap();
        let gnu = gnu.into_inner().unwrap();

        let mut pax = tar::Builder::new(Vec::new());
        // A pax record is "<length> path=<value>\n", the length counting itself.
        let record = format!(" path={long}\n");
        let record = format!("{}{record}", record.len() + 3);
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::XHeader);
        header.set_path("PaxHeaders/short.png").unwrap();
        header.set_size(record.len() as u64);
        header.set_cksum();
        pax.append(&header, record.as_bytes()).unwrap();
        let mut header = tar::Header::new_ustar();
        header.set_path("short.png").unwrap();
        header.set_size(3);
        header.set_cksum();
        pax.append(&header, &b"pax"[..]).unwrap();
        let pax = pax.into_inner().unwrap();

        for (archive, body) in [(gnu, b"gnu"), (pax, b"pax")] {
            let read = read_entries(archive.as_slice(), 1000).unwrap();
            assert_eq!(read.len(), 1);
            assert_eq!(read[0].path, long);
            assert_eq!(read[0].bytes.as_deref(), Some(&body[..]));
        }
    }
}
