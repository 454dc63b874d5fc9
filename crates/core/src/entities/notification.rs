//! `Notification`.
use serde::Serialize;

use super::account::Account;
use super::status::Status;

/// One notification.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ferrodon_db::models::NotificationKind,
    pub created_at: String,
    pub group_key: String,
    pub account: Account,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The warning a `moderation_warning` notification tells of
    /// (Mastodon's AccountWarning entity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_warning: Option<super::account_warning::AccountWarning>,
}
