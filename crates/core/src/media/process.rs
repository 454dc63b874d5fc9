//! Processing an upload that was stored raw: video, audio and animated
//! GIFs, run by a worker (`ProcessMedia`) or inline for API v1. Safe to run
//! twice: a finished attachment is left alone.
use ferrodon_db::models::Processing;
use ferrodon_db::queries::media;
use ferrodon_media::image::ImageLimits;
use ferrodon_media::{sniff, Detected, MediaError};

use super::{ffmpeg_limits, store_processed};
use crate::{AppState, Error, Result};

/// Processes attachment `id` if it is still waiting. A file at fault marks
/// the attachment failed (no retry); a local failure returns an error so the
/// job is retried.
pub async fn process_queued(state: &AppState, id: i64) -> Result<()> {
    let mut conn = state.conn().await?;
    let Some(row) = media::claim_for_processing(&mut conn, id).await? else {
        return Ok(());
    };
    drop(conn);
    let Some(upload_key) = row.upload_key.clone() else {
        let mut conn = state.conn().await?;
        media::set_failed(&mut conn, id, "the upload is missing").await?;
        return Ok(());
    };
    let Some(bytes) = state.media.get(&upload_key).await? else {
        let mut conn = state.conn().await?;
        media::set_failed(&mut conn, id, "the upload is missing").await?;
        return Ok(());
    };
    let limits = ffmpeg_limits(&state.config);
    let image_limits = ImageLimits {
        max_pixels: state.config.media.max_image_pixels,
    };
    let outcome = match sniff(&bytes) {
        Detected::Audio => ferrodon_media::ffmpeg::process_audio(&bytes, &limits).await,
        Detected::Image(_) => {
            ferrodon_media::ffmpeg::process_video(&bytes, &limits, &image_limits, true).await
        }
        Detected::Video => {
            ferrodon_media::ffmpeg::process_video(&bytes, &limits, &image_limits, false).await
        }
        Detected::Unknown => Err(MediaError::Unsupported("unrecognised file".into())),
    };
    let processed = match outcome {
        Ok(processed) => processed,
        Err(e) if e.is_permanent() => {
            tracing::info!(media_id = id, error = %e, "media processing failed");
            let mut conn = state.conn().await?;
            media::set_failed(&mut conn, id, &e.to_string()).await?;
            drop(conn);
            state.media.delete(&upload_key).await?;
            return Ok(());
        }
        Err(e) => return Err(Error::caused("media processing", e)),
    };
    let mut stored = store_processed(state, id, &processed, false).await?;
    // Keep a focus point set while the file was processing.
    if let (Some(focus), Some(meta)) = (row.meta.get("focus"), stored.meta.as_object_mut()) {
        meta.insert("focus".into(), focus.clone());
    }
    // A thumbnail the client chose is the preview, and gives the blurhash.
    if row.thumbnail_key.is_some() {
        stored.blurhash.clone_from(&row.blurhash);
    }
    let mut conn = state.conn().await?;
    let done = media::set_processed(&mut conn, id, &stored).await?;
    drop(conn);
    debug_assert_eq!(done.processing_state(), Processing::Complete);
    state.media.delete(&upload_key).await?;
    Ok(())
}
