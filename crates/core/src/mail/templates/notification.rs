//! Notification e-mails: a mention, a new follower, a follow request.
use super::{layout, Block, Email};
use crate::Config;
use ferrodon_db::models::NotificationKind;

/// What a notification e-mail says.
#[derive(Debug, Clone)]
pub struct NotificationMail<'a> {
    /// Mastodon's notification type: `mention`, `follow` or `follow_request`.
    pub kind: NotificationKind,
    /// The recipient's username.
    pub username: &'a str,
    /// Recipient address.
    pub to: &'a str,
    /// Who caused it: display name, or the handle when it has none.
    pub from_name: &'a str,
    /// Who caused it: `@user` or `@user@domain`.
    pub from_handle: &'a str,
    /// The status's text (or only its content warning), for a mention.
    pub excerpt: Option<&'a str>,
    /// Where to see it: the status, or the follower's profile.
    pub link: &'a str,
}

/// Renders a notification e-mail; None for a kind that has no e-mail.
pub fn notification(config: &Config, n: &NotificationMail<'_>) -> Option<Email> {
    let instance = &config.local_domain;
    let who = format!("{} ({})", n.from_name, n.from_handle);
    let (subject, heading, line, button) = match n.kind {
        NotificationKind::Mention => (
            format!("You were mentioned by {}", n.from_name),
            "You were mentioned",
            format!("{who} mentioned you:"),
            "Open the post",
        ),
        NotificationKind::Follow => (
            format!("{} is now following you", n.from_name),
            "New follower",
            format!("{who} is now following you."),
            "View profile",
        ),
        NotificationKind::FollowRequest => (
            format!("Pending follower: {}", n.from_name),
            "Follow request",
            format!("{who} asked to follow you. Review the request in your app."),
            "View profile",
        ),
        _ => return None,
    };
    let hello = format!("Hello @{},", n.username);
    let footnote =
        format!("You receive this e-mail because of your notification settings on {instance}.");
    let mut blocks = vec![Block::Paragraph(&hello), Block::Paragraph(&line)];
    if let Some(excerpt) = n.excerpt.filter(|e| !e.trim().is_empty()) {
        blocks.push(Block::Quote(excerpt));
    }
    blocks.push(Block::Button(button, n.link));
    blocks.push(Block::Footnote(&footnote));
    let (text, html) = layout(instance, heading, &blocks);
    Some(Email {
        to: n.to.to_owned(),
        subject,
        text,
        html,
    })
}
