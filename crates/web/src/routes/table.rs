//! The route table: every API route registers through [`Routes`], which
//! adds it to actix and also lists it, so the routes can be enumerated
//! (`ferrodon-web --routes`; the route sweep of tests/e2e/security reads
//! that listing, so a new route is swept without editing the test).
use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder};

/// One listed route: its method and its path pattern (`/api/v1/statuses/{id}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, placeholders in braces.
    pub path: String,
}

/// Where routes register: actix's service configuration (when serving)
/// and the listing (always).
pub struct Routes<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    listed: Vec<Listed>,
}

impl<'a> Routes<'a> {
    /// Registers into actix as well as listing.
    pub fn serving(cfg: &'a mut web::ServiceConfig) -> Self {
        Routes {
            cfg: Some(cfg),
            listed: Vec::new(),
        }
    }

    /// Lists only.
    pub fn listing() -> Self {
        Routes {
            cfg: None,
            listed: Vec::new(),
        }
    }

    /// Adds a route made by one of [`on`]'s functions.
    pub fn route(&mut self, path: &str, route: MethodRoute) -> &mut Self {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.route(path, route.route);
        }
        self.listed.push(Listed {
            method: route.method,
            path: path.to_owned(),
        });
        self
    }

    /// Registers routes that are not API routes (HTML pages, ActivityPub)
    /// straight into actix, unlisted.
    pub fn unlisted(&mut self, configure: impl FnOnce(&mut web::ServiceConfig)) -> &mut Self {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            configure(cfg);
        }
        self
    }

    /// The routes listed so far, in registration order.
    pub fn into_listed(self) -> Vec<Listed> {
        self.listed
    }
}

/// A route with the method it answers, as [`Routes::route`] takes it.
pub struct MethodRoute {
    method: Method,
    route: actix_web::Route,
}

/// A method waiting for its handler.
pub struct On(Method);

impl On {
    /// The route calling `handler` (as actix's `Route::to`).
    pub fn to<F, Args>(self, handler: F) -> MethodRoute
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        MethodRoute {
            route: web::method(self.0.clone()).to(handler),
            method: self.0,
        }
    }
}

/// The methods routes answer (as actix's `web::get()` …).
pub mod on {
    use super::{Method, On};

    /// GET.
    pub fn get() -> On {
        On(Method::GET)
    }
    /// HEAD.
    pub fn head() -> On {
        On(Method::HEAD)
    }
    /// POST.
    pub fn post() -> On {
        On(Method::POST)
    }
    /// PUT.
    pub fn put() -> On {
        On(Method::PUT)
    }
    /// PATCH.
    pub fn patch() -> On {
        On(Method::PATCH)
    }
    /// DELETE.
    pub fn delete() -> On {
        On(Method::DELETE)
    }
}
