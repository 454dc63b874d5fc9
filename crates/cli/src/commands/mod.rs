//! One subcommand group per file.
pub mod accounts;
pub mod announcements;
pub mod apps;
pub mod backup;
pub mod db;
pub mod domains;
pub mod emoji;
pub mod import;
pub mod media;
pub mod queues;
pub mod relays;
pub mod settings;
pub mod tokens;
pub mod webpush;
