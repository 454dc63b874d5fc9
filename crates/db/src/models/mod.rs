//! Plain row types, one file per table (or per tight group of tables).
//! No behaviour beyond small derived facts lives here.
mod account;
mod media;
mod notification;
mod notification_kind;
mod oauth;
mod quote;
mod redact;
mod relations;
mod role;
mod status;
mod text_enum;
mod user;

pub use account::{Account, AccountChanges, NewAccount};
pub use media::{AccountImages, MediaAttachment, NewMediaAttachment, ProcessedMedia, Processing};
pub use notification::{NewNotification, Notification, NotificationPolicy, NotificationRequest};
pub use notification_kind::{NotificationKind, PolicyChoice};
pub use oauth::{
    AccessGrant, AccessToken, NewAccessGrant, NewAccessToken, NewOAuthApplication, OAuthApplication,
};
pub use quote::{NewQuote, Quote, QuoteState};
pub use relations::{Follow, FollowRequest, NewFollow, Tag};
pub use role::Role;
pub use status::{NewStatus, NewStatusEdit, Status, StatusEdit, Visibility};
pub use text_enum::UnknownName;
pub use user::{NewUser, User, UserChanges};
