//! Accepting an upload (`POST /api/v1/media`, `/api/v2/media`): what the
//! bytes really are, size limits, then either processing at once (images)
//! or storing the raw bytes for a worker (video, audio, animated GIF).
//! A refused or failed upload leaves no row and no file behind.
use ferrodon_db::models::{
    Account, MediaAttachment, NewMediaAttachment, ProcessedMedia, Processing,
};
use ferrodon_db::queries::{accounts, media};
use ferrodon_media::image::ImageLimits;
use ferrodon_media::{sniff, Detected, ImageFormat, Processed};
use serde_json::json;

use super::{keys, process, store_processed};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// Longest description (alt text), as Mastodon.
pub const MAX_DESCRIPTION_CHARS: usize = 1500;

/// What a client uploads.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Alt text.
    pub description: Option<String>,
    /// Focal point `"x,y"`.
    pub focus: Option<String>,
    /// The preview image the client chose (video and audio only).
    pub thumbnail: Option<Vec<u8>>,
}

/// Whether to wait for video and audio processing (API v1) or hand it to a
/// worker (API v2, answered with 202).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Process before answering.
    UntilProcessed,
    /// Queue slow processing.
    Queue,
}

/// Checks an alt text.
pub fn check_description(description: Option<&str>) -> Result<()> {
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS) {
        return Err(Error::validation(format!(
            "Description is too long (maximum is {MAX_DESCRIPTION_CHARS} characters)"
        )));
    }
    Ok(())
}

/// A focus point parsed into the `meta.focus` object.
pub fn focus_meta(raw: Option<&str>) -> Result<Option<serde_json::Value>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => ferrodon_media::meta::parse_focus(raw)
            .map(|(x, y)| Some(json!({ "x": x, "y": y })))
            .ok_or_else(|| Error::validation("Focus must be two numbers from -1.0 to 1.0, as x,y")),
    }
}

fn megabytes(bytes: u64) -> u64 {
    bytes / (1 << 20)
}

/// Accepts an upload by `account`.
pub async fn upload_media(
    state: &AppState,
    account: &Account,
    upload: Upload,
    wait: Wait,
) -> Result<MediaAttachment> {
    if upload.bytes.is_empty() {
        return Err(Error::validation("File can't be blank"));
    }
    check_description(upload.description.as_deref())?;
    let focus = focus_meta(upload.focus.as_deref())?;
    let config = &state.config.media;
    let detected = sniff(&upload.bytes);
    let size = upload.bytes.len() as u64;
    let limit = match detected {
        Detected::Image(_) => config.max_image_bytes,
        Detected::Video | Detected::Audio => config.max_video_bytes,
        Detected::Unknown => {
            return Err(Error::validation(
                "File content type is not supported (images, video and audio only)",
            ))
        }
    };
    if size > limit {
        return Err(Error::validation(format!(
            "File file size must be less than {} MB",
            megabytes(limit)
        )));
    }
    // A thumbnail is for video and audio; an image is its own preview.
    let thumbnail = match (upload.thumbnail, detected) {
        (Some(bytes), Detected::Video | Detected::Audio) => {
            Some(process_thumbnail(state, bytes).await?)
        }
        (Some(bytes), Detected::Image(ImageFormat::Gif))
            if ferrodon_media::image::is_animated_gif(&upload.bytes) =>
        {
            Some(process_thumbnail(state, bytes).await?)
        }
        _ => None,
    };
    let mut conn = state.conn().await?;
    let id = accounts::next_id(&mut conn).await?;
    drop(conn);
    let animated_gif = detected == Detected::Image(ImageFormat::Gif)
        && ferrodon_media::image::is_animated_gif(&upload.bytes);
    if let (Detected::Image(format), false) = (detected, animated_gif) {
        let processed = process_still(state, upload.bytes, format).await?;
        let row = NewMediaAttachment {
            id,
            account_id: account.id,
            status_id: None,
            kind: processed.kind.to_owned(),
            remote_url: None,
            preview_remote_url: None,
            description: upload.description,
            blurhash: None,
            meta: json!({}),
            processing: Processing::InProgress.as_i16(),
            upload_key: None,
        };
        let mut conn = state.conn().await?;
        media::put_media(&mut conn, &row).await?;
        drop(conn);
        return finish(state, id, processed, focus, false).await;
    }
    // Slow media: keep the raw bytes in storage, for whichever process runs it.
    let upload_key = keys::attachment_key(id, "upload", "bin", false);
    state
        .media
        .put(&upload_key, upload.bytes, "application/octet-stream")
        .await?;
    let row = NewMediaAttachment {
        id,
        account_id: account.id,
        status_id: None,
        kind: match detected {
            Detected::Audio => "audio",
            Detected::Image(_) => "gifv",
            _ => "video",
        }
        .to_owned(),
        remote_url: None,
        preview_remote_url: None,
        description: upload.description,
        blurhash: None,
        meta: focus
            .map(|f| json!({ "focus": f }))
            .unwrap_or_else(|| json!({})),
        processing: Processing::Queued.as_i16(),
        upload_key: Some(upload_key.clone()),
    };
    let mut conn = state.conn().await?;
    if let Err(e) = media::put_media(&mut conn, &row).await {
        drop(conn);
        let _ = state.media.delete(&upload_key).await;
        return Err(e.into());
    }
    drop(conn);
    if let Some(thumbnail) = thumbnail {
        if let Err(e) = store_thumbnail(state, id, None, thumbnail).await {
            discard(state, id, &upload_key).await;
            return Err(e);
        }
    }
    let queued = wait == Wait::Queue
        && jobs::queue::enqueue(state, Job::ProcessMedia { media_id: id })
            .await
            .map_err(|e| tracing::warn!(error = %e, media_id = id, "could not queue processing; processing now"))
            .is_ok();
    if !queued {
        process::process_queued(state, id).await?;
    }
    let mut conn = state.conn().await?;
    let row = media::find_media(&mut conn, id)
        .await?
        .ok_or(Error::NotFound)?;
    if row.processing_state() == Processing::Failed {
        let reason = row.processing_error.clone().unwrap_or_default();
        media::delete_media(&mut conn, id).await?;
        return Err(Error::validation(reason));
    }
    Ok(row)
}

/// Removes a slow upload that could not be completed: its row and raw file.
async fn discard(state: &AppState, id: i64, upload_key: &str) {
    if let Ok(mut conn) = state.conn().await {
        let _ = media::delete_media(&mut conn, id).await;
    }
    let _ = state.media.delete(upload_key).await;
}

/// A client's thumbnail, processed as an image (metadata dropped, resized
/// to the preview's size, with its blurhash), ready to store.
pub struct Thumbnail {
    image: ferrodon_media::Encoded,
    blurhash: Option<String>,
}

/// Checks and processes a thumbnail: a still image (JPEG, PNG, GIF, WebP,
/// AVIF, HEIC) within the image size limit, as Mastodon's
/// `IMAGE_MIME_TYPES` and `IMAGE_LIMIT` for thumbnails.
pub async fn process_thumbnail(state: &AppState, bytes: Vec<u8>) -> Result<Thumbnail> {
    let Detected::Image(format) = sniff(&bytes) else {
        return Err(Error::validation("Thumbnail content type is invalid"));
    };
    let limit = state.config.media.max_image_bytes;
    if bytes.len() as u64 > limit {
        return Err(Error::validation(format!(
            "Thumbnail file size must be less than {} MB",
            megabytes(limit)
        )));
    }
    let processed = process_still(state, bytes, format).await?;
    Ok(Thumbnail {
        image: processed.small.unwrap_or(processed.original),
        blurhash: processed.blurhash,
    })
}

/// Stores a processed thumbnail as attachment `id`'s preview (its
/// blurhash too), removing the one it replaces (`previous`).
pub async fn store_thumbnail(
    state: &AppState,
    id: i64,
    previous: Option<&str>,
    thumbnail: Thumbnail,
) -> Result<MediaAttachment> {
    let key = keys::attachment_key(id, "thumbnail", thumbnail.image.extension, false);
    state
        .media
        .put(&key, thumbnail.image.bytes, thumbnail.image.content_type)
        .await?;
    let mut conn = state.conn().await?;
    let row = match media::set_thumbnail(&mut conn, id, &key, thumbnail.blurhash.as_deref()).await {
        Ok(row) => row,
        Err(e) => {
            drop(conn);
            let _ = state.media.delete(&key).await;
            return Err(e.into());
        }
    };
    drop(conn);
    if let Some(previous) = previous {
        if let Err(e) = state.media.delete(previous).await {
            // The row no longer names it; the orphan sweep removes it later.
            tracing::warn!(media_id = id, error = %e, "could not delete a replaced thumbnail");
        }
    }
    Ok(row)
}

/// Replaces the thumbnail of the caller's own video or audio upload
/// (`PUT /api/v1/media/:id` with `thumbnail`); an image keeps its own
/// preview.
pub async fn replace_thumbnail(
    state: &AppState,
    row: &MediaAttachment,
    bytes: Vec<u8>,
) -> Result<MediaAttachment> {
    if !matches!(row.kind.as_str(), "video" | "gifv" | "audio") {
        return Ok(row.clone());
    }
    let thumbnail = process_thumbnail(state, bytes).await?;
    store_thumbnail(state, row.id, row.thumbnail_key.as_deref(), thumbnail).await
}

/// Runs the image pipeline off the async threads (AVIF and HEIC go
/// through ffmpeg first).
async fn process_still(state: &AppState, bytes: Vec<u8>, format: ImageFormat) -> Result<Processed> {
    let limits = ImageLimits {
        max_pixels: state.config.media.max_image_pixels,
    };
    let (bytes, format) = match format {
        ImageFormat::Avif | ImageFormat::Heic => (
            ferrodon_media::ffmpeg::convert_still_to_png(
                &bytes,
                &super::ffmpeg_limits(&state.config),
            )
            .await?,
            ImageFormat::Png,
        ),
        other => (bytes, other),
    };
    tokio::task::spawn_blocking(move || {
        ferrodon_media::image::process_image(&bytes, format, &limits)
    })
    .await
    .map_err(|e| Error::caused("image processing task", e))?
    .map_err(Error::from)
}

/// Stores processed files and completes the row; on failure removes what
/// was stored and the row.
pub(super) async fn finish(
    state: &AppState,
    id: i64,
    processed: Processed,
    focus: Option<serde_json::Value>,
    cached: bool,
) -> Result<MediaAttachment> {
    let mut stored = match store_processed(state, id, &processed, cached).await {
        Ok(stored) => stored,
        Err(e) => {
            if let Ok(mut conn) = state.conn().await {
                let _ = media::delete_media(&mut conn, id).await;
            }
            return Err(e);
        }
    };
    if let (Some(focus), Some(meta)) = (focus, stored.meta.as_object_mut()) {
        meta.insert("focus".into(), focus);
    }
    let mut conn = state.conn().await?;
    Ok(media::set_processed(&mut conn, id, &stored).await?)
}

/// What [`store_processed`] wrote, as the row's new values.
pub(super) fn processed_row(
    processed: &Processed,
    file_key: String,
    small_key: Option<String>,
) -> ProcessedMedia {
    let size =
        processed.original.bytes.len() + processed.small.as_ref().map_or(0, |s| s.bytes.len());
    ProcessedMedia {
        kind: processed.kind.to_owned(),
        file_key: Some(file_key),
        small_key,
        file_content_type: Some(processed.original.content_type.to_owned()),
        file_size: size as i64,
        blurhash: processed.blurhash.clone(),
        meta: processed.meta.clone(),
        processing: Processing::Complete.as_i16(),
        upload_key: None,
        processing_error: None,
        updated_at: chrono::Utc::now(),
    }
}
