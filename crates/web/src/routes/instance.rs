//! Instance documents: `/api/v1/instance`, `/api/v2/instance` and friends.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::db::queries::{discovery, domain_blocks as db_domain_blocks, rules};
use ferrodon_core::entities::instance::{self, InstanceFacts};
use ferrodon_core::entities::timestamp;
use ferrodon_core::services::instance_pages::{
    domain_blocks_visibility, get_text, DomainBlocksVisibility, InstanceText,
    DEFAULT_PRIVACY_POLICY,
};
use ferrodon_core::services::instance_settings::registrations_mode;
use ferrodon_core::services::site_settings;
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::extract::{MaybeAuth, Read};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/instance", on::get().to(v1))
        .route("/api/v2/instance", on::get().to(v2))
        .route("/api/v1/instance/peers", on::get().to(peers))
        .route("/api/v1/instance/activity", on::get().to(activity))
        .route("/api/v1/instance/rules", on::get().to(rules))
        .route(
            "/api/v1/instance/domain_blocks",
            on::get().to(domain_blocks),
        )
        .route(
            "/api/v1/instance/extended_description",
            on::get().to(extended_description),
        )
        .route(
            "/api/v1/instance/privacy_policy",
            on::get().to(privacy_policy),
        )
        .route(
            "/api/v1/instance/terms_of_service",
            on::get().to(terms_of_service),
        )
        .route("/api/v1/instance/languages", on::get().to(languages))
        .route(
            "/api/v1/instance/translation_languages",
            on::get().to(translation_languages),
        );
}

async fn facts(state: &AppState) -> ApiResult<InstanceFacts> {
    let mode = registrations_mode(state).await?;
    let title = ferrodon_core::services::instance_settings::site_title(state).await?;
    let site = site_settings::load(state).await?;
    let contact_account = site_settings::contact_account(state, &site).await?;
    let mut conn = state.conn().await?;
    let counts = ferrodon_core::services::instance_settings::instance_counts(&mut conn).await?;
    let peers = discovery::list_peers(&mut conn).await?;
    let rules = rules::list_rules(&mut conn).await?;
    Ok(InstanceFacts {
        user_count: counts.0,
        status_count: counts.1,
        domain_count: i64::try_from(peers.len()).unwrap_or(i64::MAX),
        rules: rules.iter().map(instance::render_rule).collect(),
        active_month: counts.2,
        registrations_mode: mode.as_str().to_owned(),
        contact_account,
        title,
        description: site.description().to_owned(),
        contact_email: site.contact_email.clone(),
        thumbnail_url: (!site.thumbnail_url.is_empty()).then(|| site.thumbnail_url.clone()),
    })
}

async fn v1(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let facts = facts(&state).await?;
    Ok(HttpResponse::Ok().json(instance::render_v1(&state.config, &facts)))
}

async fn v2(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let facts = facts(&state).await?;
    Ok(HttpResponse::Ok().json(instance::render_v2(&state.config, &facts)))
}

/// Every remote domain with a known account.
async fn peers(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(discovery::list_peers(&mut conn).await?))
}

/// Twelve weeks of local statuses, sign-ins and sign-ups, this week first;
/// Mastodon sends the numbers as strings.
async fn activity(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let weeks = discovery::list_activity(&mut conn, 12).await?;
    let body: Vec<Value> = weeks
        .iter()
        .map(|w| {
            json!({
                "week": w.week.timestamp().to_string(),
                "statuses": w.statuses.to_string(),
                "logins": w.logins.to_string(),
                "registrations": w.registrations.to_string(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn rules(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let body: Vec<Value> = rules::list_rules(&mut conn)
        .await?
        .iter()
        .map(instance::render_rule)
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// The moderation domain blocks, when `show_domain_blocks` lets the caller
/// see them (404 otherwise, as Mastodon); obfuscated ones partly starred
/// and every domain with its SHA-256 digest.
async fn domain_blocks(
    state: web::Data<AppState>,
    auth: MaybeAuth<Read>,
) -> ApiResult<HttpResponse> {
    let allowed = match domain_blocks_visibility(&state).await? {
        DomainBlocksVisibility::All => true,
        DomainBlocksVisibility::Users => auth.account_id().is_some(),
        DomainBlocksVisibility::Disabled => false,
    };
    if !allowed {
        return Err(Error::NotFound.into());
    }
    let mut conn = state.conn().await?;
    let body: Vec<Value> = db_domain_blocks::list_domain_blocks(&mut conn)
        .await?
        .iter()
        .map(|b| {
            json!({
                "domain": if b.obfuscate { obfuscate(&b.domain) } else { b.domain.clone() },
                "digest": hex_sha256(&b.domain),
                "severity": b.severity,
                "comment": b.public_comment,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Stars out every other character of a domain's labels but the last
/// label, as Mastodon obfuscates.
fn obfuscate(domain: &str) -> String {
    let (head, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
    let starred: String = head
        .chars()
        .enumerate()
        .map(|(i, c)| if c != '.' && i % 2 == 1 { '*' } else { c })
        .collect();
    if tld.is_empty() {
        starred
    } else {
        format!("{starred}.{tld}")
    }
}

/// The hex SHA-256 of a domain, which clients compare against.
fn hex_sha256(text: &str) -> String {
    ferrodon_core::auth::tokens::digest(text)
}

/// A stored instance text as Mastodon's `{updated_at, content}`.
async fn text(state: &AppState, which: InstanceText) -> ApiResult<Option<Value>> {
    Ok(get_text(state, which)
        .await?
        .map(|t| json!({"updated_at": timestamp(&t.updated_at), "content": t.content})))
}

async fn extended_description(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let body = text(&state, InstanceText::ExtendedDescription)
        .await?
        .unwrap_or_else(|| json!({"updated_at": null, "content": ""}));
    Ok(HttpResponse::Ok().json(body))
}

async fn privacy_policy(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let body = match text(&state, InstanceText::PrivacyPolicy).await? {
        Some(body) => body,
        None => json!({
            "updated_at": "2026-11-24T00:00:00.000Z",
            "content": DEFAULT_PRIVACY_POLICY,
        }),
    };
    Ok(HttpResponse::Ok().json(body))
}

/// The terms of service; 404 until an admin sets them, as Mastodon.
async fn terms_of_service(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let body = text(&state, InstanceText::TermsOfService)
        .await?
        .ok_or(Error::NotFound)?;
    let mut body = body;
    if let Some(obj) = body.as_object_mut() {
        obj.insert("effective_date".into(), obj["updated_at"].clone());
        obj.insert("effective".into(), Value::Bool(true));
        obj.insert("succeeded_by".into(), Value::Null);
    }
    Ok(HttpResponse::Ok().json(body))
}

/// Every language a status may be written in: ISO 639-1 codes with names.
async fn languages() -> HttpResponse {
    let body: Vec<Value> = ferrodon_core::languages::LANGUAGES
        .iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    HttpResponse::Ok().json(body)
}

/// The languages the translation service translates, by source language
/// (`{}` when none is configured).
async fn translation_languages(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let languages = ferrodon_core::translation::languages(&state).await?;
    Ok(HttpResponse::Ok().json(languages))
}
