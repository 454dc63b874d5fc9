//! Just enough of the tar format for emoji archives, as `tootctl emoji`
//! reads and writes them: regular files of a (gzipped) ustar, GNU or pax
//! archive are read, with GNU long names and pax `path`s; ustar is written.
use std::io::{self, Read, Write};

use anyhow::{bail, Context};

const BLOCK: usize = 512;

/// One file of an archive: its path, and its bytes unless it was larger
/// than the reader's limit.
pub struct Entry {
    pub path: String,
    pub bytes: Option<Vec<u8>>,
}

fn field_str(raw: &[u8]) -> String {
    let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

fn octal(raw: &[u8]) -> anyhow::Result<u64> {
    let text = field_str(raw);
    let text = text.trim_matches(|c: char| c == ' ' || c == '\0');
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8).with_context(|| format!("bad number in tar header: {text:?}"))
}

/// The `path` record of a pax extended header.
fn pax_path(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.lines()
        .filter_map(|line| line.split_once(' ').map(|(_, record)| record))
        .find_map(|record| record.strip_prefix("path=").map(str::to_owned))
}

/// Reads every regular file; files over `limit` bytes come without bytes.
pub fn read_entries(mut input: impl Read, limit: u64) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut long_name: Option<String> = None;
    let mut header = [0u8; BLOCK];
    loop {
        match input.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e).context("reading the archive"),
        }
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let size = octal(&header[124..136])?;
        let kind = header[156];
        let padded = size.div_ceil(BLOCK as u64) * BLOCK as u64;
        let mut name = field_str(&header[0..100]);
        if &header[257..262] == b"ustar" {
            let prefix = field_str(&header[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        let keep = matches!(kind, b'0' | 0 | b'L' | b'x') && size <= limit.max(1 << 20);
        let mut data = Vec::new();
        if keep {
            (&mut input).take(size).read_to_end(&mut data)?;
            io::copy(&mut (&mut input).take(padded - size), &mut io::sink())?;
        } else {
            io::copy(&mut (&mut input).take(padded), &mut io::sink())?;
        }
        match kind {
            b'L' => long_name = Some(field_str(&data)),
            b'x' => long_name = pax_path(&data).or(long_name),
            b'0' | 0 => {
                let path = long_name.take().unwrap_or(name);
                let bytes = (keep && size <= limit).then_some(data);
                entries.push(Entry { path, bytes });
            }
            _ => long_name = None,
        }
    }
    Ok(entries)
}

/// Writes files as a ustar archive (names up to 100 bytes).
pub fn write_entries(mut out: impl Write, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    for (name, bytes) in files {
        if name.len() > 100 {
            bail!("{name}: name too long for the archive");
        }
        let mut header = [0u8; BLOCK];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..108].copy_from_slice(b"0000644\0");
        header[108..116].copy_from_slice(b"0000000\0");
        header[116..124].copy_from_slice(b"0000000\0");
        header[124..136].copy_from_slice(format!("{:011o}\0", bytes.len()).as_bytes());
        let mtime = chrono::Utc::now().timestamp().max(0);
        header[136..148].copy_from_slice(format!("{mtime:011o}\0").as_bytes());
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| u32::from(*b)).sum();
        header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.write_all(&header)?;
        out.write_all(bytes)?;
        let pad = (BLOCK - bytes.len() % BLOCK) % BLOCK;
        out.write_all(&vec![0u8; pad])?;
    }
    out.write_all(&[0u8; BLOCK * 2])?;
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
        assert_eq!(archive.len() % BLOCK, 0);
        let read = read_entries(archive.as_slice(), 1000).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].path, "blobcat.png");
        assert_eq!(read[0].bytes.as_deref(), Some(&[1u8; 700][..]));
        assert_eq!(read[1].path, "big.gif");
        assert!(read[1].bytes.is_none());
    }

    #[test]
    fn pax_paths_are_used() {
        assert_eq!(
            pax_path(b"30 path=emojis/a_long_name.png\n").as_deref(),
            Some("emojis/a_long_name.png")
        );
    }
}
