//! Mastodon REST JSON shapes, one file per entity, built from database rows.
//! Field names and formats follow Mastodon's `app/serializers/rest/`.
pub mod account;
pub mod account_warning;
pub mod application;
pub mod custom_emoji;
pub mod filter;
pub mod instance;
pub mod media_attachment;
pub mod notification;
pub mod poll;
pub mod preview_card;
pub mod quote;
pub mod relationship;
pub mod scheduled_status;
pub mod status;
pub mod tag;
pub mod translation;

use chrono::{DateTime, SecondsFormat, Utc};

/// Mastodon's timestamp format: ISO 8601 with milliseconds, in UTC.
pub fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
