//! The `mailers` queue: e-mail.
use ferrodon_core::jobs::MailJob;
use ferrodon_core::{mail, AppState, Result};

/// Renders and sends one e-mail.
pub async fn send_mail(state: &AppState, job: &MailJob) -> Result<()> {
    mail::deliver(state, job).await
}
