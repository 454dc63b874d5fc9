//! Minimal server-rendered pages, so the `url` of every account, status and
//! hashtag the API returns opens in a browser: the landing page, profiles,
//! single statuses and hashtag pages. Only public (and, for a status page,
//! unlisted) statuses are shown; no script is served.
//!
//! Status content is HTML this server rendered from plain text (escaped at
//! render time); remote content must be sanitised before it is stored,
//! which the federation work does.
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::db::models::{Account as AccountRow, Visibility};
use ferrodon_core::db::queries::timelines::{
    list_account_statuses, list_tag_timeline, AccountStatusesFilter, Locality,
};
use ferrodon_core::db::queries::{accounts, statuses};
use ferrodon_core::db::Page;
use ferrodon_core::entities::account;
use ferrodon_core::entities::status::Status;
use ferrodon_core::services::instance_settings::{
    registrations_mode, timeline_preview, RegistrationsMode,
};
use ferrodon_core::text::escape_html;
use ferrodon_core::{views, AppState, Error};

use crate::error::ApiResult;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(landing))
        .route("/", web::head().to(landing))
        .route("/@{username}", web::get().to(profile))
        .route("/@{username}/{id}", web::get().to(status_page))
        .route("/tags/{tag}", web::get().to(tag_page));
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}\
article{border-bottom:1px solid #ddd;padding:1rem 0}header small,footer small{color:#666}a{color:#2b59c3}\
.invisible{display:none}.ellipsis::after{content:'…'}";

fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", "default-src 'none'; img-src * data:; style-src 'unsafe-inline'"))
        .insert_header(("X-Frame-Options", "DENY"))
        .body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
            escape_html(title)
        ))
}

fn not_found() -> HttpResponse {
    let mut resp = page(
        "Not found",
        "<h1>Not found</h1><p>This page does not exist or is not public.</p>",
    );
    *resp.status_mut() = actix_web::http::StatusCode::NOT_FOUND;
    resp
}

fn article(s: &Status) -> String {
    let (shown, boost) = match &s.reblog {
        Some(original) => (
            original.as_ref(),
            format!(
                "<small>{} boosted</small><br>",
                escape_html(&s.account.acct)
            ),
        ),
        None => (s, String::new()),
    };
    let warning = if shown.spoiler_text.is_empty() {
        String::new()
    } else {
        format!(
            "<p><strong>Content warning:</strong> {}</p>",
            escape_html(&shown.spoiler_text)
        )
    };
    format!(
        "<article>{boost}<header><a href=\"{}\"><strong>{}</strong></a> <small>@{}</small></header>{warning}{}<footer><small><a href=\"{}\">{}</a></small></footer></article>",
        escape_html(&shown.account.url),
        escape_html(if shown.account.display_name.is_empty() { &shown.account.username } else { &shown.account.display_name }),
        escape_html(&shown.account.acct),
        shown.content,
        escape_html(shown.url.as_deref().unwrap_or(&shown.uri)),
        escape_html(&shown.created_at),
    )
}

async fn landing(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let open = registrations_mode(&state).await? != RegistrationsMode::Closed;
    let domain = escape_html(&state.config.local_domain);
    Ok(page(
        &state.config.local_domain,
        &format!(
            "<h1>{domain}</h1><p>A Mastodon-compatible server. Sign in with any Mastodon app by entering <code>{domain}</code> as your server.</p><p>{}</p>",
            if open { "New accounts can be created from a Mastodon app." } else { "Registrations are closed." }
        ),
    ))
}

async fn local_account(state: &AppState, username: &str) -> ApiResult<Option<AccountRow>> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_acct(&mut conn, username, None).await {
        Ok(a) if a.suspended_at.is_none() => Ok(Some(a)),
        Ok(_) | Err(ferrodon_core::db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn profile(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let Some(row) = local_account(&state, &path).await? else {
        return Ok(not_found());
    };
    // Servers that look an account up by its profile URL get the actor.
    if super::activitypub::wants_activity_json(&req) {
        let mut conn = state.conn().await?;
        let person =
            ferrodon_core::federation::publish::person_of(&mut conn, &state.config, &row).await?;
        drop(conn);
        if state.config.authorized_fetch && req.headers().get("Signature").is_none() {
            return Ok(super::activitypub::activity_json(
                &ferrodon_core::federation::documents::minimal_actor(&person),
            ));
        }
        super::activitypub::fetch_signer(&state, &req).await?;
        return Ok(super::activitypub::activity_json(&person));
    }
    let entity = account::render(&state.config, &row);
    let mut conn = state.conn().await?;
    let page_req = Page::new(None, None, None, Some(20), 20, 20);
    let ids = list_account_statuses(
        &mut conn,
        row.id,
        None,
        &AccountStatusesFilter::default(),
        &page_req,
    )
    .await?;
    let rendered = views::render_statuses(&mut conn, &state.config, &ids, None).await?;
    let public: String = rendered
        .iter()
        .filter(|s| s.visibility == "public")
        .map(article)
        .collect();
    let name = if entity.display_name.is_empty() {
        entity.username.clone()
    } else {
        entity.display_name.clone()
    };
    Ok(page(
        &format!("{name} (@{}@{})", entity.username, state.config.local_domain),
        &format!(
            "<h1>{}</h1><p><small>@{}@{}</small></p>{}<p>{} posts · {} following · {} followers</p>{public}",
            escape_html(&name),
            escape_html(&entity.username),
            escape_html(&state.config.local_domain),
            entity.note,
            entity.statuses_count,
            entity.following_count,
            entity.followers_count,
        ),
    ))
}

async fn status_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (username, raw_id) = path.into_inner();
    if super::activitypub::wants_activity_json(&req) {
        super::activitypub::fetch_signer(&state, &req).await?;
        let id: i64 = raw_id.parse().map_err(|_| Error::NotFound)?;
        return match ferrodon_core::federation::publish::status(&state, &username, id, false)
            .await?
        {
            Some(note) => Ok(super::activitypub::activity_json(&note)),
            None => Err(Error::NotFound.into()),
        };
    }
    let Some(author) = local_account(&state, &username).await? else {
        return Ok(not_found());
    };
    let Ok(id) = raw_id.parse::<i64>() else {
        return Ok(not_found());
    };
    let mut conn = state.conn().await?;
    let row = match statuses::get_status_by_id(&mut conn, id).await {
        Ok(s) => s,
        Err(ferrodon_core::db::Error::NotFound) => return Ok(not_found()),
        Err(e) => return Err(e.into()),
    };
    if row.account_id != author.id
        || row.visibility() > Visibility::Unlisted
        || row.reblog_of_id.is_some()
    {
        return Ok(not_found());
    }
    let rendered = views::render_status(&mut conn, &state.config, id, None).await?;
    Ok(page(
        &format!("{}: post", author.username),
        &article(&rendered),
    ))
}

async fn tag_page(state: web::Data<AppState>, path: web::Path<String>) -> ApiResult<HttpResponse> {
    if !timeline_preview(&state).await? {
        return Ok(page(
            "Sign in required",
            "<h1>Sign in to see this hashtag.</h1>",
        ));
    }
    let tag = path.into_inner();
    let mut conn = state.conn().await?;
    let page_req = Page::new(None, None, None, Some(20), 20, 20);
    let ids = list_tag_timeline(&mut conn, &tag, Locality::All, false, None, &page_req).await?;
    let rendered = views::render_statuses(&mut conn, &state.config, &ids, None).await?;
    let body: String = rendered.iter().map(article).collect();
    Ok(page(
        &format!("#{tag}"),
        &format!(
            "<h1>#{}</h1>{}",
            escape_html(&tag),
            if body.is_empty() {
                "<p>No public posts yet.</p>".into()
            } else {
                body
            }
        ),
    ))
}
