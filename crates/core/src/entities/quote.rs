//! Mastodon's Quote and ShallowQuote entities (`REST::QuoteSerializer`,
//! `REST::ShallowQuoteSerializer`).
use serde::Serialize;

use super::status::Status;

/// A status's quote of another: shown in full one level deep, with only
/// the quoted status's id inside a quoted status.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Quote {
    /// `{state, quoted_status}`: the quoted status, null unless `accepted`
    /// and visible.
    Full {
        /// `pending`, `accepted`, `rejected`, `revoked`, `deleted`, `unauthorized`.
        state: &'static str,
        /// The quoted status.
        quoted_status: Option<Box<Status>>,
    },
    /// `{state, quoted_status_id}`, as inside a quoted status.
    Shallow {
        /// As in `Full`.
        state: &'static str,
        /// The quoted status's id, null unless `accepted`.
        quoted_status_id: Option<String>,
    },
}

impl Quote {
    /// A quote shown with its quoted status (null unless `accepted`).
    pub fn full(state: &'static str, quoted: Option<Status>) -> Quote {
        Quote::Full {
            state,
            quoted_status: quoted.map(Box::new),
        }
    }

    /// A quote inside a quoted status: the quoted status's id, and that
    /// only when the quote is `accepted`.
    pub fn shallow(state: &'static str, quoted_status_id: Option<i64>) -> Quote {
        Quote::Shallow {
            state,
            quoted_status_id: quoted_status_id
                .filter(|_| state == "accepted")
                .map(|id| id.to_string()),
        }
    }
}
