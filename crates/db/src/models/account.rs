use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::accounts;

/// A local or remote actor.
/// (Its `Debug` leaves the secrets out: `models/redact.rs`.)
#[derive(Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Account {
    pub id: i64,
    pub username: String,
    /// `None` for accounts of this instance.
    pub domain: Option<String>,
    pub display_name: String,
    /// Local accounts: the source text. Remote accounts: sanitised HTML.
    pub note: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub hide_collections: bool,
    pub uri: String,
    pub url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: String,
    pub outbox_url: String,
    pub followers_url: String,
    pub public_key: String,
    pub private_key: Option<String>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub fields: serde_json::Value,
    pub suspended_at: Option<DateTime<Utc>>,
    pub silenced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_status_at: Option<DateTime<Utc>>,
    pub statuses_count: i32,
    pub followers_count: i32,
    pub following_count: i32,
    /// Set by a moderator: every attachment of the account is shown as sensitive.
    pub sensitized_at: Option<DateTime<Utc>>,
}

impl Account {
    /// True for accounts of this instance.
    pub fn is_local(&self) -> bool {
        self.domain.is_none()
    }

    /// `username` for local accounts, `username@domain` for remote ones.
    pub fn acct(&self) -> String {
        match &self.domain {
            None => self.username.clone(),
            Some(domain) => format!("{}@{}", self.username, domain),
        }
    }
}

/// Insert form of [`Account`].
#[derive(Clone, Insertable)]
#[diesel(table_name = accounts)]
#[allow(missing_docs)]
pub struct NewAccount {
    pub username: String,
    pub domain: Option<String>,
    pub display_name: String,
    pub note: String,
    pub locked: bool,
    pub bot: bool,
    pub uri: String,
    pub url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: String,
    pub outbox_url: String,
    pub followers_url: String,
    pub public_key: String,
    pub private_key: Option<String>,
}

/// Profile fields a user may change; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = accounts)]
#[allow(missing_docs)]
pub struct AccountChanges {
    pub display_name: Option<String>,
    pub note: Option<String>,
    pub locked: Option<bool>,
    pub bot: Option<bool>,
    pub discoverable: Option<bool>,
    pub indexable: Option<bool>,
    pub hide_collections: Option<bool>,
    pub fields: Option<serde_json::Value>,
    pub updated_at: Option<DateTime<Utc>>,
}
