use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{NotificationKind, PolicyChoice};
use crate::schema::{notification_policies, notification_requests, notifications};

/// Something that happened to an account, shown in its notifications.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub from_account_id: i64,
    /// Mastodon's notification type.
    pub kind: NotificationKind,
    pub status_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Shared by the notifications shown as one group; None: a group of its own.
    pub group_key: Option<String>,
    /// Held back by the recipient's notification policy.
    pub filtered: bool,
}

impl Notification {
    /// The key of the group this notification is shown in: its stored
    /// `group_key`, or `ungrouped-<id>` when it is a group of its own.
    pub fn effective_group_key(&self) -> String {
        match &self.group_key {
            Some(key) => key.clone(),
            None => format!("ungrouped-{}", self.id),
        }
    }
}

/// Insert form of [`Notification`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
#[allow(missing_docs)]
pub struct NewNotification {
    pub account_id: i64,
    pub from_account_id: i64,
    pub kind: NotificationKind,
    pub status_id: Option<i64>,
}

/// What an account does with notifications from each kind of sender:
/// `accept`, `filter` or `drop`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = notification_policies, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct NotificationPolicy {
    pub account_id: i64,
    pub for_not_following: PolicyChoice,
    pub for_not_followers: PolicyChoice,
    pub for_new_accounts: PolicyChoice,
    pub for_private_mentions: PolicyChoice,
    pub for_limited_accounts: PolicyChoice,
}

impl NotificationPolicy {
    /// Mastodon 4.3's defaults: private mentions from strangers and
    /// notifications from limited accounts are filtered, the rest accepted.
    pub fn default_for(account_id: i64) -> Self {
        NotificationPolicy {
            account_id,
            for_not_following: PolicyChoice::Accept,
            for_not_followers: PolicyChoice::Accept,
            for_new_accounts: PolicyChoice::Accept,
            for_private_mentions: PolicyChoice::Filter,
            for_limited_accounts: PolicyChoice::Filter,
        }
    }
}

/// Filtered notifications from one sender, waiting for the recipient.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_requests, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct NotificationRequest {
    pub id: i64,
    pub account_id: i64,
    pub from_account_id: i64,
    pub last_status_id: Option<i64>,
    pub notifications_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
