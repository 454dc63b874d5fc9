use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::notifications;

/// Something that happened to an account, shown in its notifications.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub from_account_id: i64,
    /// Mastodon's notification type: mention, status, reblog, follow, follow_request, favourite, update …
    pub kind: String,
    pub status_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Insert form of [`Notification`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
#[allow(missing_docs)]
pub struct NewNotification {
    pub account_id: i64,
    pub from_account_id: i64,
    pub kind: String,
    pub status_id: Option<i64>,
}
