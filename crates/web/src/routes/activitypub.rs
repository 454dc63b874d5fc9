//! ActivityPub GET endpoints: actors (with content negotiation against the
//! HTML pages), statuses, outboxes, collections and the instance actor.
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::federation::delivery::{accept_delivery, verify_signature, Delivery};
use ferrodon_core::federation::{documents, instance_actor, publish};
use ferrodon_core::{AppState, Error};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbox", web::post().to(inbox))
        .route("/actor/inbox", web::post().to(inbox))
        .route("/users/{username}/inbox", web::post().to(user_inbox))
        .route("/actor", web::get().to(instance))
        .route("/users/{username}", web::get().to(actor))
        .route("/users/{username}/outbox", web::get().to(outbox))
        .route("/users/{username}/followers", web::get().to(followers))
        .route("/users/{username}/following", web::get().to(following))
        .route(
            "/users/{username}/collections/featured",
            web::get().to(featured),
        )
        .route(
            "/users/{username}/collections/tags",
            web::get().to(featured_tags),
        )
        .route(
            "/users/{username}/followers_synchronization",
            web::get().to(followers_synchronization),
        )
        .route(
            "/users/{username}/statuses/{id}/replies",
            web::get().to(replies),
        )
        .route("/users/{username}/statuses/{id}", web::get().to(status))
        .route(
            "/users/{username}/statuses/{id}/activity",
            web::get().to(status_activity),
        )
        .route(
            "/users/{username}/quote_authorizations/{id}",
            web::get().to(quote_authorization),
        );
}

/// True when the client asks for ActivityPub JSON rather than HTML.
pub fn wants_activity_json(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("Accept")
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

/// An ActivityPub JSON answer.
pub fn activity_json(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/activity+json; charset=utf-8")
        .insert_header(("Vary", "Accept"))
        .insert_header(("Cache-Control", "max-age=180, public"))
        .json(body)
}

fn found(document: Option<impl Serialize>) -> ApiResult<HttpResponse> {
    document
        .map(|d| activity_json(&d))
        .ok_or_else(|| Error::NotFound.into())
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::Found()
        .insert_header(("Location", to))
        .insert_header(("Vary", "Accept"))
        .finish()
}

async fn instance(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let account = instance_actor::instance_actor(&state).await?;
    Ok(activity_json(&documents::instance_actor(
        &state.config,
        &account,
    )))
}

async fn actor(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !wants_activity_json(&req) {
        return Ok(redirect(format!("{}/@{path}", state.config.base_url())));
    }
    let actor = publish::actor(&state, &path).await?;
    if state.config.authorized_fetch && req.headers().get("Signature").is_none() {
        // Unsigned in secure mode: only what verifying our signatures needs.
        return found(actor.map(|a| documents::minimal_actor(&a)));
    }
    fetch_signer(&state, &req).await?;
    found(actor)
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
    max_id: Option<i64>,
}

async fn outbox(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    found(publish::outbox(&state, &path, query.page.is_some(), query.max_id).await?)
}

async fn followers(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    found(publish::relationships(&state, &path, true, query.page.is_some(), query.max_id).await?)
}

async fn following(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    found(publish::relationships(&state, &path, false, query.page.is_some(), query.max_id).await?)
}

async fn featured(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    found(publish::featured(&state, &path).await?)
}

async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (username, id) = user_object(path)?;
    if !wants_activity_json(&req) {
        return Ok(redirect(format!(
            "{}/@{username}/{id}",
            state.config.base_url()
        )));
    }
    fetch_signer(&state, &req).await?;
    found(publish::status(&state, &username, id, false).await?)
}

async fn status_activity(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    let (username, id) = user_object(path)?;
    found(publish::status(&state, &username, id, true).await?)
}

/// A local author's approval of a quote of one of their posts (FEP-044f),
/// which servers fetch to check the quote; 404 once revoked.
async fn quote_authorization(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    let (username, id) = user_object(path)?;
    found(publish::quote_authorization(&state, &username, id).await?)
}

/// A `/users/:username/…/:id` path: the username and the numeric id (404
/// when the id is not a number).
fn user_object(path: web::Path<(String, String)>) -> Result<(String, i64), Error> {
    let (username, raw_id) = path.into_inner();
    let id = raw_id.parse().map_err(|_| Error::NotFound)?;
    Ok((username, id))
}

/// Reads a delivery's body, refusing more than an ActivityPub document may be.
/// How long a delivery's body may take to arrive, in all. A peer that
/// trickles its body (slowloris) is cut off here instead of holding a
/// connection for as long as it likes; a real delivery of up to 1 MiB
/// arrives in far less.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

async fn read_body(payload: web::Payload) -> ApiResult<Vec<u8>> {
    match tokio::time::timeout(BODY_TIMEOUT, read_body_limited(payload)).await {
        Ok(body) => body,
        Err(_) => Err(Error::BadRequest(format!(
            "the body did not arrive within {} s",
            BODY_TIMEOUT.as_secs()
        ))
        .into()),
    }
}

async fn read_body_limited(mut payload: web::Payload) -> ApiResult<Vec<u8>> {
    let limit = ferrodon_core::federation::client::MAX_DOCUMENT_BYTES as usize;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Error::BadRequest(format!("reading the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(Error::PayloadTooLarge.into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The parts of a request signature verification needs.
struct RequestParts {
    headers: Vec<(String, String)>,
    authority: String,
    target: String,
}

fn request_parts(state: &AppState, req: &HttpRequest) -> RequestParts {
    RequestParts {
        headers: req
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_ascii_lowercase(), v.to_owned()))
            })
            .collect(),
        authority: req
            .headers()
            .get("Host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or(&state.config.web_domain)
            .to_owned(),
        target: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| req.path().to_owned()),
    }
}

fn scheme(state: &AppState) -> &'static str {
    if state.config.dev_allow_http {
        "http"
    } else {
        "https"
    }
}

/// In authorized-fetch mode, the account that signed this GET (401 when
/// unsigned or invalid); otherwise `None` without looking.
pub async fn fetch_signer(
    state: &AppState,
    req: &HttpRequest,
) -> ApiResult<Option<ferrodon_core::db::models::Account>> {
    if !state.config.authorized_fetch {
        return Ok(None);
    }
    Ok(Some(get_signer(state, req).await?))
}

/// The account that signed this GET: 401 when unsigned or invalid.
async fn get_signer(
    state: &AppState,
    req: &HttpRequest,
) -> ApiResult<ferrodon_core::db::models::Account> {
    let parts = request_parts(state, req);
    let request = Delivery {
        method: req.method().as_str(),
        scheme: scheme(state),
        authority: &parts.authority,
        target: &parts.target,
        headers: parts.headers,
        body: &[],
    };
    Ok(verify_signature(state, &request).await?)
}

async fn receive(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = match read_body(payload).await {
        Ok(body) => body,
        Err(e) => {
            tracing::info!(error = %e, "delivery refused");
            return Err(e);
        }
    };
    let parts = request_parts(state, req);
    let delivery = Delivery {
        method: req.method().as_str(),
        scheme: scheme(state),
        authority: &parts.authority,
        target: &parts.target,
        headers: parts.headers,
        body: &body,
    };
    match accept_delivery(state, &delivery).await {
        Ok(_) => Ok(HttpResponse::Accepted().finish()),
        Err(e) => {
            tracing::info!(
                key_id = ?ferrodon_core::apub::signatures::verify::claimed_key_id(delivery.headers.as_slice()),
                error = %e,
                "delivery refused"
            );
            Err(e.into())
        }
    }
}

async fn inbox(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    receive(&state, &req, payload).await
}

async fn user_inbox(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if publish::actor(&state, &path).await?.is_none() {
        return Err(Error::NotFound.into());
    }
    receive(&state, &req, payload).await
}

async fn featured_tags(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    found(publish::featured_tags(&state, &path).await?)
}

async fn replies(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    fetch_signer(&state, &req).await?;
    let (username, id) = user_object(path)?;
    found(publish::replies(&state, &username, id, query.page.is_some()).await?)
}

/// The followers of a local account on the (signed) requester's domain.
async fn followers_synchronization(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    // Signed always, whatever AUTHORIZED_FETCH says: the list is per requester.
    let requester = get_signer(&state, &req).await?;
    let mut conn = state.conn().await?;
    let Some(account) = publish::local_account(&mut conn, &path).await? else {
        return Err(Error::NotFound.into());
    };
    drop(conn);
    let body =
        ferrodon_core::federation::sync::followers_on_domain(&state, &account, &requester).await?;
    Ok(activity_json(&body))
}
