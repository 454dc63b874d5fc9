//! Ferrodon's PostgreSQL layer: the schema, one model file per table and
//! verb-first query functions that take a connection, so callers decide
//! whether they run inside a transaction. Nothing here knows about HTTP,
//! ActivityPub or Mastodon's JSON.
#![warn(missing_docs)]

pub mod admin;
pub mod error;
pub mod ids;
pub mod mastodon_import;
pub mod models;
pub mod pagination;
pub mod pool;
pub mod queries;
#[allow(missing_docs)]
pub mod schema;

pub use error::{Error, Result};
pub use ids::{AccountId, StatusId};
pub use pagination::{Page, PageCursors};
pub use pool::{connect, run_migrations, Conn, Pool, PooledConn};

/// Diesel's own error type, which transactions need to convert from.
pub use diesel::result::Error as DieselError;
/// Re-exported so callers can open transactions without naming diesel.
pub use diesel_async::AsyncConnection;

/// The query builder, for maintenance commands and tests that need a query
/// no module here offers.
pub use diesel;
/// The async runner for [`diesel`] queries.
pub use diesel_async;
