//! The browser session behind a request: [`CurrentUser`] when a page works
//! for anyone, [`SignedInUser`] when it needs someone signed in (others go
//! to the sign-in page and come back).
use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, FromRequest, HttpRequest};
use ferrodon_core::auth::web_sessions::{self, SignedIn, IDLE_LIMIT_DAYS};
use ferrodon_core::{AppState, Error};

use super::render::UiError;
use crate::extract::client_ip;

/// The session cookie.
pub const COOKIE: &str = "_ferrodon_session";

/// Whoever is signed in, if anyone.
pub struct CurrentUser(pub Option<SignedIn>);

/// Someone signed in.
pub struct SignedInUser(pub SignedIn);

async fn current(req: HttpRequest) -> Result<Option<SignedIn>, UiError> {
    let Some(cookie) = req.cookie(COOKIE) else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| Error::internal("no application state"))?;
    Ok(web_sessions::resume(state, cookie.value(), &client_ip(&req)).await?)
}

impl FromRequest for CurrentUser {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, UiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(CurrentUser(current(req).await?)) })
    }
}

impl FromRequest for SignedInUser {
    type Error = UiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, UiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match current(req.clone()).await? {
                Some(signed_in) => Ok(SignedInUser(signed_in)),
                None => Err(UiError::Redirect(sign_in_path_returning_to(&req))),
            }
        })
    }
}

/// `/auth/sign_in?return_to=…` for a GET (the page asked for), the plain
/// sign-in page otherwise.
pub fn sign_in_path_returning_to(req: &HttpRequest) -> String {
    if req.method() != actix_web::http::Method::GET {
        return "/auth/sign_in".into();
    }
    let target = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_owned(),
        None => req.path().to_owned(),
    };
    let encoded: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("/auth/sign_in?return_to={encoded}")
}

/// The cookie that signs a browser in.
pub fn cookie(secret: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, secret.to_owned())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(IDLE_LIMIT_DAYS))
        .finish()
}

/// The cookie that signs a browser out.
pub fn removal_cookie() -> Cookie<'static> {
    let mut gone = Cookie::new(COOKIE, "");
    gone.set_path("/");
    gone.make_removal();
    gone
}
