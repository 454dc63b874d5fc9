//! The archive of one's posts (`/settings/export`): a `.tar.gz` holding
//! `actor.json` (the profile as other servers see it) and `outbox.json`
//! (every post the account wrote, as ActivityPub `Create` activities with
//! their notes, whatever their visibility), as Mastodon's archive has them.
//! Built in memory; media files are linked by URL, not included.
use std::io::Write;

use ferrodon_db::models::Account;
use ferrodon_db::queries::status_views::load_status_views;
use ferrodon_db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_db::Page;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};

use crate::federation::{documents, publish};
use crate::{AppState, Error, Result};

/// Statuses read per query.
const BATCH: i64 = 200;

/// The archive of `account`'s posts, gzip-compressed tar.
pub async fn build_archive(state: &AppState, account: &Account) -> Result<Vec<u8>> {
    let mut conn = state.conn().await?;
    let actor = serde_json::to_value(publish::person_of(&mut conn, &state.config, account).await?)
        .map_err(|e| Error::caused("encoding the actor", e))?;
    let filter = AccountStatusesFilter {
        exclude_reblogs: true,
        ..AccountStatusesFilter::default()
    };
    let mut items = Vec::new();
    let mut max_id = None;
    loop {
        let page = Page::new(max_id, None, None, Some(BATCH), BATCH, BATCH);
        let ids =
            list_account_statuses(&mut conn, account.id, Some(account.id), &filter, &page).await?;
        let Some(&last) = ids.last() else { break };
        let views = load_status_views(&mut conn, &ids, Some(account.id)).await?;
        for view in &views {
            let note = publish::note_of(&mut conn, state, view).await?;
            items.push(publish::create_of(&view.status, &account.uri, note));
        }
        if (ids.len() as i64) < BATCH {
            break;
        }
        max_id = Some(last);
    }
    drop(conn);
    let outbox = json!({
        "@context": documents::context(),
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    });
    pack(&[("actor.json", &actor), ("outbox.json", &outbox)])
}

/// A gzip-compressed ustar archive of JSON documents.
fn pack(files: &[(&str, &Value)]) -> Result<Vec<u8>> {
    let internal = |e: std::io::Error| Error::caused("archive", e);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    let mtime = chrono::Utc::now().timestamp().max(0) as u64;
    for (name, document) in files {
        let body = serde_json::to_vec_pretty(document)
            .map_err(|e| Error::caused("encoding an archive document", e))?;
        gz.write_all(&tar_header(name, body.len() as u64, mtime))
            .map_err(internal)?;
        gz.write_all(&body).map_err(internal)?;
        let padding = (512 - body.len() % 512) % 512;
        gz.write_all(&vec![0u8; padding]).map_err(internal)?;
    }
    // Two empty blocks end a tar archive.
    gz.write_all(&[0u8; 1024]).map_err(internal)?;
    gz.finish().map_err(internal)
}

/// A ustar header for a regular file readable by its owner.
fn tar_header(name: &str, size: u64, mtime: u64) -> [u8; 512] {
    let mut header = [0u8; 512];
    let put = |header: &mut [u8; 512], at: usize, text: &str| {
        header[at..at + text.len()].copy_from_slice(text.as_bytes());
    };
    put(&mut header, 0, name);
    put(&mut header, 100, "0000600\0");
    put(&mut header, 108, "0000000\0");
    put(&mut header, 116, "0000000\0");
    put(&mut header, 124, &format!("{size:011o}\0"));
    put(&mut header, 136, &format!("{mtime:011o}\0"));
    put(&mut header, 148, "        ");
    header[156] = b'0';
    put(&mut header, 257, "ustar\0");
    put(&mut header, 263, "00");
    let checksum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    put(&mut header, 148, &format!("{checksum:06o}\0 "));
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_name_size_and_a_valid_checksum() {
        let header = tar_header("outbox.json", 1234, 0);
        assert_eq!(&header[..11], b"outbox.json");
        assert_eq!(&header[124..136], b"00000002322\0");
        let stored = std::str::from_utf8(&header[148..154]).unwrap();
        let mut blanked = header;
        blanked[148..156].copy_from_slice(b"        ");
        let sum: u32 = blanked.iter().map(|&b| u32::from(b)).sum();
        assert_eq!(u32::from_str_radix(stored, 8).unwrap(), sum);
    }
}
