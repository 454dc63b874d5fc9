//! The archive of one's posts (`/settings/export`): a `.tar.gz` holding
//! `actor.json` (the profile as other servers see it) and `outbox.json`
//! (every post the account wrote, as ActivityPub `Create` activities with
//! their notes, whatever their visibility), as Mastodon's archive has them.
//! Built in memory; media files are linked by URL, not included.
use ferrodon_apub::activitypub::outbound as ap;
use ferrodon_db::models::Account;
use ferrodon_db::queries::status_views::load_status_views;
use ferrodon_db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_db::AccountId;
use ferrodon_db::Page;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;

use crate::federation::{documents, publish};
use crate::{AppState, Error, Result};

/// Statuses read per query.
const BATCH: i64 = 200;

/// The archive of `account`'s posts, gzip-compressed tar.
pub async fn build_archive(state: &AppState, account: &Account) -> Result<Vec<u8>> {
    let mut conn = state.conn().await?;
    let actor = publish::person_of(&mut conn, &state.config, account).await?;
    let filter = AccountStatusesFilter {
        exclude_reblogs: true,
        ..AccountStatusesFilter::default()
    };
    let mut items = Vec::new();
    let mut max_id = None;
    loop {
        let page = Page::new(max_id, None, None, Some(BATCH), BATCH, BATCH);
        let ids = list_account_statuses(
            &mut conn,
            AccountId::new(account.id),
            Some(AccountId::new(account.id)),
            &filter,
            &page,
        )
        .await?;
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
    pack(&[
        ("actor.json", pretty(&actor)?),
        ("outbox.json", pretty(&outbox(items))?),
    ])
}

/// The archive's `outbox.json`: every post as a `Create`, newest first.
fn outbox(items: Vec<ap::Activity>) -> ap::Collection<ap::Activity> {
    ap::Collection {
        context: Some(documents::context()),
        ..documents::ordered_collection_of("outbox.json", items)
    }
}

/// A document as the archive holds it: indented JSON.
fn pretty(document: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(document)
        .map_err(|e| Error::caused("encoding an archive document", e))
}

/// A gzip-compressed ustar archive of JSON documents, each a regular file
/// readable by its owner.
fn pack(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>> {
    let internal = |e: std::io::Error| Error::caused("archive", e);
    let mtime = chrono::Utc::now().timestamp().max(0).unsigned_abs();
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, body) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(body.len() as u64);
        header.set_mode(0o600);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, name, body.as_slice())
            .map_err(internal)?;
    }
    tar.into_inner()
        .map_err(internal)?
        .finish()
        .map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrodon_apub::activitypub::ActivityKind;
    use serde_json::{json, Value};
    use std::io::Read;

    #[test]
    fn the_outbox_is_the_collection_the_archive_always_had() {
        let create = ap::Activity::new(
            ActivityKind::Create,
            "https://social.example/users/a/statuses/1/activity",
            "https://social.example/users/a",
            "https://social.example/users/a/statuses/1",
        );
        let items = vec![create.clone(), create];
        // The document as it was built with `json!` before.
        let expected = json!({
            "@context": documents::context(),
            "id": "outbox.json",
            "type": "OrderedCollection",
            "totalItems": items.len(),
            "orderedItems": items,
        });
        assert_eq!(serde_json::to_value(outbox(items)).unwrap(), expected);
    }

    #[test]
    fn archives_hold_the_documents_as_owner_readable_files() {
        let actor = serde_json::json!({"type": "Person"});
        let outbox = serde_json::json!({"type": "OrderedCollection", "totalItems": 0});
        let gz = pack(&[
            ("actor.json", pretty(&actor).unwrap()),
            ("outbox.json", pretty(&outbox).unwrap()),
        ])
        .unwrap();
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut raw)
            .unwrap();
        // ustar: a 512-byte header per file, the data padded to 512, and
        // two empty blocks at the end.
        assert_eq!(raw.len() % 512, 0);
        assert_eq!(&raw[257..263], b"ustar\0");
        assert_eq!(&raw[..11], b"actor.json\0");
        assert!(raw.ends_with(&[0u8; 1024]));
        let mut archive = tar::Archive::new(raw.as_slice());
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            assert_eq!(entry.header().mode().unwrap(), 0o600);
            assert_eq!(entry.header().entry_type(), tar::EntryType::Regular);
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            let document: Value = serde_json::from_str(&body).unwrap();
            seen.push((path, document));
        }
        assert_eq!(
            seen,
            vec![
                ("actor.json".to_owned(), actor),
                ("outbox.json".to_owned(), outbox)
            ]
        );
    }
}
