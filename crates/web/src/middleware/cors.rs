//! Cross-origin requests, as Mastodon allows them (its
//! `config/initializers/cors.rb`, through rack-cors): any origin, no
//! credentials, on the API, the OAuth token and revocation endpoints, the
//! discovery documents and a profile's RSS feed, so web clients served from
//! their own origin (Elk, Phanpy, …) can call this server. HTML pages, the
//! session-cookie forms and `/oauth/authorize` get nothing: a page on
//! another origin must not read them.
//!
//! As rack-cors does: headers are added only when the request carries
//! `Origin`; a preflight (`OPTIONS` with `Access-Control-Request-Method`)
//! for an allowed method is answered here with 200 and an empty body,
//! echoing the requested headers; a preflight it does not allow passes
//! through without them, and other requests get them added.
//! Responses on these paths say `Vary: Origin`, since their headers depend
//! on it.
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::HttpResponse;

/// What a path allows from other origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// `Access-Control-Allow-Methods`.
    pub methods: &'static [&'static str],
    /// `Access-Control-Expose-Headers` (empty for none).
    pub expose: &'static str,
}

/// `/api/*`: every method a client uses, and the headers it reads.
const API: Resource = Resource {
    methods: &["POST", "PUT", "DELETE", "GET", "PATCH", "OPTIONS"],
    expose: "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id",
};

/// Token and revocation endpoints: POST only.
const OAUTH: Resource = Resource {
    methods: &["POST"],
    expose: "",
};

/// Documents anyone may read.
const READ_ONLY: Resource = Resource {
    methods: &["GET"],
    expose: "",
};

/// How long a browser may cache a preflight (rack-cors' default).
const MAX_AGE: &str = "7200";

/// The resource `path` belongs to, if any.
pub fn resource_for(path: &str) -> Option<Resource> {
    if path == "/api" || path.starts_with("/api/") {
        return Some(API);
    }
    if path == "/oauth/token" || path == "/oauth/revoke" {
        return Some(OAUTH);
    }
    if path.starts_with("/.well-known/") || path.starts_with("/nodeinfo/") {
        return Some(READ_ONLY);
    }
    // `/@:username.rss`: one path segment, nothing after the feed suffix.
    if let Some(name) = path
        .strip_prefix("/@")
        .and_then(|rest| rest.strip_suffix(".rss"))
    {
        if !name.is_empty() && !name.contains(['/', '?', '#', '&']) {
            return Some(READ_ONLY);
        }
    }
    None
}

fn value(text: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(text).ok()
}

/// The headers of a response to a cross-origin request for `resource`.
fn set_headers(headers: &mut HeaderMap, resource: Resource) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Some(methods) = value(&resource.methods.join(", ")) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods);
    }
    if !resource.expose.is_empty() {
        if let Some(expose) = value(resource.expose) {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose);
        }
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
}

/// Adds `Origin` to `Vary`, keeping what the handler put there.
fn vary_on_origin(headers: &mut HeaderMap) {
    let existing: Vec<String> = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect();
    if existing
        .iter()
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("origin") || v.trim() == "*")
    {
        return;
    }
    let mut all = existing;
    all.push("Origin".into());
    if let Some(v) = value(&all.join(", ")) {
        headers.insert(header::VARY, v);
    }
}

/// The preflight answer for `req`, when it is one this resource allows.
fn preflight(req: &ServiceRequest, resource: Resource) -> Option<HttpResponse> {
    let asked = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)?
        .to_str()
        .ok()?;
    if !resource
        .methods
        .iter()
        .any(|m| m.eq_ignore_ascii_case(asked.trim()))
    {
        return None;
    }
    let mut response = HttpResponse::Ok().finish();
    let headers = response.headers_mut();
    set_headers(headers, resource);
    // `headers: :any`: whatever the client asks to send is allowed.
    if let Some(requested) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    vary_on_origin(headers);
    Some(response)
}

/// The middleware: answers preflights and adds the headers to
/// cross-origin responses on the allowed paths.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(resource) = resource_for(req.path()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let has_origin = req.headers().contains_key(header::ORIGIN);
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if has_origin && is_preflight {
        if let Some(answer) = preflight(&req, resource) {
            return Ok(req.into_response(answer));
        }
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    // A preflight this resource does not allow gets no CORS headers at all.
    if has_origin && !is_preflight {
        set_headers(headers, resource);
    }
    vary_on_origin(headers);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodons_resources_and_nothing_else() {
        assert_eq!(resource_for("/api/v1/timelines/home"), Some(API));
        assert_eq!(resource_for("/api/v2/media"), Some(API));
        assert_eq!(resource_for("/oauth/token"), Some(OAUTH));
        assert_eq!(resource_for("/oauth/revoke"), Some(OAUTH));
        assert_eq!(resource_for("/.well-known/webfinger"), Some(READ_ONLY));
        assert_eq!(resource_for("/nodeinfo/2.0"), Some(READ_ONLY));
        assert_eq!(resource_for("/@alice.rss"), Some(READ_ONLY));
        for page in [
            "/",
            "/home",
            "/@alice",
            "/@alice/1234",
            "/@.rss",
            "/@a/b.rss",
            "/oauth/authorize",
            "/oauth/token/x",
            "/auth/sign_in",
            "/settings/profile",
            "/apix",
            "/users/alice",
            "/assets/ferrodon.css",
        ] {
            assert_eq!(resource_for(page), None, "{page}");
        }
    }

    #[test]
    fn vary_keeps_what_was_there() {
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        vary_on_origin(&mut headers);
        assert_eq!(headers.get(header::VARY).unwrap(), "Accept, Origin");
        vary_on_origin(&mut headers);
        assert_eq!(headers.get(header::VARY).unwrap(), "Accept, Origin");
    }
}
