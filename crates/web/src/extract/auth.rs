use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use ferrodon_core::auth::{authenticate, authenticate_pending, Authenticated};
use ferrodon_core::{AppState, Error};

use crate::ApiError;

/// A request that must carry a valid bearer token.
pub struct Auth(pub Authenticated);

/// A request that must carry a valid bearer token, whose user may still
/// have an unconfirmed e-mail or await approval.
pub struct PendingAuth(pub Authenticated);

/// A request that may carry a bearer token; an invalid one is still refused.
pub struct MaybeAuth(pub Option<Authenticated>);

impl MaybeAuth {
    /// The viewer's account id, if a user is signed in.
    pub fn account_id(&self) -> Option<i64> {
        self.0.as_ref().and_then(|a| a.account_id())
    }
}

/// The bearer token of a request: `Authorization: Bearer`, else `?access_token=`.
pub(crate) fn bearer(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
    {
        let mut parts = value.splitn(2, ' ');
        let scheme = parts.next().unwrap_or_default();
        if scheme.eq_ignore_ascii_case("bearer") {
            return parts
                .next()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty());
        }
        return None;
    }
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
}

fn state(req: &HttpRequest) -> Result<AppState, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|d| d.get_ref().clone())
        .ok_or_else(|| ApiError::Core(Error::Internal("application state missing".into())))
}

/// The state and the required bearer token of a request, or 401.
fn state_and_token(req: &HttpRequest) -> Result<(AppState, String), ApiError> {
    let state = state(req)?;
    let token = bearer(req)
        .ok_or_else(|| ApiError::Core(Error::Unauthorized("The access token is invalid".into())))?;
    Ok((state, token))
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = state_and_token(req);
        Box::pin(async move {
            let (state, token) = found?;
            Ok(Auth(authenticate(&state, &token).await?))
        })
    }
}

impl FromRequest for PendingAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = state_and_token(req);
        Box::pin(async move {
            let (state, token) = found?;
            Ok(PendingAuth(authenticate_pending(&state, &token).await?))
        })
    }
}

impl FromRequest for MaybeAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer(req);
        let state = state(req);
        Box::pin(async move {
            let state = state?;
            match token {
                None => Ok(MaybeAuth(None)),
                Some(t) => Ok(MaybeAuth(Some(authenticate(&state, &t).await?))),
            }
        })
    }
}
