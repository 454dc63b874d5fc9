//! Turning a rendered [`Email`] into an RFC 5322 message.
use std::str::FromStr;

use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::templates::Email;
use super::MailError;
use crate::Config;

/// A multipart/alternative message (text, then HTML) from the configured
/// sender, with a `Message-ID` on the sender's domain.
pub fn build_message(config: &Config, email: &Email) -> Result<Message, MailError> {
    let from = Mailbox::from_str(&config.smtp.from_address)
        .map_err(|e| MailError::Address(format!("SMTP_FROM_ADDRESS: {e}")))?;
    let to =
        Mailbox::from_str(&email.to).map_err(|e| MailError::Address(format!("recipient: {e}")))?;
    // Our own Message-ID, on the sender's domain (lettre's would name this host).
    let message_id = format!(
        "<{}@{}>",
        crate::auth::tokens::random_token(),
        from.email.domain()
    );
    Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}
