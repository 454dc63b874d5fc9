//! The one place core errors become HTTP answers: Mastodon's status codes
//! and `{"error": "…"}` bodies. Internal causes are logged, never returned.
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use ferrodon_core::auth::oauth::{OAuthError, TokenError};
use ferrodon_core::telemetry::LogThrottle;
use ferrodon_core::Error;
use serde_json::json;

/// An error on its way to the client.
#[derive(Debug)]
pub enum ApiError {
    /// A service error.
    Core(Error),
    /// An OAuth protocol error (`error` + `error_description`).
    OAuth(OAuthError),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Core(e) => e.fmt(f),
            ApiError::OAuth(e) => e.fmt(f),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Core(e)
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::OAuth(o) => ApiError::OAuth(o),
            TokenError::Other(c) => ApiError::Core(c),
        }
    }
}

impl From<ferrodon_core::db::Error> for ApiError {
    fn from(e: ferrodon_core::db::Error) -> Self {
        ApiError::Core(e.into())
    }
}

/// The HTTP status of a service error, for the API and the pages alike.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Validation(_) | Error::FieldInvalid { .. } | Error::UnexpectedMentions(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) | Error::Failure { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs an internal error with its whole chain of causes; the client is
/// shown a generic message instead.
pub(crate) fn log_internal(e: &Error, what: &'static str) {
    tracing::error!(cause = %e.chain(), "{what}");
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::OAuth(o) => StatusCode::from_u16(o.status).unwrap_or(StatusCode::BAD_REQUEST),
            ApiError::Core(e) => status_of(e),
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = match self {
            ApiError::OAuth(o) => json!({"error": o.code, "error_description": o.description}),
            ApiError::Core(e) if e.is_internal() => {
                log_internal(e, "internal error");
                json!({"error": e.client_message()})
            }
            ApiError::Core(Error::Unavailable(cause)) => {
                static THROTTLE: LogThrottle = LogThrottle::per_secs(30);
                if THROTTLE.allow() {
                    tracing::warn!(%cause, "backing service unavailable; answering 503 (repeats for 30 s at debug)");
                } else {
                    tracing::debug!(%cause, "backing service unavailable");
                }
                json!({"error": "Service unavailable"})
            }
            ApiError::Core(Error::FieldInvalid(fields)) => {
                // Mastodon's ValidationErrorFormatter: each field's
                // problems, in the order found.
                let mut details = serde_json::Map::new();
                for field in fields.iter() {
                    let problem = json!({
                        "error": format!("ERR_{}", field.code),
                        "description": field.description,
                    });
                    match details.get_mut(field.field).and_then(|v| v.as_array_mut()) {
                        Some(list) => list.push(problem),
                        None => {
                            details.insert(field.field.to_owned(), json!([problem]));
                        }
                    }
                }
                json!({"error": fields.to_string(), "details": details})
            }
            ApiError::Core(e) => json!({"error": e.to_string()}),
        };
        let mut resp = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            resp.insert_header((
                "WWW-Authenticate",
                "Bearer realm=\"Doorkeeper\", error=\"invalid_token\"",
            ));
        }
        resp.json(body)
    }
}

/// Malformed JSON bodies get Mastodon's 400 shape.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::Core(Error::BadRequest(format!(
        "Error while parsing request body: {err}"
    )))
    .into()
}

/// Malformed query strings get Mastodon's 400 shape.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::Core(Error::BadRequest(format!("Invalid query: {err}"))).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    fn body_of(err: &ApiError) -> String {
        let bytes = err
            .error_response()
            .into_body()
            .try_into_bytes()
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn internal_cause_is_logged_not_answered() {
        let cause = std::io::Error::other("relation \"secret_table\" does not exist");
        let err = Error::caused("loading the timeline", cause);
        assert!(err.chain().to_string().contains("secret_table"));
        let api = ApiError::Core(err);
        assert_eq!(api.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(&api);
        assert_eq!(body, r#"{"error":"An unexpected error occurred"}"#);
        assert!(!body.contains("secret_table"));
        assert!(!body.contains("timeline"));
    }

    #[test]
    fn plain_internal_message_is_not_answered() {
        let api = ApiError::Core(Error::internal("otp key mismatch"));
        assert_eq!(api.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body_of(&api).contains("otp"));
    }

    #[test]
    fn status_table() {
        assert_eq!(status_of(&Error::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            status_of(&Error::validation("x")),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(&Error::Unavailable("db".into())),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            status_of(&Error::RateLimited),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
