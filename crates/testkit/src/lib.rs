//! Test helpers: a database per test cloned from a migrated template, a
//! Redis namespace per test, factories, and the real binaries spawned on
//! free ports. Dev-dependency only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod browser;
pub mod db;
pub mod factories;
pub mod mail;
pub mod nginx;
pub mod oauth;
pub mod own_postgres;
pub mod own_redis;

pub use app::TestApp;
pub use db::TestDb;

/// Admin connection URL for creating test databases.
pub fn admin_database_url() -> String {
    std::env::var("FERRODON_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://ferrodon:ferrodon@127.0.0.1:5432/postgres".into())
}

/// Redis URL used by tests.
pub fn redis_url() -> String {
    std::env::var("FERRODON_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into())
}

/// A random lowercase suffix for names.
pub fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| (b'a' + rng.random_range(0..26)) as char)
        .collect()
}
