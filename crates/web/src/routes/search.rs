//! `GET /api/v2/search`: accounts, known hashtags and PostgreSQL full-text
//! search of statuses (remote resolution arrives with federation).
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::Scope;
use ferrodon_core::db::queries::{accounts, tags_mentions, timelines};
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::account;
use ferrodon_core::entities::tag::render_tags;
use ferrodon_core::services::hashtags;
use ferrodon_core::{views, AppState};
use serde_json::json;

use crate::error::ApiResult;
use crate::extract::{Auth, Params};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v2/search", on::get().to(search));
}

async fn search(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadSearch])?;
    let q = params.str("q").unwrap_or_default();
    let q = q.trim();
    let kind = params.str("type");
    let limit = params.i64("limit")?.unwrap_or(20).clamp(1, 40);
    let offset = params.i64("offset")?.unwrap_or(0).max(0);
    let viewer = auth.0.user.as_ref().map(|(_, me)| me.id);
    // A pasted URL with resolve=true: fetch what it names (signed-in only).
    let is_url = q.starts_with("https://") || q.starts_with("http://");
    if is_url && params.bool("resolve") == Some(true) && viewer.is_some() {
        let (accounts_found, statuses_found) = resolve_url_for(&state, q, viewer).await?;
        return Ok(HttpResponse::Ok().json(
            json!({"accounts": accounts_found, "statuses": statuses_found, "hashtags": []}),
        ));
    }
    let mut conn = state.read_conn().await?;
    let mut found_accounts = Vec::new();
    let mut found_tags = Vec::new();
    let wanted = Searched::for_query(q);
    if kind.as_deref().is_none_or(|k| k == "accounts") && wanted.accounts {
        let term = q.trim_start_matches('@');
        let (term, domain) = match term.split_once('@') {
            Some((u, d)) if d.eq_ignore_ascii_case(&state.config.local_domain) => (u, None),
            Some((u, d)) => (u, Some(d)),
            None => (term, None),
        };
        // resolve=true with a full handle: ask the remote server (signed-in only).
        let resolve = params.bool("resolve") == Some(true) && auth.0.user.is_some() && offset == 0;
        if let (true, Some(domain)) = (resolve, domain) {
            if !term.is_empty() && !term.contains(char::is_whitespace) {
                match ferrodon_core::federation::actors::resolve_acct(&state, term, domain).await {
                    Ok(account) => found_accounts.push(account::render(&state.config, &account)),
                    Err(e) => tracing::info!(handle = %q, error = %e, "could not resolve"),
                }
            }
        }
        if !term.is_empty() && found_accounts.is_empty() {
            found_accounts = accounts::search_accounts(
                &mut conn,
                term,
                domain,
                if params.bool("following") == Some(true) {
                    auth.0.account_id().map(AccountId::new)
                } else {
                    None
                },
                limit,
                offset,
            )
            .await?
            .iter()
            .map(|a| account::render(&state.config, a))
            .collect();
        }
    }
    if kind.as_deref().is_none_or(|k| k == "hashtags") && wanted.hashtags {
        let name = q.trim().trim_start_matches('#');
        if hashtags::valid_name(name).is_some() {
            let found = tags_mentions::search_tags(&mut conn, name, limit, offset).await?;
            found_tags = render_tags(&mut conn, &state.config, &found, auth.0.account_id()).await?;
        }
    }
    let mut found_statuses = Vec::new();
    if kind.as_deref().is_none_or(|k| k == "statuses") && !q.is_empty() && wanted.statuses {
        if let Some((_, me)) = &auth.0.user {
            let ids =
                timelines::search_statuses(&mut conn, q, AccountId::new(me.id), limit, offset)
                    .await?;
            let visible = views::VisibleStatuses::check(&mut conn, &ids, Some(me.id)).await?;
            found_statuses = views::render_statuses(&mut conn, &state.config, &visible).await?;
        }
    }
    Ok(HttpResponse::Ok().json(
        json!({"accounts": found_accounts, "statuses": found_statuses, "hashtags": found_tags}),
    ))
}

/// Which kinds a query is searched for, as Mastodon's SearchService
/// decides: a single `#word` or handle is not full-text searched in
/// statuses, a `#…` query finds no accounts, and one with an `@` finds no
/// hashtags.
struct Searched {
    accounts: bool,
    statuses: bool,
    hashtags: bool,
}

impl Searched {
    fn for_query(q: &str) -> Self {
        let one_word = !q.contains(' ');
        let tag_or_handle = q.starts_with('#') || q.contains('@');
        Searched {
            accounts: !(q.starts_with('#') || (q.contains('@') && !one_word)),
            statuses: !(tag_or_handle && one_word),
            hashtags: !q.contains('@'),
        }
    }
}

/// The account or (visible) status a URL names, fetched if remote.
async fn resolve_url_for(
    state: &AppState,
    url: &str,
    viewer: Option<i64>,
) -> ApiResult<(
    Vec<serde_json::Value>,
    Vec<ferrodon_core::entities::status::Status>,
)> {
    use ferrodon_core::inbox::resolve::{resolve_url, Resolved};
    match resolve_url(state, url).await {
        Ok(Some(Resolved::Account(a))) => Ok((
            vec![serde_json::to_value(account::render(&state.config, &a)).unwrap_or_default()],
            Vec::new(),
        )),
        Ok(Some(Resolved::Status(s))) => {
            let mut conn = state.conn().await?;
            let visible = views::VisibleStatuses::check(&mut conn, &[s.id], viewer).await?;
            let rendered = views::render_statuses(&mut conn, &state.config, &visible).await?;
            Ok((Vec::new(), rendered))
        }
        Ok(None) => Ok((Vec::new(), Vec::new())),
        // Unreachable, refused, not ActivityPub: nothing found, as Mastodon answers.
        Err(e) => {
            tracing::info!(%url, error = %e, "could not resolve");
            Ok((Vec::new(), Vec::new()))
        }
    }
}
