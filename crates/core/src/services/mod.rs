//! Use cases, one file each. A service authorises, writes inside one
//! transaction, and returns a typed result; handlers only parse and render.
pub mod block;
pub mod block_domain;
pub mod block_instance_domain;
pub mod bookmark;
pub mod confirm_email;
pub mod delete_status;
pub mod edit_status;
pub mod favourite;
pub mod follow;
pub mod follow_requests;
pub mod hashtags;
pub mod import_mastodon;
pub mod instance_pages;
pub mod instance_settings;
pub mod invites;
pub mod mute;
pub mod mute_thread;
pub mod notification_policy;
pub mod notification_requests;
pub mod notify;
pub mod pin;
pub mod post_status;
pub mod quote;
pub mod reblog;
pub mod register_account;
pub mod request_password_reset;
pub mod resend_confirmation;
pub mod reset_password;
pub mod save_filter;
pub mod schedule_status;
pub mod status_access;
pub mod translate_status;
pub mod update_credentials;
pub mod vote;

pub mod compose;
