//! The e-mail telling a user what a moderator did to their account.
use super::{layout, Block, Email};
use crate::Config;

/// What a warning e-mail says.
#[derive(Debug, Clone)]
pub struct WarningMail<'a> {
    /// The action: none, disable, sensitive, silence or suspend.
    pub action: &'a str,
    /// The recipient's username.
    pub username: &'a str,
    /// Recipient address.
    pub to: &'a str,
    /// The moderator's words (may be empty).
    pub text: &'a str,
    /// How many of the account's posts the warning concerns.
    pub statuses: usize,
    /// The account's profile.
    pub link: &'a str,
}

/// Renders the warning e-mail (subjects as Mastodon's UserMailer#warning).
pub fn warning(config: &Config, w: &WarningMail<'_>) -> Email {
    let instance = &config.local_domain;
    let acct = format!("@{}", w.username);
    let (subject, explanation) = match w.action {
        "disable" => (
            format!("Your account {acct} has been disabled"),
            "You can no longer sign in to your account, but your profile and other data remain intact.",
        ),
        "sensitive" => (
            format!("Your posts on {acct} will be marked as sensitive"),
            "From now on, media you upload will be marked as sensitive and hidden behind a warning.",
        ),
        "silence" => (
            format!("Your account {acct} has been limited"),
            "Your posts now only reach people who already follow you, and you may be left out of discovery features.",
        ),
        "suspend" => (
            format!("Your account {acct} has been suspended"),
            "You can no longer use your account, and your profile and other data are no longer accessible.",
        ),
        _ => (
            format!("Your account {acct} has received a warning"),
            "A moderator of this server has sent you a warning.",
        ),
    };
    let hello = format!("Hello {acct},");
    let concerned = match w.statuses {
        0 => None,
        1 => Some("It concerns one of your posts.".to_owned()),
        n => Some(format!("It concerns {n} of your posts.")),
    };
    let mut blocks = vec![Block::Paragraph(&hello), Block::Paragraph(explanation)];
    if !w.text.is_empty() {
        blocks.push(Block::Paragraph("The moderators wrote:"));
        blocks.push(Block::Quote(w.text));
    }
    if let Some(line) = &concerned {
        blocks.push(Block::Paragraph(line));
    }
    blocks.push(Block::Button("Go to your account", w.link));
    blocks.push(Block::Footnote(
        "You receive this e-mail because a moderator took action on your account.",
    ));
    let (text, html) = layout(instance, &subject, &blocks);
    Email {
        to: w.to.to_owned(),
        subject,
        text,
        html,
    }
}
