//! Statuses with their mentions, hashtags and attachments. Local statuses
//! keep their Mastodon id and `uri`, so `https://DOMAIN/users/NAME/statuses/ID`
//! (Ferrodon's URI for a status, see [`crate::urls::status_uri`]) still
//! names the same post; Mastodon ids and Ferrodon ids are both
//! milliseconds << 16, so they sort the same way among new ones.
use std::collections::HashMap;

use ferrodon_db::mastodon_import::source::{
    self, SourceAccount, SourceMedia, SourceMention, SourceStatus,
};
use ferrodon_db::mastodon_import::target::{self, ImportMedia, ImportStatus};
use ferrodon_db::queries::tags_mentions;
use ferrodon_db::{AsyncConnection, Conn};

use super::files::{copy_file, paperclip_key, small_name, Copied};
use super::{ImportOptions, ImportReport};
use crate::text::{render_plain_text, MentionTarget};
use crate::{urls, AppState, Config, Error, Result};

/// Statuses read from the source per round trip.
const BATCH: i64 = 500;

/// What the statuses need to know about accounts.
pub struct Accounts<'a> {
    /// Source accounts by Mastodon id.
    pub source: HashMap<i64, &'a SourceAccount>,
    /// Mastodon id → Ferrodon id.
    pub ids: HashMap<i64, i64>,
}

/// Mastodon's visibility in Ferrodon's terms; `limited` (4) becomes direct.
fn visibility(value: i16) -> i16 {
    value.clamp(0, 3)
}

/// Mastodon's attachment type number as Ferrodon's name.
fn media_kind(value: i32) -> &'static str {
    match value {
        0 => "image",
        1 => "gifv",
        2 => "video",
        4 => "audio",
        _ => "unknown",
    }
}

/// Renders a local status's source text, linking the accounts Mastodon
/// recorded as mentioned.
fn render_local(config: &Config, text: &str, mentioned: &[&SourceAccount]) -> String {
    let resolve = |user: &str, domain: Option<&str>| -> Option<MentionTarget> {
        let domain = domain
            .map(str::to_lowercase)
            .filter(|d| *d != config.local_domain && *d != config.web_domain);
        mentioned
            .iter()
            .find(|a| {
                a.username.eq_ignore_ascii_case(user)
                    && a.domain.as_deref().map(str::to_lowercase) == domain
            })
            .map(|a| MentionTarget {
                username: a.username.clone(),
                url: match &a.domain {
                    None => urls::account_url(config, &a.username),
                    Some(_) => a.url.clone().unwrap_or_else(|| a.uri.clone()),
                },
            })
    };
    render_plain_text(text, &resolve, &|t| urls::tag_url(config, t))
}

/// Imports every selected status; the map it fills is Mastodon id → Ferrodon id.
pub async fn import_statuses(
    state: &AppState,
    source_conn: &mut Conn,
    conn: &mut Conn,
    opts: &ImportOptions,
    accounts: &Accounts<'_>,
    report: &mut ImportReport,
) -> Result<()> {
    let mut ids: HashMap<i64, i64> = HashMap::new();
    let mut after = 0;
    loop {
        let batch = source::list_statuses(source_conn, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let batch_ids: Vec<i64> = batch.iter().map(|s| s.id).collect();
        let mentions = source::list_mentions(source_conn, &batch_ids).await?;
        let taggings = source::list_taggings(source_conn, &batch_ids).await?;
        let media = source::list_media(source_conn, &batch_ids).await?;
        for status in &batch {
            let related = Related {
                mentions: mentions
                    .iter()
                    .filter(|m| m.status_id == status.id)
                    .collect(),
                tags: taggings
                    .iter()
                    .filter(|t| t.status_id == status.id)
                    .map(|t| t.name.clone())
                    .collect(),
                media: media.iter().filter(|m| m.status_id == status.id).collect(),
            };
            import_one(
                state, conn, opts, accounts, &mut ids, status, &related, report,
            )
            .await?;
        }
    }
    Ok(())
}

/// A status's mentions, hashtags and attachments in the source.
struct Related<'a> {
    mentions: Vec<&'a SourceMention>,
    tags: Vec<String>,
    media: Vec<&'a SourceMedia>,
}

#[allow(clippy::too_many_arguments)]
async fn import_one(
    state: &AppState,
    conn: &mut Conn,
    opts: &ImportOptions,
    accounts: &Accounts<'_>,
    ids: &mut HashMap<i64, i64>,
    s: &SourceStatus,
    related: &Related<'_>,
    report: &mut ImportReport,
) -> Result<()> {
    let (Some(author), Some(&account_id)) = (
        accounts.source.get(&s.account_id),
        accounts.ids.get(&s.account_id),
    ) else {
        report.statuses.skipped += 1;
        return Ok(());
    };
    let local = author.domain.is_none();
    let uri = match (&s.uri, local) {
        (Some(uri), _) => uri.clone(),
        (None, true) => urls::status_uri(&state.config, &author.username, s.id),
        (None, false) => {
            report.statuses.skipped += 1;
            return Ok(());
        }
    };
    if let Some(existing) = target::find_status_by_uri(conn, &uri).await? {
        ids.insert(s.id, existing);
        report.statuses.present += 1;
        return Ok(());
    }
    let reblog_of_id = match s.reblog_of_id {
        Some(original) => match ids.get(&original) {
            Some(&id) => Some(id),
            None => {
                report.statuses.skipped += 1;
                return Ok(());
            }
        },
        None => None,
    };
    let id = if !target::status_id_taken(conn, s.id).await? {
        s.id
    } else if local {
        report.statuses.skipped += 1;
        report.warn(format!(
            "skipped status {uri}: its id {} is used by another Ferrodon status",
            s.id
        ));
        return Ok(());
    } else {
        ferrodon_db::queries::accounts::next_id(conn).await?
    };
    let mentioned: Vec<(&SourceAccount, i64, bool)> = related
        .mentions
        .iter()
        .filter_map(|m| {
            Some((
                *accounts.source.get(&m.account_id)?,
                *accounts.ids.get(&m.account_id)?,
                m.silent,
            ))
        })
        .collect();
    let content = if local {
        let accounts: Vec<&SourceAccount> = mentioned.iter().map(|(a, _, _)| *a).collect();
        render_local(&state.config, &s.text, &accounts)
    } else {
        ferrodon_apub::sanitize::sanitize_remote_html(&s.text)
    };
    let row = ImportStatus {
        id,
        uri,
        // Mastodon derives a local status's page; Ferrodon stores it.
        url: match (&s.url, local && reblog_of_id.is_none()) {
            (None, true) => Some(urls::status_url(&state.config, &author.username, id)),
            (url, _) => url.clone(),
        },
        account_id,
        in_reply_to_id: s.in_reply_to_id.and_then(|p| ids.get(&p).copied()),
        in_reply_to_account_id: s
            .in_reply_to_account_id
            .and_then(|a| accounts.ids.get(&a).copied()),
        reblog_of_id,
        text: if local { s.text.clone() } else { String::new() },
        content,
        spoiler_text: s.spoiler_text.clone(),
        sensitive: s.sensitive,
        visibility: visibility(s.visibility),
        language: s.language.clone(),
        local,
        created_at: s.created_at,
        updated_at: s.updated_at,
        edited_at: s.edited_at,
        ordered_media_attachment_ids: None,
        replies_count: s.replies_count,
        reblogs_count: s.reblogs_count,
        favourites_count: s.favourites_count,
    };
    let mut media = Vec::new();
    for m in &related.media {
        media.push(media_row(state, opts, report, m, account_id, id).await?);
    }
    ids.insert(s.id, id);
    report.statuses.added += 1;
    report.mentions += mentioned.len() as u64;
    report.tags += related.tags.len() as u64;
    report.media += media.len() as u64;
    if opts.dry_run {
        return Ok(());
    }
    let mention_ids: Vec<(i64, bool)> = mentioned
        .iter()
        .map(|(_, id, silent)| (*id, *silent))
        .collect();
    conn.transaction(async |conn| {
        target::insert_status(conn, &row).await?;
        target::insert_mentions(conn, id, &mention_ids).await?;
        if !related.tags.is_empty() {
            let tags = tags_mentions::upsert_tags(conn, &related.tags).await?;
            let tag_ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
            tags_mentions::set_status_tags(conn, id, &tag_ids).await?;
        }
        if !media.is_empty() {
            let mut media_ids = Vec::with_capacity(media.len());
            for m in &media {
                media_ids.push(target::insert_media(conn, m).await?);
            }
            target::set_media_order(conn, id, &media_ids).await?;
        }
        Ok::<_, Error>(())
    })
    .await
}

/// An attachment row; a local file is copied in when `--media-root` is given.
async fn media_row(
    state: &AppState,
    opts: &ImportOptions,
    report: &mut ImportReport,
    m: &SourceMedia,
    account_id: i64,
    status_id: i64,
) -> Result<ImportMedia> {
    let kind = media_kind(m.kind);
    // A remote attachment is served through the media proxy from its
    // origin; Mastodon's cached copy is not carried over.
    let stored = m.remote_url.is_none();
    let key = |style: &str, name: &str| {
        m.file_file_name.as_ref().filter(|_| stored).and_then(|_| {
            paperclip_key(
                "media_attachments",
                "files",
                m.id,
                m.file_storage_schema_version,
                style,
                name,
            )
        })
    };
    let original_name = m.file_file_name.clone().unwrap_or_default();
    let file_key = key("original", &original_name);
    let mut small_key = key("small", &small_name(&original_name, kind));
    if let (Some(root), Some(original)) = (&opts.media_root, &file_key) {
        let content_type = m
            .file_content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        match copy_file(state, root, original, content_type, opts.dry_run).await? {
            Copied::Copied => report.files_copied += 1,
            Copied::Missing => {
                report.files_missing += 1;
                report.warn(format!(
                    "media file missing under the media root: {original}"
                ));
            }
        }
        if let Some(small) = &small_key {
            let small_type = if small.ends_with(".png") {
                "image/png"
            } else {
                content_type
            };
            match copy_file(state, root, small, small_type, opts.dry_run).await? {
                Copied::Copied => report.files_copied += 1,
                // No preview in the source: clients get the original.
                Copied::Missing => small_key = file_key.clone(),
            }
        }
    }
    Ok(ImportMedia {
        id: m.id,
        account_id,
        status_id,
        kind: kind.to_owned(),
        file_key,
        small_key,
        remote_url: m.remote_url.clone(),
        description: m.description.clone(),
        blurhash: m.blurhash.clone(),
        meta: m.meta.clone(),
        file_content_type: m.file_content_type.clone(),
        file_size: m.file_file_size,
        processing: ferrodon_db::models::Processing::Complete.as_i16(),
        created_at: m.created_at,
    })
}
