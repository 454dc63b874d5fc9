//! End-to-end tests: the real `ferrodon-web` binary, driven over HTTP as a
//! client app would. One test binary; each module mirrors a URL area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod backup;
mod browser;
mod fake_service;
mod federation;
mod hostile_federation;
mod html;
mod import_mastodon;
mod mail;
mod media;
mod nginx_production;
mod oauth;
mod rate_limits;
mod replica;
mod shutdown;
mod streaming;
mod ui_account_edit;
mod ui_browser_sign_up;
mod ui_delete_account;
mod ui_export;
mod ui_import;
mod ui_oauth;
mod ui_profile;
mod ui_sessions;
mod ui_sign_in;
mod ui_sign_up;
mod ui_two_factor;
mod well_known;
mod workers;
