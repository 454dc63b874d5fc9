use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use ferrodon_core::auth::{authenticate, authenticate_pending, Authenticated, Scope};
use ferrodon_core::{AppState, Error};

use crate::ApiError;

/// A request that must carry a valid bearer token.
pub struct Auth(pub Authenticated);

/// A request that must carry a valid bearer token, whose user may still
/// have an unconfirmed e-mail or await approval.
pub struct PendingAuth(pub Authenticated);

/// A request that may carry a bearer token: an invalid one is refused
/// (401), and a valid one must grant the read scope `S` names (403), as
/// Mastodon's `authorize_if_got_token!`. The scope is part of the type, so
/// no handler can take an optional token without naming it.
pub struct MaybeAuth<S: ReadScope>(pub Option<Authenticated>, PhantomData<S>);

/// The scope a token must grant for a read with an optional token.
pub trait ReadScope: 'static {
    /// Any one of these suffices.
    const SCOPES: &'static [Scope];
}

/// `read:statuses`: statuses, their threads, edits and polls, timelines.
pub struct ReadStatuses;

impl ReadScope for ReadStatuses {
    const SCOPES: &'static [Scope] = &[Scope::ReadStatuses];
}

/// `read:accounts`: accounts and who favourited or reblogged a status.
pub struct ReadAccounts;

impl ReadScope for ReadAccounts {
    const SCOPES: &'static [Scope] = &[Scope::ReadAccounts];
}

/// `read:follows`: hashtags (with whether the viewer follows them).
pub struct ReadFollows;

impl ReadScope for ReadFollows {
    const SCOPES: &'static [Scope] = &[Scope::ReadFollows];
}

/// `read`: public facts a signed-in viewer sees more of (e.g. the
/// instance's domain blocks when it limits them to its users).
pub struct Read;

impl ReadScope for Read {
    const SCOPES: &'static [Scope] = &[Scope::Read];
}

impl<S: ReadScope> MaybeAuth<S> {
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

impl<S: ReadScope> FromRequest for MaybeAuth<S> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer(req);
        let state = state(req);
        Box::pin(async move {
            let state = state?;
            let Some(token) = token else {
                return Ok(MaybeAuth(None, PhantomData));
            };
            let authenticated = authenticate(&state, &token).await?;
            authenticated.require_scope(S::SCOPES)?;
            Ok(MaybeAuth(Some(authenticated), PhantomData))
        })
    }
}
