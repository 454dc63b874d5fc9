//! Account e-mails: confirming an address, resetting a password.
use super::{layout, Block, Email};
use crate::Config;

/// "Confirm your e-mail address", with the link that does it.
pub fn confirmation(config: &Config, username: &str, to: &str, link: &str) -> Email {
    let instance = &config.local_domain;
    let hello = format!("Hello @{username},");
    let intro = format!(
        "To finish setting up your account on {instance}, confirm that {to} is your e-mail address."
    );
    let (text, html) = layout(
        instance,
        "Confirm your e-mail address",
        &[
            Block::Paragraph(&hello),
            Block::Paragraph(&intro),
            Block::Button("Confirm e-mail address", link),
            Block::Footnote(
                "The link works for two days. If you did not sign up, ignore this e-mail: nothing happens without the confirmation.",
            ),
        ],
    );
    Email {
        to: to.to_owned(),
        subject: format!("Confirmation instructions for {instance}"),
        text,
        html,
    }
}

/// "Reset your password", with the link to the form.
pub fn password_reset(config: &Config, username: &str, to: &str, link: &str) -> Email {
    let instance = &config.local_domain;
    let hello = format!("Hello @{username},");
    let (text, html) = layout(
        instance,
        "Reset your password",
        &[
            Block::Paragraph(&hello),
            Block::Paragraph(
                "Someone asked for a link to change the password of your account. If it was you, follow the link below to choose a new one.",
            ),
            Block::Button("Change password", link),
            Block::Footnote(
                "The link works once, for six hours. If you did not ask for it, ignore this e-mail: your password stays as it is.",
            ),
        ],
    );
    Email {
        to: to.to_owned(),
        subject: format!("Reset password instructions for {instance}"),
        text,
        html,
    }
}
