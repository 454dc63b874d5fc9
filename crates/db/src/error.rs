//! Typed database errors.
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What can go wrong talking to PostgreSQL.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The row that was asked for does not exist.
    #[error("record not found")]
    NotFound,
    /// An insert or update broke a unique constraint (named when PostgreSQL says which).
    #[error("unique constraint violated: {constraint}")]
    UniqueViolation {
        /// Name of the violated constraint or index.
        constraint: String,
    },
    /// No connection could be taken from the pool, or the one taken was lost.
    #[error("database pool: {0}")]
    Pool(String),
    /// Running the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other query failure.
    #[error("query failed: {0}")]
    Query(#[source] DieselError),
}

impl From<DieselError> for Error {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => Error::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::UniqueViolation {
                    constraint: info.constraint_name().unwrap_or("unknown").to_owned(),
                }
            }
            DieselError::DatabaseError(kind, info) if connection_lost(&kind, info.message()) => {
                Error::Pool(format!("connection lost: {}", info.message()))
            }
            other => Error::Query(other),
        }
    }
}

/// Whether a query failed because its connection went away (the server
/// restarted, was shut down or the network dropped): the pool replaces the
/// connection, and callers should see "unavailable, try again", not a bug.
fn connection_lost(kind: &DatabaseErrorKind, message: &str) -> bool {
    if matches!(kind, DatabaseErrorKind::ClosedConnection) {
        return true;
    }
    let message = message.to_ascii_lowercase();
    message.contains("terminating connection")
        || message.contains("connection closed")
        || message.contains("server closed the connection")
        || message.contains("the database system is shutting down")
        || message.contains("the database system is starting up")
}

impl Error {
    /// True when the error is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::UniqueViolation { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_connections_are_told_apart_from_query_errors() {
        assert!(connection_lost(&DatabaseErrorKind::ClosedConnection, ""));
        assert!(connection_lost(
            &DatabaseErrorKind::Unknown,
            "terminating connection due to administrator command"
        ));
        assert!(!connection_lost(
            &DatabaseErrorKind::Unknown,
            "syntax error at or near \"x\""
        ));
    }
}
