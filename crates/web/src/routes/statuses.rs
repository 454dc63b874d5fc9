//! `/api/v1/statuses…`: post, show, edit, delete, thread, and interactions.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::accounts;
use ferrodon_core::db::queries::favourites_bookmarks::{list_favourited_by, list_reblogged_by};
use ferrodon_core::db::queries::statuses::{
    list_ancestor_ids, list_descendant_ids, list_status_edits,
};
use ferrodon_core::db::StatusId;
use ferrodon_core::entities::status::{self, parse_visibility};
use ferrodon_core::filters::{ActiveFilters, FilterContext};
use ferrodon_core::quotes::QuotePolicy;
use ferrodon_core::services::bookmark::{bookmark, unbookmark};
use ferrodon_core::services::delete_status::delete_status;
use ferrodon_core::services::edit_status::{edit_status, MediaAttributes, StatusEditInput};
use ferrodon_core::services::favourite::{favourite, unfavourite};
use ferrodon_core::services::mute_thread::{mute_thread, unmute_thread};
use ferrodon_core::services::pin::{pin, unpin};
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::services::quote::set_quote_policy;
use ferrodon_core::services::reblog::{reblog, unreblog};
use ferrodon_core::services::schedule_status::{parse_scheduled_at, schedule_status};
use ferrodon_core::services::status_access::get_visible_status;
use ferrodon_core::views::{self, VisibleStatuses};
use ferrodon_core::{AppState, Error};
use serde_json::json;

use super::{accounts_page, path_id};
use crate::error::{ApiError, ApiResult};
use crate::extract::{page_from, Auth, MaybeAuth, Params, ReadAccounts, ReadStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/statuses", on::post().to(create))
        .route("/api/v1/statuses", on::get().to(index))
        .route("/api/v1/statuses/{id}", on::get().to(show))
        .route("/api/v1/statuses/{id}", on::delete().to(destroy))
        .route("/api/v1/statuses/{id}", on::put().to(update))
        .route("/api/v1/statuses/{id}/context", on::get().to(context))
        .route("/api/v1/statuses/{id}/history", on::get().to(history))
        .route("/api/v1/statuses/{id}/source", on::get().to(source))
        .route("/api/v1/statuses/{id}/reblog", on::post().to(reblog_status))
        .route(
            "/api/v1/statuses/{id}/unreblog",
            on::post().to(unreblog_status),
        )
        .route(
            "/api/v1/statuses/{id}/favourite",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Favourite)),
        )
        .route(
            "/api/v1/statuses/{id}/unfavourite",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Unfavourite)),
        )
        .route(
            "/api/v1/statuses/{id}/bookmark",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Bookmark)),
        )
        .route(
            "/api/v1/statuses/{id}/unbookmark",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Unbookmark)),
        )
        .route(
            "/api/v1/statuses/{id}/pin",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Pin)),
        )
        .route(
            "/api/v1/statuses/{id}/unpin",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Unpin)),
        )
        .route(
            "/api/v1/statuses/{id}/mute",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Mute)),
        )
        .route(
            "/api/v1/statuses/{id}/unmute",
            on::post().to(|s, a, p| toggle(s, a, p, Toggle::Unmute)),
        )
        .route(
            "/api/v1/statuses/{id}/favourited_by",
            on::get().to(favourited_by),
        )
        .route(
            "/api/v1/statuses/{id}/reblogged_by",
            on::get().to(reblogged_by),
        );
}

/// Renders one status for the viewer, or NotFound when the viewer may not
/// see it.
pub(super) async fn render_one(
    state: &AppState,
    id: i64,
    viewer: Option<i64>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let visible = VisibleStatuses::one(&mut conn, id, viewer).await?;
    let body = views::render_status(&mut conn, &state.config, &visible).await?;
    Ok(HttpResponse::Ok().json(body))
}

fn visibility_param(params: &Params) -> ApiResult<Option<ferrodon_core::db::models::Visibility>> {
    match params.nonempty("visibility") {
        None => Ok(None),
        Some(v) => parse_visibility(&v).map(Some).ok_or_else(|| {
            ApiError::Core(Error::validation("Visibility is not included in the list"))
        }),
    }
}

async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (user, account) = auth.0.require_user()?;
    let poll = poll_param(&params)?;
    let scheduled_at = params
        .nonempty("scheduled_at")
        .map(|raw| parse_scheduled_at(&raw))
        .transpose()?;
    let post = NewPost {
        text: params.str("status").unwrap_or_default(),
        spoiler_text: params.str("spoiler_text").unwrap_or_default(),
        visibility: visibility_param(&params)?,
        sensitive: params.bool("sensitive"),
        language: params.nonempty("language"),
        in_reply_to_id: params.id("in_reply_to_id")?,
        media_ids: params.id_list("media_ids")?,
        application_id: auth.0.application_id,
        poll,
        scheduled_status_id: None,
        quoted_status_id: params.id("quoted_status_id")?,
        quote_approval_policy: params
            .nonempty("quote_approval_policy")
            .map(|p| QuotePolicy::parse(&p))
            .transpose()?,
        allowed_mentions: match params.get("allowed_mentions") {
            Some(_) => Some(params.id_list("allowed_mentions")?),
            None => None,
        },
    };
    if let Some(at) = scheduled_at {
        let row = schedule_status(&state, user, account, post, at).await?;
        let mut conn = state.conn().await?;
        let media =
            ferrodon_core::db::queries::media::media_of_scheduled_statuses(&mut conn, &[row.id])
                .await?;
        let body = ferrodon_core::entities::scheduled_status::render(&state.config, &row, &media);
        return Ok(HttpResponse::Ok().json(body));
    }
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let created = match post_status(&state, user, account, post, key.as_deref()).await {
        Err(Error::UnexpectedMentions(accounts)) => {
            // Mastodon's answer names the accounts, rendered as accounts.
            let body = serde_json::json!({
                "error": "Post would be sent to unexpected accounts",
                "unexpected_accounts": accounts
                    .iter()
                    .map(|a| ferrodon_core::entities::account::render(&state.config, a))
                    .collect::<Vec<_>>(),
            });
            return Ok(HttpResponse::UnprocessableEntity().json(body));
        }
        other => other?,
    };
    render_one(&state, created.id, Some(account.id)).await
}

/// `poll[options][]`, `poll[expires_in]`, `poll[multiple]`, `poll[hide_totals]`.
fn poll_param(
    params: &Params,
) -> ApiResult<Option<ferrodon_core::services::post_status::PollInput>> {
    let Some(poll) = params.get("poll") else {
        return Ok(None);
    };
    let options: Vec<String> = match poll.get("options") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::Object(map)) => map
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let expires_in = match poll.get("expires_in") {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::validation("Poll expires_in must be a number of seconds"))?;
    let flag = |name: &str| {
        poll.get(name)
            .and_then(crate::extract::params_bool)
            .unwrap_or(false)
    };
    Ok(Some(ferrodon_core::services::post_status::PollInput {
        options,
        expires_in,
        multiple: flag("multiple"),
        hide_totals: flag("hide_totals"),
    }))
}

async fn index(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let ids = params.id_list("id")?;
    let viewer = auth.account_id();
    let mut conn = state.conn().await?;
    let visible = VisibleStatuses::check(&mut conn, &ids, viewer).await?;
    let body = views::render_statuses(&mut conn, &state.config, &visible).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn show(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let viewer = auth.account_id();
    render_one(&state, id, viewer).await
}

async fn destroy(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let visible = VisibleStatuses::one(&mut conn, id, Some(account.id)).await?;
    let mut rendered = views::render_status(&mut conn, &state.config, &visible).await?;
    drop(conn);
    let row = delete_status(&state, account, id).await?;
    if params.bool("delete_media") == Some(true) {
        let media_ids: Vec<i64> = rendered
            .media_attachments
            .iter()
            .filter_map(|m| m.id.parse().ok())
            .collect();
        ferrodon_core::media::cleanup::remove_detached(&state, account.id, &media_ids).await?;
    }
    rendered.text = Some(row.text);
    Ok(HttpResponse::Ok().json(rendered))
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    if params.get("poll").is_some() {
        return Err(Error::validation("Editing polls is not supported by this server yet").into());
    }
    let quote_policy = params
        .nonempty("quote_approval_policy")
        .map(|p| QuotePolicy::parse(&p))
        .transpose()?;
    edit_status(
        &state,
        account,
        id,
        StatusEditInput {
            text: params.str("status").unwrap_or_default(),
            spoiler_text: params.str("spoiler_text").unwrap_or_default(),
            sensitive: params.bool("sensitive"),
            language: params.nonempty("language"),
            media_ids: edited_media_ids(&params)?,
            media_attributes: edited_media_attributes(&params),
        },
    )
    .await?;
    if let Some(policy) = quote_policy {
        set_quote_policy(&state, account, id, policy).await?;
    }
    render_one(&state, id, Some(account.id)).await
}

/// `media_ids[]` of an edit: None when absent (attachments unchanged),
/// else the new list (empty strings, as forms send for "none", skipped).
fn edited_media_ids(params: &Params) -> ApiResult<Option<Vec<i64>>> {
    if params.get("media_ids").is_none() {
        return Ok(None);
    }
    let ids = params
        .list("media_ids")
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| Error::BadRequest("media_ids must be a list of ids".into()))
        })
        .collect::<Result<Vec<i64>, Error>>()?;
    Ok(Some(ids))
}

/// `media_attributes[][id]` with `[description]` and `[focus]`.
fn edited_media_attributes(params: &Params) -> Vec<MediaAttributes> {
    let items: Vec<&serde_json::Value> = match params.get("media_attributes") {
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        Some(serde_json::Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    items
        .iter()
        .filter_map(|item| {
            Some(MediaAttributes {
                id: text(&item["id"])?.trim().parse().ok()?,
                description: text(&item["description"]),
                focus: text(&item["focus"]),
            })
        })
        .collect()
}

async fn context(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let viewer = auth.account_id();
    let (ancestor_limit, descendant_limit) = if viewer.is_some() {
        (4096, 4096)
    } else {
        (40, 60)
    };
    let mut conn = state.conn().await?;
    get_visible_status(&mut conn, id, viewer).await?;
    let ancestors = list_ancestor_ids(&mut conn, StatusId::new(id), ancestor_limit).await?;
    let descendants = list_descendant_ids(&mut conn, StatusId::new(id), descendant_limit).await?;
    // A signed-in person opening a remote thread: its replies we lack are
    // fetched in the background, from its root (as Mastodon 4.4 does);
    // the answer is what we have now.
    if viewer.is_some() {
        let root = ancestors.first().copied().unwrap_or(id);
        if let Err(e) = ferrodon_core::inbox::threads::request_backfill(&state, root).await {
            tracing::warn!(status_id = root, error = %e, "could not queue fetching a thread's replies");
        }
    }
    let ancestors = VisibleStatuses::check(&mut conn, &ancestors, viewer).await?;
    let descendants = VisibleStatuses::check(&mut conn, &descendants, viewer).await?;
    let mut ancestors = views::render_statuses(&mut conn, &state.config, &ancestors).await?;
    let mut descendants = views::render_statuses(&mut conn, &state.config, &descendants).await?;
    if let Some(viewer) = viewer {
        let filters = ActiveFilters::load(&mut conn, viewer).await?;
        ancestors = filters.apply(FilterContext::Thread, ancestors);
        descendants = filters.apply(FilterContext::Thread, descendants);
    }
    Ok(HttpResponse::Ok().json(json!({"ancestors": ancestors, "descendants": descendants})))
}

async fn history(
    state: web::Data<AppState>,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let row = get_visible_status(&mut conn, id, auth.account_id()).await?;
    let author = accounts::get_account_by_id(&mut conn, row.account_id).await?;
    let edits = list_status_edits(&mut conn, id).await?;
    let body: Vec<status::StatusEdit> = if edits.is_empty() {
        vec![status::StatusEdit {
            content: row.content.clone(),
            spoiler_text: row.spoiler_text.clone(),
            sensitive: row.sensitive,
            created_at: ferrodon_core::entities::timestamp(&row.created_at),
            account: ferrodon_core::entities::account::render(&state.config, &author),
            poll: None,
            media_attachments: Vec::new(),
            emojis: Vec::new(),
        }]
    } else {
        edits
            .iter()
            .map(|e| status::render_edit(&state.config, e, &author))
            .collect()
    };
    Ok(HttpResponse::Ok().json(body))
}

async fn source(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    // Anyone who may see the status may read its source, as in Mastodon.
    let row = get_visible_status(&mut conn, id, Some(account.id)).await?;
    Ok(HttpResponse::Ok().json(status::render_source(&row)))
}

async fn reblog_status(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    let row = reblog(&state, account, id, visibility_param(&params)?).await?;
    render_one(&state, row.id, Some(account.id)).await
}

async fn unreblog_status(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteStatuses])?;
    let (_, account) = auth.0.require_user()?;
    let original = unreblog(&state, account, path_id(&path)?).await?;
    render_one(&state, original, Some(account.id)).await
}

/// The four idempotent toggles a client sends with no parameters.
#[derive(Clone, Copy)]
enum Toggle {
    Favourite,
    Unfavourite,
    Bookmark,
    Unbookmark,
    Pin,
    Unpin,
    Mute,
    Unmute,
}

async fn toggle(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    which: Toggle,
) -> ApiResult<HttpResponse> {
    let scope = match which {
        Toggle::Favourite | Toggle::Unfavourite => Scope::WriteFavourites,
        Toggle::Bookmark | Toggle::Unbookmark => Scope::WriteBookmarks,
        Toggle::Pin | Toggle::Unpin => Scope::WriteAccounts,
        Toggle::Mute | Toggle::Unmute => Scope::WriteMutes,
    };
    auth.0.require_scope(&[scope])?;
    let (_, account) = auth.0.require_user()?;
    let id = path_id(&path)?;
    match which {
        Toggle::Favourite => favourite(&state, account, id).await?,
        Toggle::Unfavourite => unfavourite(&state, account, id).await?,
        Toggle::Bookmark => bookmark(&state, account, id).await?,
        Toggle::Unbookmark => unbookmark(&state, account, id).await?,
        Toggle::Pin => pin(&state, account, id).await?,
        Toggle::Unpin => unpin(&state, account, id).await?,
        Toggle::Mute => mute_thread(&state, account, id).await?,
        Toggle::Unmute => unmute_thread(&state, account, id).await?,
    }
    render_one(&state, id, Some(account.id)).await
}

async fn favourited_by(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    get_visible_status(&mut conn, id, auth.account_id()).await?;
    let rows = list_favourited_by(&mut conn, id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

async fn reblogged_by(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    get_visible_status(&mut conn, id, auth.account_id()).await?;
    let rows = list_reblogged_by(&mut conn, id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}
