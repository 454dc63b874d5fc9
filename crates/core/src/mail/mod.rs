//! E-mail: what is sent ([`MailJob`], [`templates`]), how
//! ([`Mailer`]: SMTP, or `.eml` files when no SMTP server is configured)
//! and when ([`deliver`], run by the `mailers` queue).
//!
//! Secrets never travel through the queue: a confirmation or password
//! reset job names only the user, and [`deliver`] makes a fresh token,
//! stores its SHA-256 digest and puts the token itself only in the e-mail.
use serde::{Deserialize, Serialize};

mod deliver;
mod message;
pub mod preferences;
pub mod templates;
mod transport;

pub use deliver::deliver;
pub use message::build_message;
pub use transport::{MailError, Mailer};

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

/// Queues an e-mail on the `mailers` queue (call after the commit that made it necessary).
pub async fn queue(state: &crate::AppState, mail: MailJob) -> crate::Result<()> {
    crate::jobs::enqueue(state, crate::jobs::Job::SendMail { mail }).await
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
