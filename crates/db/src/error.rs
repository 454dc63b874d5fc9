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
    /// No connection could be taken from the pool.
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
            other => Error::Query(other),
        }
    }
}

impl Error {
    /// True when the error is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::UniqueViolation { .. })
    }
}
