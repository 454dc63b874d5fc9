//! Moving a Mastodon server's data into Ferrodon (`ferrodonctl import
//! mastodon`): [`source`] reads the Mastodon database, [`target`] writes
//! Ferrodon's tables without ever replacing a row, so the import can run
//! again and only adds what is missing.
pub mod source;
pub mod target;
