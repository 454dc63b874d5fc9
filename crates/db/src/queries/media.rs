//! Media attachments: uploads, processing state, attaching to statuses,
//! and the remote media cache's bookkeeping.
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::RunQueryDsl;

use crate::ids::{AccountId, StatusId};
use crate::models::{MediaAttachment, NewMediaAttachment, ProcessedMedia, Processing};
use crate::schema::{account_images, media_attachments, statuses};
use crate::{Conn, Result};

/// Inserts an attachment.
pub async fn put_media(conn: &mut Conn, new: &NewMediaAttachment) -> Result<MediaAttachment> {
    Ok(diesel::insert_into(media_attachments::table)
        .values(new)
        .returning(MediaAttachment::as_returning())
        .get_result(conn)
        .await?)
}

/// One attachment by id.
pub async fn find_media(conn: &mut Conn, id: i64) -> Result<Option<MediaAttachment>> {
    Ok(media_attachments::table
        .find(id)
        .select(MediaAttachment::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// One attachment by id, only when `account_id` uploaded it.
pub async fn find_own_media(
    conn: &mut Conn,
    account_id: AccountId,
    id: i64,
) -> Result<Option<MediaAttachment>> {
    Ok(media_attachments::table
        .find(id)
        .filter(media_attachments::account_id.eq(account_id))
        .select(MediaAttachment::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Marks a queued (or interrupted) attachment as being processed; `None`
/// when it is already complete, failed or gone, so a repeated job is a no-op.
pub async fn claim_for_processing(conn: &mut Conn, id: i64) -> Result<Option<MediaAttachment>> {
    Ok(diesel::update(media_attachments::table.find(id))
        .filter(
            media_attachments::processing
                .eq_any([Processing::Queued.as_i16(), Processing::InProgress.as_i16()]),
        )
        .set((
            media_attachments::processing.eq(Processing::InProgress.as_i16()),
            media_attachments::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MediaAttachment::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

/// Records the result of processing.
pub async fn set_processed(
    conn: &mut Conn,
    id: i64,
    processed: &ProcessedMedia,
) -> Result<MediaAttachment> {
    Ok(diesel::update(media_attachments::table.find(id))
        .set(processed)
        .returning(MediaAttachment::as_returning())
        .get_result(conn)
        .await?)
}

/// Sets the thumbnail a client chose, and the blurhash it gives.
pub async fn set_thumbnail(
    conn: &mut Conn,
    id: i64,
    thumbnail_key: &str,
    blurhash: Option<&str>,
) -> Result<MediaAttachment> {
    Ok(diesel::update(media_attachments::table.find(id))
        .set((
            media_attachments::thumbnail_key.eq(thumbnail_key),
            media_attachments::blurhash.eq(blurhash),
            media_attachments::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MediaAttachment::as_returning())
        .get_result(conn)
        .await?)
}

/// Records that processing failed for good.
pub async fn set_failed(conn: &mut Conn, id: i64, error: &str) -> Result<()> {
    diesel::update(media_attachments::table.find(id))
        .set((
            media_attachments::processing.eq(Processing::Failed.as_i16()),
            media_attachments::processing_error.eq(error),
            media_attachments::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the description and the metadata (focus point).
pub async fn update_description_and_meta(
    conn: &mut Conn,
    id: i64,
    description: Option<&str>,
    meta: &serde_json::Value,
) -> Result<MediaAttachment> {
    Ok(diesel::update(media_attachments::table.find(id))
        .set((
            media_attachments::description.eq(description),
            media_attachments::meta.eq(meta),
            media_attachments::updated_at.eq(diesel::dsl::now),
        ))
        .returning(MediaAttachment::as_returning())
        .get_result(conn)
        .await?)
}

/// Attaches the author's own, processed, unattached uploads to a status,
/// keeping the given order. Returns how many were attached.
pub async fn attach_to_status(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
    ids: &[i64],
) -> Result<usize> {
    let attached = diesel::update(media_attachments::table)
        .filter(media_attachments::id.eq_any(ids))
        .filter(media_attachments::account_id.eq(account_id))
        .filter(media_attachments::status_id.is_null())
        .filter(media_attachments::scheduled_status_id.is_null())
        .filter(media_attachments::processing.eq(Processing::Complete.as_i16()))
        .set(media_attachments::status_id.eq(status_id))
        .execute(conn)
        .await?;
    diesel::update(statuses::table.find(status_id))
        .set(statuses::ordered_media_attachment_ids.eq(ids))
        .execute(conn)
        .await?;
    Ok(attached)
}

/// Makes `ids` (the author's own processed uploads, free or already on the
/// status) the status's attachments in that order; attachments left out
/// are detached, so the orphan sweep removes them later. Returns how many
/// of `ids` are now attached.
pub async fn replace_status_media(
    conn: &mut Conn,
    account_id: AccountId,
    status_id: StatusId,
    ids: &[i64],
) -> Result<usize> {
    diesel::update(media_attachments::table)
        .filter(media_attachments::status_id.eq(status_id))
        .filter(media_attachments::id.ne_all(ids))
        .set(media_attachments::status_id.eq(None::<i64>))
        .execute(conn)
        .await?;
    let attached = diesel::update(media_attachments::table)
        .filter(media_attachments::id.eq_any(ids))
        .filter(media_attachments::account_id.eq(account_id))
        .filter(
            media_attachments::status_id
                .is_null()
                .or(media_attachments::status_id.eq(status_id)),
        )
        .filter(media_attachments::scheduled_status_id.is_null())
        .filter(media_attachments::processing.eq(Processing::Complete.as_i16()))
        .set(media_attachments::status_id.eq(status_id))
        .execute(conn)
        .await?;
    diesel::update(statuses::table.find(status_id))
        .set(statuses::ordered_media_attachment_ids.eq(ids))
        .execute(conn)
        .await?;
    Ok(attached)
}

/// Reserves the author's own, processed, free uploads for a scheduled
/// status. Returns how many were reserved.
pub async fn reserve_for_scheduled_status(
    conn: &mut Conn,
    account_id: AccountId,
    scheduled_status_id: i64,
    ids: &[i64],
) -> Result<usize> {
    Ok(diesel::update(media_attachments::table)
        .filter(media_attachments::id.eq_any(ids))
        .filter(media_attachments::account_id.eq(account_id))
        .filter(media_attachments::status_id.is_null())
        .filter(media_attachments::scheduled_status_id.is_null())
        .filter(media_attachments::processing.eq(Processing::Complete.as_i16()))
        .set(media_attachments::scheduled_status_id.eq(scheduled_status_id))
        .execute(conn)
        .await?)
}

/// Uploads reserved for these scheduled statuses, oldest first.
pub async fn media_of_scheduled_statuses(
    conn: &mut Conn,
    scheduled_status_ids: &[i64],
) -> Result<Vec<MediaAttachment>> {
    if scheduled_status_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(media_attachments::table
        .filter(media_attachments::scheduled_status_id.eq_any(scheduled_status_ids))
        .select(MediaAttachment::as_select())
        .order(media_attachments::id.asc())
        .load(conn)
        .await?)
}

/// Attachments of these statuses, in each status's own order.
pub async fn media_of_statuses(
    conn: &mut Conn,
    status_ids: &[i64],
) -> Result<Vec<MediaAttachment>> {
    if status_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<MediaAttachment> = media_attachments::table
        .filter(media_attachments::status_id.eq_any(status_ids))
        .select(MediaAttachment::as_select())
        .order(media_attachments::id.asc())
        .load(conn)
        .await?;
    let orders: Vec<(i64, Option<Vec<i64>>)> = statuses::table
        .filter(statuses::id.eq_any(status_ids))
        .filter(statuses::ordered_media_attachment_ids.is_not_null())
        .select((statuses::id, statuses::ordered_media_attachment_ids))
        .load(conn)
        .await?;
    let position = |media: &MediaAttachment| -> (i64, usize) {
        let status_id = media.status_id.unwrap_or_default();
        let order = orders
            .iter()
            .find(|(id, _)| *id == status_id)
            .and_then(|(_, order)| order.as_ref())
            .and_then(|order| order.iter().position(|id| *id == media.id));
        (status_id, order.unwrap_or(usize::MAX))
    };
    rows.sort_by_key(|m| (position(m), m.id));
    Ok(rows)
}

/// Deletes an attachment row.
pub async fn delete_media(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::delete(media_attachments::table.find(id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Local uploads never attached to a status, created before `cutoff`.
pub async fn unattached_before(
    conn: &mut Conn,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<MediaAttachment>> {
    Ok(media_attachments::table
        .filter(media_attachments::status_id.is_null())
        .filter(media_attachments::scheduled_status_id.is_null())
        .filter(media_attachments::remote_url.is_null())
        .filter(media_attachments::created_at.lt(cutoff))
        .select(MediaAttachment::as_select())
        .order(media_attachments::created_at.asc())
        .limit(limit)
        .load(conn)
        .await?)
}

/// Remote attachments whose files are cached, least recently used first;
/// with `before`, only those last used before it.
pub async fn cached_least_recently_used(
    conn: &mut Conn,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<MediaAttachment>> {
    let last_used = sql::<Nullable<diesel::sql_types::Timestamptz>>(
        "coalesce(media_attachments.accessed_at, media_attachments.cached_at)",
    );
    let mut query = media_attachments::table
        .filter(media_attachments::cached_at.is_not_null())
        .select(MediaAttachment::as_select())
        .order(last_used.clone().asc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(last_used.lt(before));
    }
    Ok(query.load(conn).await?)
}

/// Records a cached download of a remote attachment.
pub async fn set_cached(conn: &mut Conn, id: i64, processed: &ProcessedMedia) -> Result<()> {
    diesel::update(media_attachments::table.find(id))
        .set((
            processed,
            media_attachments::cached_at.eq(diesel::dsl::now),
            media_attachments::accessed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets a remote attachment's cached files (they are fetched again on demand).
pub async fn clear_cached(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::update(media_attachments::table.find(id))
        .set((
            media_attachments::file_key.eq(None::<String>),
            media_attachments::small_key.eq(None::<String>),
            media_attachments::file_size.eq(0),
            media_attachments::cached_at.eq(None::<DateTime<Utc>>),
            media_attachments::accessed_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Notes that a cached remote attachment was requested, at most once a minute.
pub async fn touch_accessed(conn: &mut Conn, id: i64) -> Result<()> {
    diesel::update(media_attachments::table.find(id))
        .filter(
            media_attachments::accessed_at
                .is_null()
                .or(media_attachments::accessed_at.lt(Utc::now() - chrono::Duration::minutes(1))),
        )
        .set(media_attachments::accessed_at.eq(diesel::dsl::now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Bytes stored, by kind of file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaUsage {
    /// Local uploads.
    pub local_attachments: i64,
    /// Cached remote attachments.
    pub cached_remote_attachments: i64,
    /// Local avatars and headers.
    pub local_profiles: i64,
    /// Cached remote avatars and headers.
    pub cached_remote_profiles: i64,
}

/// Sums the stored sizes.
pub async fn usage(conn: &mut Conn) -> Result<MediaUsage> {
    #[derive(QueryableByName)]
    struct Sums {
        #[diesel(sql_type = BigInt)]
        local: i64,
        #[diesel(sql_type = BigInt)]
        remote: i64,
    }
    let media: Sums = diesel::sql_query(
        "SELECT coalesce(sum(file_size) FILTER (WHERE remote_url IS NULL), 0)::bigint AS local, \
                coalesce(sum(file_size) FILTER (WHERE remote_url IS NOT NULL), 0)::bigint AS remote \
         FROM media_attachments",
    )
    .get_result(conn)
    .await?;
    let profiles: Sums = diesel::sql_query(
        "SELECT coalesce(sum(i.file_size) FILTER (WHERE a.domain IS NULL), 0)::bigint AS local, \
                coalesce(sum(i.file_size) FILTER (WHERE a.domain IS NOT NULL), 0)::bigint AS remote \
         FROM account_images i JOIN accounts a ON a.id = i.account_id",
    )
    .get_result(conn)
    .await?;
    Ok(MediaUsage {
        local_attachments: media.local,
        cached_remote_attachments: media.remote,
        local_profiles: profiles.local,
        cached_remote_profiles: profiles.remote,
    })
}

/// Every storage key the database refers to, sorted, for the orphan sweep.
pub async fn known_keys(conn: &mut Conn) -> Result<Vec<String>> {
    type Keys = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let media: Vec<Keys> = media_attachments::table
        .select((
            media_attachments::file_key,
            media_attachments::small_key,
            media_attachments::upload_key,
            media_attachments::thumbnail_key,
        ))
        .load(conn)
        .await?;
    let profiles: Vec<(Option<String>, Option<String>)> = account_images::table
        .select((
            account_images::avatar_file_key,
            account_images::header_file_key,
        ))
        .load(conn)
        .await?;
    let mut keys: Vec<String> = media
        .into_iter()
        .flat_map(|(a, b, c, d)| [a, b, c, d])
        .chain(profiles.into_iter().flat_map(|(a, b)| [a, b]))
        .flatten()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    Ok(keys)
}
