use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::media_attachments;

/// Where a media attachment's processing stands (Mastodon's enum values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Processing {
    /// Uploaded, waiting for a worker.
    Queued = 0,
    /// A worker is on it.
    InProgress = 1,
    /// Files are stored and the attachment can be used.
    Complete = 2,
    /// Processing gave up; the attachment cannot be used.
    Failed = 3,
}

impl Processing {
    /// The stored value.
    pub fn as_i16(self) -> i16 {
        self as i16
    }

    /// Reads a stored value.
    pub fn from_i16(value: i16) -> Self {
        match value {
            0 => Processing::Queued,
            1 => Processing::InProgress,
            2 => Processing::Complete,
            _ => Processing::Failed,
        }
    }
}

/// An uploaded or remote file attached (or to be attached) to a status.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = media_attachments, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct MediaAttachment {
    pub id: i64,
    pub account_id: i64,
    pub status_id: Option<i64>,
    /// image, gifv, video, audio or unknown
    pub kind: String,
    /// Storage key of the processed original.
    pub file_key: Option<String>,
    /// Where a remote attachment came from.
    pub remote_url: Option<String>,
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub meta: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub processing: i16,
    pub file_content_type: Option<String>,
    pub file_size: i64,
    /// Storage key of the small preview.
    pub small_key: Option<String>,
    /// Storage key of the raw upload while it awaits processing.
    pub upload_key: Option<String>,
    pub preview_remote_url: Option<String>,
    pub cached_at: Option<DateTime<Utc>>,
    pub accessed_at: Option<DateTime<Utc>>,
    pub processing_error: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// The scheduled status this upload is reserved for.
    pub scheduled_status_id: Option<i64>,
    /// Storage key of the thumbnail a client chose (video and audio),
    /// shown as the preview.
    pub thumbnail_key: Option<String>,
}

impl MediaAttachment {
    /// The processing state.
    pub fn processing_state(&self) -> Processing {
        Processing::from_i16(self.processing)
    }

    /// True for attachments of remote statuses.
    pub fn is_remote(&self) -> bool {
        self.remote_url.is_some()
    }

    /// The storage keys of every file it has (original, small, raw
    /// upload, thumbnail).
    pub fn stored_keys(&self) -> impl Iterator<Item = &str> {
        [
            &self.file_key,
            &self.small_key,
            &self.upload_key,
            &self.thumbnail_key,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }
}

/// Insert form of [`MediaAttachment`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media_attachments)]
#[allow(missing_docs)]
pub struct NewMediaAttachment {
    pub id: i64,
    pub account_id: i64,
    pub status_id: Option<i64>,
    pub kind: String,
    pub remote_url: Option<String>,
    pub preview_remote_url: Option<String>,
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub meta: serde_json::Value,
    pub processing: i16,
    pub upload_key: Option<String>,
}

/// The result of processing: stored files and what was learnt about them.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = media_attachments)]
#[allow(missing_docs)]
pub struct ProcessedMedia {
    pub kind: String,
    pub file_key: Option<String>,
    pub small_key: Option<String>,
    pub file_content_type: Option<String>,
    pub file_size: i64,
    pub blurhash: Option<String>,
    pub meta: serde_json::Value,
    pub processing: i16,
    #[diesel(treat_none_as_null = true)]
    pub upload_key: Option<String>,
    #[diesel(treat_none_as_null = true)]
    pub processing_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The stored avatar and header files of an account.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::account_images, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct AccountImages {
    pub account_id: i64,
    pub avatar_file_key: Option<String>,
    pub header_file_key: Option<String>,
    pub avatar_remote_url: Option<String>,
    pub header_remote_url: Option<String>,
    /// Bytes stored for both images.
    pub file_size: i64,
    /// Remote accounts: when the images were downloaded.
    pub cached_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}
