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

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::OAuth(o) => StatusCode::from_u16(o.status).unwrap_or(StatusCode::BAD_REQUEST),
            ApiError::Core(e) => match e {
                Error::Validation(_) | Error::FieldInvalid { .. } => {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                Error::BadRequest(_) => StatusCode::BAD_REQUEST,
                Error::NotFound => StatusCode::NOT_FOUND,
                Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
                Error::Forbidden(_) => StatusCode::FORBIDDEN,
                Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = match self {
            ApiError::OAuth(o) => json!({"error": o.code, "error_description": o.description}),
            ApiError::Core(Error::Internal(cause)) => {
                tracing::error!(%cause, "internal error");
                json!({"error": "An unexpected error occurred"})
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
            ApiError::Core(
                e @ Error::FieldInvalid {
                    field,
                    code,
                    description,
                    ..
                },
            ) => json!({
                "error": e.to_string(),
                "details": { *field: [{ "error": format!("ERR_{code}"), "description": description }] },
            }),
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
