//! Media attachments: storage, uploads and their processing, rendering,
//! the remote media cache and its clean-up.
pub mod cleanup;
pub mod keys;
mod process;
pub mod profile;
pub mod remote;
pub mod upload;

use std::time::Duration;

use ferrodon_db::models::ProcessedMedia;
use ferrodon_media::ffmpeg::FfmpegLimits;
use ferrodon_media::Processed;

pub use crate::storage::{MediaStore, StorageError};
pub use process::process_queued;

use crate::{AppState, Config, Result};

/// How ffmpeg runs, from the configuration.
pub fn ffmpeg_limits(config: &Config) -> FfmpegLimits {
    FfmpegLimits {
        binary: config.media.ffmpeg_binary.clone(),
        timeout: config.media.processing_timeout.max(Duration::from_secs(1)),
        memory_bytes: config.media.ffmpeg_memory_limit,
    }
}

/// The absolute URL of a stored file.
pub fn public_url(config: &Config, key: &str) -> String {
    crate::storage::public_url(&config.media.storage, &config.base_url(), key)
}

/// Stores the original and the preview of attachment `id` (under `cache/`
/// for remote media) and returns the row's new values. If the second file
/// cannot be stored, the first is removed again.
pub(crate) async fn store_processed(
    state: &AppState,
    id: i64,
    processed: &Processed,
    cached: bool,
) -> Result<ProcessedMedia> {
    let file_key = keys::attachment_key(id, "original", processed.original.extension, cached);
    state
        .media
        .put(
            &file_key,
            processed.original.bytes.clone(),
            processed.original.content_type,
        )
        .await?;
    let small_key = match &processed.small {
        None => None,
        Some(small) => {
            let key = keys::attachment_key(id, "small", small.extension, cached);
            if let Err(e) = state
                .media
                .put(&key, small.bytes.clone(), small.content_type)
                .await
            {
                let _ = state.media.delete(&file_key).await;
                return Err(e.into());
            }
            Some(key)
        }
    };
    Ok(upload::processed_row(processed, file_key, small_key))
}
