//! Finding people and topics: `/api/v1/directory`, follow suggestions
//! (v1 and v2) and trends.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::discovery::{self, DirectoryOrder, SuggestionSource};
use ferrodon_core::db::queries::timelines;
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::account;
use ferrodon_core::entities::tag::render_tags;
use ferrodon_core::{views, AppState, Error};
use serde_json::{json, Value};

use super::path_id;
use crate::error::ApiResult;
use crate::extract::{Auth, MaybeAuth, Params, ReadFollows, ReadStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/directory", on::get().to(directory))
        .route("/api/v1/suggestions", on::get().to(suggestions_v1))
        .route("/api/v2/suggestions", on::get().to(suggestions_v2))
        .route("/api/v1/suggestions/{account_id}", on::delete().to(dismiss))
        .route("/api/v1/trends", on::get().to(trending_tags))
        .route("/api/v1/trends/tags", on::get().to(trending_tags))
        .route("/api/v1/trends/statuses", on::get().to(trending_statuses))
        .route("/api/v1/trends/links", on::get().to(trending_links));
}

/// `offset` and `limit` (default `default`, at most `max`).
fn offset_limit(params: &Params, default: i64, max: i64) -> ApiResult<(i64, i64)> {
    let offset = params.i64("offset")?.unwrap_or(0).max(0);
    let limit = params.i64("limit")?.unwrap_or(default).clamp(1, max);
    Ok((offset, limit))
}

async fn directory(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let (offset, limit) = offset_limit(&params, 40, 80)?;
    let order = match params.nonempty("order").as_deref() {
        None | Some("active") => DirectoryOrder::Active,
        Some("new") => DirectoryOrder::New,
        Some(_) => return Err(Error::BadRequest("order must be active or new".into()).into()),
    };
    let local = params.bool("local").unwrap_or(false);
    let mut conn = state.read_conn().await?;
    let rows = discovery::list_directory(&mut conn, order, local, offset, limit).await?;
    let body: Vec<account::Account> = rows
        .iter()
        .map(|a| account::render(&state.config, a))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn suggestions(
    state: &AppState,
    auth: &Auth,
    params: &Params,
) -> ApiResult<Vec<(SuggestionSource, account::Account)>> {
    auth.0.require_scope(&[Scope::Read])?;
    let (_, me) = auth.0.require_user()?;
    let limit = params.i64("limit")?.unwrap_or(40).clamp(1, 80);
    let mut conn = state.conn().await?;
    let rows = discovery::list_suggestions(&mut conn, AccountId::new(me.id), limit).await?;
    Ok(rows
        .iter()
        .map(|(source, a)| (*source, account::render(&state.config, a)))
        .collect())
}

async fn suggestions_v1(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    let rows = suggestions(&state, &auth, &params).await?;
    let body: Vec<&account::Account> = rows.iter().map(|(_, a)| a).collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn suggestions_v2(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    let rows = suggestions(&state, &auth, &params).await?;
    let body: Vec<Value> = rows
        .iter()
        .map(|(source, a)| {
            let (legacy, name) = match source {
                SuggestionSource::FriendsOfFriends => ("past_interactions", "friends_of_friends"),
                SuggestionSource::MostFollowed => ("global", "most_followed"),
            };
            json!({"source": legacy, "sources": [name], "account": a})
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn dismiss(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::Read])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    let mut conn = state.conn().await?;
    // An unknown account is NotFound, not a failed insert.
    ferrodon_core::db::queries::accounts::get_account_by_id(&mut conn, target).await?;
    discovery::dismiss_suggestion(&mut conn, AccountId::new(me.id), AccountId::new(target)).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn trending_tags(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadFollows>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let (offset, limit) = offset_limit(&params, 10, 20)?;
    let mut conn = state.read_conn().await?;
    let tags = discovery::list_trending_tags(&mut conn, false, offset, limit).await?;
    let body = render_tags(&mut conn, &state.config, &tags, auth.account_id()).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn trending_statuses(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let (offset, limit) = offset_limit(&params, 20, 40)?;
    let viewer = auth.account_id();
    let mut conn = state.read_conn().await?;
    let ids = timelines::list_trending_statuses(&mut conn, viewer, false, offset, limit).await?;
    let visible = views::VisibleStatuses::check(&mut conn, &ids, viewer).await?;
    let body = views::render_statuses(&mut conn, &state.config, &visible).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Links shared by several accounts lately: their preview cards with a
/// week of `history`, as Mastodon's Trends::Link.
async fn trending_links(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    use ferrodon_core::db::queries::preview_cards;
    let (offset, limit) = offset_limit(&params, 10, 20)?;
    let mut conn = state.read_conn().await?;
    let cards = preview_cards::list_trending_cards(&mut conn, false, offset, limit).await?;
    let mut body = Vec::with_capacity(cards.len());
    for card in &cards {
        let days = preview_cards::card_history(&mut conn, card.id, 7).await?;
        body.push(ferrodon_core::cards::render_trending(card, &days, false));
    }
    Ok(HttpResponse::Ok().json(body))
}
