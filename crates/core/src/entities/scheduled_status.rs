//! Mastodon's ScheduledStatus entity (`REST::ScheduledStatusSerializer`).
use ferrodon_db::models::MediaAttachment;
use ferrodon_db::queries::scheduled_statuses::ScheduledStatus;
use serde_json::{json, Value};

use super::{media_attachment, timestamp};
use crate::Config;

/// Renders a scheduled status with the uploads reserved for it; `params`
/// are shown as stored, without `application_id`, as Mastodon.
pub fn render(config: &Config, row: &ScheduledStatus, media: &[MediaAttachment]) -> Value {
    let mut params = row.params.clone();
    if let Some(map) = params.as_object_mut() {
        map.remove("application_id");
    }
    let attachments: Vec<media_attachment::MediaAttachment> = media
        .iter()
        .filter(|m| m.scheduled_status_id == Some(row.id))
        .map(|m| media_attachment::render(config, m))
        .collect();
    json!({
        "id": row.id.to_string(),
        "scheduled_at": timestamp(&row.scheduled_at),
        "params": params,
        "media_attachments": attachments,
    })
}
