//! `/api/v2/filters…` (filters with keywords and statuses) and the v1
//! compatibility API, where each keyword is a filter of its own.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::filters::{self, Filter};
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::filter::{
    render_keyword, render_status, render_v1, render_with_rules, FilterWithRules,
};
use ferrodon_core::services::save_filter::{self, FilterInput, FilterRules, KeywordInput};
use ferrodon_core::{AppState, Error};
use serde_json::{json, Value};

use super::path_id;
use crate::error::ApiResult;
use crate::extract::{params_bool as value_as_bool, Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v2/filters", on::get().to(index))
        .route("/api/v2/filters", on::post().to(create))
        .route("/api/v2/filters/keywords/{id}", on::get().to(keyword_show))
        .route(
            "/api/v2/filters/keywords/{id}",
            on::put().to(keyword_update),
        )
        .route(
            "/api/v2/filters/keywords/{id}",
            on::delete().to(keyword_destroy),
        )
        .route("/api/v2/filters/statuses/{id}", on::get().to(status_show))
        .route(
            "/api/v2/filters/statuses/{id}",
            on::delete().to(status_destroy),
        )
        .route("/api/v2/filters/{id}", on::get().to(show))
        .route("/api/v2/filters/{id}", on::put().to(update))
        .route("/api/v2/filters/{id}", on::delete().to(destroy))
        .route("/api/v2/filters/{id}/keywords", on::get().to(keywords))
        .route("/api/v2/filters/{id}/keywords", on::post().to(add_keyword))
        .route("/api/v2/filters/{id}/statuses", on::get().to(statuses))
        .route("/api/v2/filters/{id}/statuses", on::post().to(add_status))
        .route("/api/v1/filters", on::get().to(v1_index))
        .route("/api/v1/filters", on::post().to(v1_create))
        .route("/api/v1/filters/{id}", on::get().to(v1_show))
        .route("/api/v1/filters/{id}", on::put().to(v1_update))
        .route("/api/v1/filters/{id}", on::delete().to(v1_destroy));
}

/// Checks the scope and returns the signed-in account's id.
fn me(auth: &Auth, scope: Scope) -> ApiResult<i64> {
    auth.0.require_scope(&[scope])?;
    Ok(auth.0.require_user()?.1.id)
}

/// Checks the scope and loads the signed-in user's filter named by the path.
async fn owned(state: &AppState, auth: &Auth, scope: Scope, raw_id: &str) -> ApiResult<Filter> {
    let me = me(auth, scope)?;
    let mut conn = state.conn().await?;
    Ok(filters::get_filter(&mut conn, AccountId::new(me), path_id(raw_id)?).await?)
}

fn render(rules: &FilterRules) -> FilterWithRules {
    render_with_rules(&rules.filter, &rules.keywords, &rules.statuses)
}

/// `expires_in`: absent keeps the expiry, empty clears it.
fn expires_in(params: &Params) -> ApiResult<Option<Option<i64>>> {
    if params.get("expires_in").is_none() {
        return Ok(None);
    }
    Ok(Some(params.i64("expires_in")?))
}

/// `context[]`, when sent.
fn context(params: &Params) -> Option<Vec<String>> {
    params.get("context").map(|_| params.list("context"))
}

/// `keywords_attributes[]` as an array or Rails' indexed hash.
fn keyword_inputs(params: &Params) -> ApiResult<Vec<KeywordInput>> {
    let entries: Vec<&Value> = match params.get("keywords_attributes") {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(map)) => {
            let mut keyed: Vec<(&String, &Value)> = map.iter().collect();
            keyed.sort_by_key(|(k, _)| k.parse::<usize>().unwrap_or(usize::MAX));
            keyed.into_iter().map(|(_, v)| v).collect()
        }
        Some(_) => {
            return Err(Error::BadRequest("keywords_attributes must be a list".into()).into())
        }
    };
    entries
        .into_iter()
        .map(|entry| {
            let text = |k: &str| match entry.get(k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let id = match text("id").filter(|s| !s.is_empty()) {
                None => None,
                Some(raw) => Some(raw.trim().parse().map_err(|_| Error::NotFound)?),
            };
            Ok(KeywordInput {
                id,
                keyword: text("keyword"),
                whole_word: entry.get("whole_word").and_then(value_as_bool),
                destroy: entry
                    .get("_destroy")
                    .and_then(value_as_bool)
                    .unwrap_or(false),
            })
        })
        .collect()
}

fn v2_input(params: &Params) -> ApiResult<FilterInput> {
    Ok(FilterInput {
        title: params.str("title"),
        context: context(params),
        action: params.nonempty("filter_action"),
        expires_in: expires_in(params)?,
        keywords: keyword_inputs(params)?,
    })
}

async fn index(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::ReadFilters)?;
    let mut conn = state.conn().await?;
    let all = filters::list_filters(&mut conn, me).await?;
    let body: Vec<_> = save_filter::with_rules(&mut conn, all)
        .await?
        .iter()
        .map(render)
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn create(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let rules = save_filter::create(&state, me, &v2_input(&params)?).await?;
    Ok(HttpResponse::Ok().json(render(&rules)))
}

async fn show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let filter = owned(&state, &auth, Scope::ReadFilters, &path).await?;
    let mut conn = state.conn().await?;
    let rules = save_filter::with_rules(&mut conn, vec![filter]).await?;
    Ok(HttpResponse::Ok().json(rules.iter().map(render).next()))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let id = path_id(&path)?;
    let rules = save_filter::update(&state, me, id, &v2_input(&params)?).await?;
    Ok(HttpResponse::Ok().json(render(&rules)))
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let filter = owned(&state, &auth, Scope::WriteFilters, &path).await?;
    let mut conn = state.conn().await?;
    filters::delete_filter(&mut conn, filter.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn keywords(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let filter = owned(&state, &auth, Scope::ReadFilters, &path).await?;
    let mut conn = state.conn().await?;
    let body: Vec<_> = filters::list_keywords(&mut conn, &[filter.id])
        .await?
        .iter()
        .map(render_keyword)
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// A keyword and whole_word from the parameters, over the current ones.
fn keyword_params(
    params: &Params,
    current: Option<&filters::FilterKeyword>,
) -> ApiResult<(String, bool)> {
    let keyword = params
        .str("keyword")
        .or_else(|| current.map(|k| k.keyword.clone()))
        .unwrap_or_default();
    if keyword.trim().is_empty() {
        return Err(Error::validation("Keyword can't be blank").into());
    }
    let whole_word = params
        .bool("whole_word")
        .or(current.map(|k| k.whole_word))
        .unwrap_or(true);
    Ok((keyword, whole_word))
}

async fn add_keyword(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let filter = owned(&state, &auth, Scope::WriteFilters, &path).await?;
    let mut conn = state.conn().await?;
    let (keyword, whole_word) = keyword_params(&params, None)?;
    let created = filters::put_keyword(&mut conn, filter.id, &keyword, whole_word).await?;
    Ok(HttpResponse::Ok().json(render_keyword(&created)))
}

async fn keyword_show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::ReadFilters)?;
    let mut conn = state.conn().await?;
    let (keyword, _) = filters::get_keyword(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render_keyword(&keyword)))
}

async fn keyword_update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let mut conn = state.conn().await?;
    let (current, _) = filters::get_keyword(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    let (keyword, whole_word) = keyword_params(&params, Some(&current))?;
    let updated = filters::update_keyword(&mut conn, current.id, &keyword, whole_word).await?;
    Ok(HttpResponse::Ok().json(render_keyword(&updated)))
}

async fn keyword_destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let mut conn = state.conn().await?;
    let (keyword, _) = filters::get_keyword(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    filters::delete_keyword(&mut conn, keyword.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn statuses(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let filter = owned(&state, &auth, Scope::ReadFilters, &path).await?;
    let mut conn = state.conn().await?;
    let body: Vec<_> = filters::list_filter_statuses(&mut conn, &[filter.id])
        .await?
        .iter()
        .map(render_status)
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn add_status(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let filter_id = path_id(&path)?;
    let status_id = params.id("status_id")?;
    let entry = save_filter::add_status(&state, me, filter_id, status_id).await?;
    Ok(HttpResponse::Ok().json(render_status(&entry)))
}

async fn status_show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::ReadFilters)?;
    let mut conn = state.conn().await?;
    let entry = filters::get_filter_status(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render_status(&entry)))
}

async fn status_destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let mut conn = state.conn().await?;
    let entry = filters::get_filter_status(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    filters::delete_filter_status(&mut conn, entry.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

/// The v1 parameters: `phrase` titles the filter and is its keyword,
/// `irreversible` chooses hide over warn.
fn v1_input(params: &Params) -> ApiResult<FilterInput> {
    Ok(FilterInput {
        title: params.str("phrase"),
        context: context(params),
        action: params
            .bool("irreversible")
            .map(|hide| if hide { "hide" } else { "warn" }.to_owned()),
        expires_in: expires_in(params)?,
        keywords: Vec::new(),
    })
}

async fn v1_index(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::ReadFilters)?;
    let mut conn = state.conn().await?;
    let body: Vec<_> = filters::list_account_keywords(&mut conn, me)
        .await?
        .iter()
        .map(|(k, f)| render_v1(k, f))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn v1_create(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let (keyword, filter) =
        save_filter::create_v1(&state, me, &v1_input(&params)?, params.bool("whole_word")).await?;
    Ok(HttpResponse::Ok().json(render_v1(&keyword, &filter)))
}

async fn v1_show(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::ReadFilters)?;
    let mut conn = state.conn().await?;
    let (keyword, filter) =
        filters::get_keyword(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    Ok(HttpResponse::Ok().json(render_v1(&keyword, &filter)))
}

async fn v1_update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let id = path_id(&path)?;
    let input = v1_input(&params)?;
    let (keyword, filter) =
        save_filter::update_v1(&state, me, id, &input, params.bool("whole_word")).await?;
    Ok(HttpResponse::Ok().json(render_v1(&keyword, &filter)))
}

async fn v1_destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let me = me(&auth, Scope::WriteFilters)?;
    let mut conn = state.conn().await?;
    let (keyword, _) = filters::get_keyword(&mut conn, AccountId::new(me), path_id(&path)?).await?;
    filters::delete_keyword(&mut conn, keyword.id).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
