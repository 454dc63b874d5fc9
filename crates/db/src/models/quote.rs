use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::quotes;

/// Where a quote stands with the quoted status's author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteState {
    /// Waiting for the quoted author's approval.
    Pending = 0,
    /// Approved (automatically or by hand): the quoted status is shown.
    Accepted = 1,
    /// Refused before it was ever accepted.
    Rejected = 2,
    /// Accepted, then withdrawn by the quoted author.
    Revoked = 3,
}

impl QuoteState {
    /// The stored value.
    pub fn as_i16(self) -> i16 {
        self as i16
    }

    /// Reads a stored value; unknown values count as rejected.
    pub fn from_i16(value: i16) -> Self {
        match value {
            0 => QuoteState::Pending,
            1 => QuoteState::Accepted,
            3 => QuoteState::Revoked,
            _ => QuoteState::Rejected,
        }
    }

    /// Mastodon's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteState::Pending => "pending",
            QuoteState::Accepted => "accepted",
            QuoteState::Rejected => "rejected",
            QuoteState::Revoked => "revoked",
        }
    }
}

/// A status quoting another.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = quotes, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Quote {
    pub id: i64,
    pub status_id: i64,
    pub quoted_status_id: Option<i64>,
    pub account_id: i64,
    pub quoted_account_id: Option<i64>,
    pub state: i16,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The `QuoteRequest` a local quote of a remote post sent.
    pub activity_uri: Option<String>,
    /// The remote `QuoteAuthorization` that approved the quote.
    pub approval_uri: Option<String>,
}

impl Quote {
    /// The typed state.
    pub fn state(&self) -> QuoteState {
        QuoteState::from_i16(self.state)
    }
}

/// Insert form of [`Quote`].
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = quotes)]
#[allow(missing_docs)]
pub struct NewQuote {
    pub status_id: i64,
    pub quoted_status_id: i64,
    pub account_id: i64,
    pub quoted_account_id: i64,
    pub state: i16,
    pub activity_uri: Option<String>,
}
