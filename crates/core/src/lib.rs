//! Ferrodon's business logic, shared by every binary: configuration, the
//! application state, authentication, services (one use case per file),
//! Mastodon REST entities and text rendering. Binaries reach the database
//! only through this crate.
#![warn(missing_docs)]

pub mod announcements;
pub mod auth;
pub mod authority;
pub mod backoff;
pub mod caches;
pub mod cards;
pub mod config;
pub mod conversations;
pub mod custom_emojis;
pub mod domain_policy;
pub mod entities;
pub mod error;
pub mod federation;
pub mod feeds;
pub mod filters;
pub mod http_client;
pub mod inbox;
pub mod ip_block_cache;
pub mod jobs;
pub mod languages;
pub mod live;
pub mod mail;
pub mod media;
pub mod moderation;
pub mod notification_groups;
pub mod notifications;
pub mod quotes;
pub mod rate_limit;
pub mod secrets;
pub mod services;
pub mod state;
pub mod storage;
pub mod streaming;
pub mod telemetry;
pub mod text;
pub mod translation;
pub mod urls;
pub mod views;
pub mod webpush;

pub use config::Config;
pub use error::{Error, Result};
pub use state::AppState;

/// Fediverse wire types, re-exported for the binaries.
pub use ferrodon_apub as apub;

/// The database layer, re-exported for the CLI's maintenance commands and tests.
pub use ferrodon_db as db;

/// Ferrodon's own version.
pub const FERRODON_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Mastodon version whose API we implement, as clients parse it:
/// clients hide features (quotes, grouped notifications, …) from servers
/// that claim an older one.
pub const MASTODON_COMPAT_VERSION: &str = "4.5.0";
/// Mastodon's own API version number for that release (`api_versions.mastodon`
/// in `/api/v2/instance`; Mastodon 4.5 reports 7).
pub const MASTODON_API_VERSION: u32 = 7;
