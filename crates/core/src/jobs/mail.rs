//! The payload of an e-mail job (what [`crate::mail::deliver`] sends).
use serde::{Deserialize, Serialize};

/// An e-mail to send, by what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailJob {
    /// Confirmation instructions for the user's pending address.
    Confirmation {
        /// The user.
        user_id: i64,
    },
    /// A password reset link.
    PasswordReset {
        /// The user.
        user_id: i64,
    },
    /// A notification (mention, follow, follow request) for a local user.
    Notification {
        /// The notification.
        notification_id: i64,
    },
    /// A moderator's warning or action, for the warned local user.
    Warning {
        /// The warning (`account_warnings`).
        warning_id: i64,
    },
}

impl MailJob {
    /// A short name for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            MailJob::Confirmation { .. } => "confirmation",
            MailJob::PasswordReset { .. } => "password_reset",
            MailJob::Notification { .. } => "notification",
            MailJob::Warning { .. } => "warning",
        }
    }
}
