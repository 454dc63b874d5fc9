//! E-mail: what is sent ([`MailJob`], [`templates`]), how
//! ([`Mailer`]: SMTP, or `.eml` files when no SMTP server is configured)
//! and when ([`deliver`], run by the `mailers` queue).
//!
//! Secrets never travel through the queue: a confirmation or password
//! reset job names only the user, and [`deliver`] makes a fresh token,
//! stores its SHA-256 digest and puts the token itself only in the e-mail.
mod deliver;
mod message;
pub mod preferences;
pub mod templates;
mod transport;

pub use deliver::deliver;
pub use message::build_message;
pub use transport::{MailError, Mailer};

pub use crate::jobs::MailJob;

/// Queues an e-mail on the `mailers` queue (call after the commit that made it necessary).
pub async fn queue(state: &crate::AppState, mail: MailJob) -> crate::Result<()> {
    crate::jobs::enqueue(state, crate::jobs::Job::SendMail { mail }).await
}
