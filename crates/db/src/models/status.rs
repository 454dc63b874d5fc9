use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::ids::{AccountId, StatusId};
use crate::schema::{status_edits, statuses};

/// Who may see a status. Stored as a small integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visibility {
    /// Everyone, and listed on public timelines.
    Public = 0,
    /// Everyone, but not on public timelines.
    Unlisted = 1,
    /// Followers only.
    Private = 2,
    /// Mentioned accounts only.
    Direct = 3,
}

impl Visibility {
    /// The stored value.
    pub fn as_i16(self) -> i16 {
        self as i16
    }

    /// Reads a stored value; unknown values are treated as the most private.
    pub fn from_i16(value: i16) -> Self {
        match value {
            0 => Visibility::Public,
            1 => Visibility::Unlisted,
            2 => Visibility::Private,
            _ => Visibility::Direct,
        }
    }

    /// Mastodon's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }

    /// Parses Mastodon's name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "public" => Some(Visibility::Public),
            "unlisted" => Some(Visibility::Unlisted),
            "private" => Some(Visibility::Private),
            "direct" => Some(Visibility::Direct),
            _ => None,
        }
    }
}

/// A post or a reblog.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = statuses, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Status {
    pub id: i64,
    pub uri: String,
    pub url: Option<String>,
    pub account_id: i64,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_account_id: Option<i64>,
    pub reblog_of_id: Option<i64>,
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: i16,
    pub language: Option<String>,
    pub local: bool,
    pub application_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub replies_count: i32,
    pub reblogs_count: i32,
    pub favourites_count: i32,
    pub quotes_count: i32,
    pub quote_approval_policy: i32,
}

impl Status {
    /// The typed visibility.
    pub fn visibility(&self) -> Visibility {
        Visibility::from_i16(self.visibility)
    }
}

/// Insert form of [`Status`]. The id is chosen by the caller so the URI can contain it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = statuses)]
#[allow(missing_docs)]
pub struct NewStatus {
    pub id: i64,
    pub uri: String,
    pub url: Option<String>,
    pub account_id: i64,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_account_id: Option<i64>,
    pub reblog_of_id: Option<i64>,
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: i16,
    pub language: Option<String>,
    pub local: bool,
    pub application_id: Option<i64>,
    pub quote_approval_policy: i32,
}

impl NewStatus {
    /// A reblog (boost) of `original_id` by `account_id`: no text of its own.
    pub fn reblog(
        id: StatusId,
        uri: String,
        account_id: AccountId,
        original_id: StatusId,
        visibility: Visibility,
        local: bool,
    ) -> Self {
        NewStatus {
            id: id.get(),
            uri,
            url: None,
            account_id: account_id.get(),
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog_of_id: Some(original_id.get()),
            text: String::new(),
            content: String::new(),
            spoiler_text: String::new(),
            sensitive: false,
            visibility: visibility.as_i16(),
            language: None,
            local,
            application_id: None,
            quote_approval_policy: 0,
        }
    }
}

/// One earlier (or the current) revision of an edited status.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = status_edits, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct StatusEdit {
    pub id: i64,
    pub status_id: i64,
    pub account_id: i64,
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: DateTime<Utc>,
}

/// Insert form of [`StatusEdit`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = status_edits)]
#[allow(missing_docs)]
pub struct NewStatusEdit {
    pub status_id: i64,
    pub account_id: i64,
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub created_at: DateTime<Utc>,
}
