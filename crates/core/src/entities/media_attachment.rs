//! Mastodon's MediaAttachment entity (`REST::MediaAttachmentSerializer`).
use ferrodon_db::models::{MediaAttachment as Row, Processing};
use serde::Serialize;

use crate::media::{public_url, remote};
use crate::Config;

/// A media attachment as clients see it.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct MediaAttachment {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Null while processing.
    pub url: Option<String>,
    pub preview_url: Option<String>,
    pub remote_url: Option<String>,
    pub preview_remote_url: Option<String>,
    pub text_url: Option<String>,
    pub meta: serde_json::Value,
    pub description: Option<String>,
    pub blurhash: Option<String>,
}

/// True when the attachment's files are ready (`GET /api/v1/media/:id` answers 200, not 206).
pub fn is_ready(row: &Row) -> bool {
    row.processing_state() == Processing::Complete
}

/// Renders an attachment. Remote files not (or no longer) cached point at
/// the media proxy, which fetches them on first use.
pub fn render(config: &Config, row: &Row) -> MediaAttachment {
    let stored = |key: &Option<String>| key.as_deref().map(|k| public_url(config, k));
    let (url, preview_url) = match (&row.remote_url, &row.file_key) {
        (_, Some(_)) => (stored(&row.file_key), stored(&row.small_key)),
        (Some(_), None) => (
            Some(remote::proxy_url(config, row.id, "original")),
            Some(remote::proxy_url(config, row.id, "small")),
        ),
        (None, None) => (None, None),
    };
    // A thumbnail the client chose is the preview (Mastodon's serializer),
    // even while the file is processing.
    let preview_url = stored(&row.thumbnail_key).or(preview_url);
    let kind = if row.processing_state() == Processing::Failed {
        "unknown".to_owned()
    } else {
        row.kind.clone()
    };
    MediaAttachment {
        id: row.id.to_string(),
        kind,
        url,
        preview_url,
        remote_url: row.remote_url.clone(),
        preview_remote_url: row.preview_remote_url.clone(),
        text_url: None,
        meta: row.meta.clone(),
        description: row.description.clone(),
        blurhash: row.blurhash.clone(),
    }
}
