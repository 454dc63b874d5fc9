//! Query functions grouped by aggregate. Every function takes `&mut Conn`
//! so the caller decides whether it runs inside a transaction.
pub mod accounts;
pub mod blocks_mutes;
pub mod conversations;
pub mod custom_emojis;
pub mod domain_blocks;
pub mod favourites_bookmarks;
pub mod filters;
pub mod follows;
pub mod lists;
pub mod maintenance;
pub mod markers;
pub mod media;
pub mod notifications;
pub mod oauth;
pub mod polls;
pub mod profile_images;
pub mod relays;
pub mod reports;
pub mod settings;
pub mod status_views;
pub mod statuses;
pub mod tags_mentions;
pub mod timelines;
pub mod users;
