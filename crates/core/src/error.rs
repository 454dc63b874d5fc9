//! The errors services return, each carrying its client-facing meaning.
//! `ferrodon-web` maps them once to Mastodon's status codes and JSON.

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, in terms a client can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 422: the input is well-formed but not acceptable (Mastodon's "Validation failed: …").
    #[error("{0}")]
    Validation(String),
    /// 422 with Mastodon's per-field `details` (as sign-up answers): the
    /// message is "Validation failed: {label} {description}".
    #[error("Validation failed: {label} {description}")]
    FieldInvalid {
        /// The parameter, as `details` names it (`email`).
        field: &'static str,
        /// Its human name in the message (`E-mail address`).
        label: &'static str,
        /// The error code without its `ERR_` prefix (`BLOCKED`, `TAKEN`).
        code: &'static str,
        /// What is wrong (`uses a disallowed e-mail provider`).
        description: &'static str,
    },
    /// 400: a parameter is missing or malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 404: the record does not exist or is not visible to the caller.
    #[error("Record not found")]
    NotFound,
    /// 401: no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: credentials are valid but the action is not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 413: the request body is larger than accepted.
    #[error("Request body too large")]
    PayloadTooLarge,
    /// 429: too many attempts.
    #[error("Too many requests")]
    RateLimited,
    /// 503: a backing service (database, Redis) is unavailable.
    #[error("Service unavailable: {0}")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; the message is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Shortcut for a validation failure with Mastodon's prefix.
    pub fn validation(message: impl std::fmt::Display) -> Self {
        Error::Validation(format!("Validation failed: {message}"))
    }
}

impl From<ferrodon_db::Error> for Error {
    fn from(err: ferrodon_db::Error) -> Self {
        match err {
            ferrodon_db::Error::NotFound => Error::NotFound,
            ferrodon_db::Error::Pool(msg) => Error::Unavailable(msg),
            ferrodon_db::Error::UniqueViolation { constraint } => Error::Validation(format!(
                "Validation failed: duplicate record ({constraint})"
            )),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<deadpool_redis::PoolError> for Error {
    fn from(err: deadpool_redis::PoolError) -> Self {
        Error::Unavailable(format!("redis: {err}"))
    }
}

impl From<deadpool_redis::redis::RedisError> for Error {
    fn from(err: deadpool_redis::redis::RedisError) -> Self {
        Error::Unavailable(format!("redis: {err}"))
    }
}

impl From<ferrodon_db::DieselError> for Error {
    fn from(err: ferrodon_db::DieselError) -> Self {
        ferrodon_db::Error::from(err).into()
    }
}

impl From<crate::media::StorageError> for Error {
    fn from(err: crate::media::StorageError) -> Self {
        use crate::media::StorageError as S;
        match err {
            S::Unreachable(_) | S::Status { .. } => Error::Unavailable(err.to_string()),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<ferrodon_media::MediaError> for Error {
    fn from(err: ferrodon_media::MediaError) -> Self {
        if err.is_permanent() {
            Error::validation(err)
        } else {
            Error::Internal(err.to_string())
        }
    }
}
