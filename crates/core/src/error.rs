//! The errors services return, each carrying its client-facing meaning.
//! `ferrodon-web` maps them once to Mastodon's status codes and JSON.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, in terms a client can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 422: the input is well-formed but not acceptable (Mastodon's "Validation failed: …").
    #[error("{0}")]
    Validation(String),
    /// 422 with Mastodon's per-field `details` (as sign-up answers): every
    /// invalid field at once, the message "Validation failed: {label}
    /// {description}, …" (Mastodon's ValidationErrorFormatter).
    #[error("{0}")]
    FieldInvalid(FieldErrors),
    /// 422: the post would mention accounts its `allowed_mentions` does
    /// not list (Mastodon's `UnexpectedMentionsError`); the API names them.
    #[error("Post would be sent to unexpected accounts")]
    UnexpectedMentions(Vec<ferrodon_db::models::Account>),
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
    /// 500: a bug or an unexpected failure described by a message alone;
    /// logged, not shown. Prefer [`Error::internal`], or [`Error::caused`]
    /// when another error is the cause.
    #[error("internal error: {0}")]
    Internal(String),
    /// 500: an unexpected failure caused by another error, kept whole so
    /// the logs show its chain ([`Error::chain`]); never shown to clients.
    #[error("internal error: {context}")]
    Failure {
        /// What was being done (`"template"`, `"key generation"`).
        context: Cow<'static, str>,
        /// The error that caused it.
        #[source]
        source: BoxError,
    },
}

/// One invalid field, as Mastodon's `details` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The parameter, as `details` names it (`email`).
    pub field: &'static str,
    /// Its human name in the message (`E-mail address`).
    pub label: &'static str,
    /// The error code without its `ERR_` prefix (`BLANK`, `TAKEN`).
    pub code: &'static str,
    /// What is wrong (`can't be blank`).
    pub description: Cow<'static, str>,
}

impl FieldError {
    /// `field` (called `label` in messages) is invalid: `code`, `description`.
    pub fn new(
        (field, label): (&'static str, &'static str),
        code: &'static str,
        description: impl Into<Cow<'static, str>>,
    ) -> Self {
        FieldError {
            field,
            label,
            code,
            description: description.into(),
        }
    }

    /// "{label} {description}", as Rails' `full_message`.
    pub fn full_message(&self) -> String {
        format!("{} {}", self.label, self.description)
    }
}

/// The invalid fields of one request, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Adds a problem.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Adds all of `other`'s problems.
    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    /// Whether a field named `field` is invalid already.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// `Ok` when nothing is invalid, else [`Error::FieldInvalid`].
    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::FieldInvalid(self))
        }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        FieldErrors(vec![error])
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Self {
        Error::FieldInvalid(error.into())
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Validation failed: ")?;
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {}", error.label, error.description)?;
        }
        Ok(())
    }
}

/// Any error, boxed, as the cause of an [`Error::Failure`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

impl Error {
    /// Shortcut for a validation failure with Mastodon's prefix.
    pub fn validation(message: impl std::fmt::Display) -> Self {
        Error::Validation(format!("Validation failed: {message}"))
    }

    /// A 500 described by a message alone (no underlying error).
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }

    /// A 500 caused by `source` while doing `context`; the cause is kept
    /// for the logs.
    pub fn caused(context: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        Error::Failure {
            context: context.into(),
            source: source.into(),
        }
    }

    /// Whether this is a 500 (a bug or unexpected failure), whose details
    /// are for the logs only.
    pub fn is_internal(&self) -> bool {
        matches!(self, Error::Internal(_) | Error::Failure { .. })
    }

    /// This error and all its causes, for logs: `a: b: c`.
    pub fn chain(&self) -> Chain<'_> {
        Chain(self)
    }

    /// What a client is told (the `error` of Mastodon's JSON body): the
    /// message of a client error, and only a generic sentence for a 500 or
    /// a 503, whose causes are for the logs.
    pub fn client_message(&self) -> Cow<'static, str> {
        match self {
            e if e.is_internal() => Cow::Borrowed("An unexpected error occurred"),
            Error::Unavailable(_) => Cow::Borrowed("Service unavailable"),
            e => Cow::Owned(e.to_string()),
        }
    }
}

/// Displays an error followed by each of its `source()`s, separated by
/// `": "`. For logs only: causes may hold internals clients must not see.
#[derive(Clone, Copy)]
pub struct Chain<'a>(pub &'a (dyn StdError + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut next = self.0.source();
        while let Some(cause) = next {
            write!(f, ": {cause}")?;
            next = cause.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
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
            other => Error::caused("database", other),
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

impl From<ferrodon_media::MediaError> for Error {
    fn from(err: ferrodon_media::MediaError) -> Self {
        if err.is_permanent() {
            Error::validation(err)
        } else {
            Error::caused("media processing", err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_message_hides_internal_and_backing_service_causes() {
        let io = std::io::Error::other("password=hunter2 at 10.0.0.5");
        let failure = Error::caused("reading the pool", io);
        assert_eq!(failure.client_message(), "An unexpected error occurred");
        let internal = Error::internal("secret detail");
        assert_eq!(internal.client_message(), "An unexpected error occurred");
        let down = Error::Unavailable("redis at 10.0.0.6 refused".into());
        assert_eq!(down.client_message(), "Service unavailable");
        assert_eq!(Error::NotFound.client_message(), "Record not found");
    }

    #[test]
    fn chain_shows_every_cause_display_only_the_context() {
        let io = std::io::Error::other("disk on fire at /var/secret");
        let err = Error::caused("writing the archive", io);
        assert_eq!(err.to_string(), "internal error: writing the archive");
        assert_eq!(
            err.chain().to_string(),
            "internal error: writing the archive: disk on fire at /var/secret"
        );
        assert!(err.is_internal());
        assert!(Error::internal("plain").is_internal());
        assert!(!Error::NotFound.is_internal());
    }
}
