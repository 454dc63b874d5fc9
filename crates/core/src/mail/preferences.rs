//! Which notifications a user hears about by e-mail. There is no per-user
//! setting yet; Mastodon's defaults apply to everyone. A preference column
//! would be read here.
use ferrodon_db::models::{NotificationKind, User};

/// Notification types e-mailed by default, as in Mastodon: mentions,
/// follows and follow requests (favourites, reblogs and the rest are not).
pub const DEFAULT_EMAILED_KINDS: &[NotificationKind] = &[
    NotificationKind::Mention,
    NotificationKind::Follow,
    NotificationKind::FollowRequest,
];

/// True when a notification of `kind` may be e-mailed at all (checked
/// before queueing, without loading the user).
pub fn is_emailable(kind: NotificationKind) -> bool {
    DEFAULT_EMAILED_KINDS.contains(&kind)
}

/// True when `user` wants an e-mail for a notification of `kind`.
pub fn wants_notification_mail(user: &User, kind: NotificationKind) -> bool {
    let _ = user;
    is_emailable(kind)
}
