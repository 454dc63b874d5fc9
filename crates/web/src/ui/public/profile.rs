//! `/@user` (the profile, or the actor for ActivityPub clients),
//! `/@user/:id` (one post) and `/tags/:name`.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::db::models::{Account as AccountRow, Visibility};
use ferrodon_core::db::queries::follows::load_relationships;
use ferrodon_core::db::queries::timelines::{
    list_account_statuses, list_tag_timeline, AccountStatusesFilter, Locality, TagVariants,
};
use ferrodon_core::db::queries::{accounts, statuses};
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::account::{self, stored_fields};
use ferrodon_core::entities::relationship::{self, Relationship};
use ferrodon_core::services::instance_settings::timeline_preview;
use ferrodon_core::{views, AppState, Error};

use super::posts::{name_of, plain_text, truncate, OpenGraph, PostView};
use crate::error::ApiResult;
use crate::routes::activitypub;
use crate::ui::client::{render_posts, PageQuery, Pager};
use crate::ui::{html, Chrome, CurrentUser, UiError, UiResult};
use ferrodon_core::filters::FilterContext;

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/@{username}", web::get().to(profile))
        .route("/@{username}/{id}", web::get().to(status_page))
        .route("/tags/{tag}", web::get().to(tag_page));
}

/// The local account `username` (suspended ones included), if any.
pub async fn find_local(state: &AppState, username: &str) -> Result<Option<AccountRow>, Error> {
    let mut conn = state.conn().await?;
    match accounts::get_account_by_acct(&mut conn, username, None).await {
        Ok(a) => Ok(Some(a)),
        Err(ferrodon_core::db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The local, unsuspended account a page shows: 404 when unknown, 410
/// when suspended (as Mastodon answers).
pub async fn shown_account(state: &AppState, username: &str) -> UiResult<AccountRow> {
    match find_local(state, username).await? {
        None => Err(Error::NotFound.into()),
        Some(a) if a.suspended_at.is_some() => Err(UiError::Status(
            StatusCode::GONE,
            "This account has been suspended.".into(),
        )),
        Some(a) => Ok(a),
    }
}

/// A profile field; `link` is its value when that is a web address.
struct FieldView {
    name: String,
    value_html: String,
    link: Option<String>,
}

fn link_of(value: &str) -> Option<String> {
    let value = value.trim();
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && !value.contains(char::is_whitespace)
        && url::Url::parse(value).is_ok();
    ok.then(|| value.to_owned())
}

#[derive(Template)]
#[template(path = "public/profile.html")]
struct ProfilePage<'a> {
    chrome: &'a Chrome,
    name: String,
    handle: String,
    avatar: String,
    header: String,
    note_html: String,
    fields: Vec<FieldView>,
    statuses_count: i32,
    following_count: i32,
    followers_count: i32,
    actor_uri: String,
    rss_url: String,
    posts: Vec<PostView>,
    pager: Pager,
    account_id: i64,
    relationship: Option<Relationship>,
    og: OpenGraph,
}

async fn profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, actix_web::Error> {
    if activitypub::wants_activity_json(&req) {
        return Ok(actor(&state, &req, &path).await?);
    }
    Ok(profile_page(&req, &state, &current, &path, &query).await?)
}

/// The actor document, for servers that look an account up by its profile URL.
async fn actor(state: &AppState, req: &HttpRequest, username: &str) -> ApiResult<HttpResponse> {
    let row = match find_local(state, username).await? {
        Some(row) if row.suspended_at.is_none() => row,
        _ => return Err(Error::NotFound.into()),
    };
    let mut conn = state.conn().await?;
    let person =
        ferrodon_core::federation::publish::person_of(&mut conn, &state.config, &row).await?;
    drop(conn);
    if state.config.authorized_fetch && req.headers().get("Signature").is_none() {
        return Ok(activitypub::activity_json(
            &ferrodon_core::federation::documents::minimal_actor(&person),
        ));
    }
    activitypub::fetch_signer(state, req).await?;
    Ok(activitypub::activity_json(&person))
}

async fn profile_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    username: &str,
    query: &PageQuery,
) -> UiResult<HttpResponse> {
    let row = shown_account(state, username).await?;
    let chrome = Chrome::new(req, state, current).await?;
    let entity = account::render(&state.config, &row);
    let viewer = current.0.as_ref().map(|s| s.account.id);
    let page = query.page()?;
    let mut conn = state.conn().await?;
    let ids = list_account_statuses(
        &mut conn,
        AccountId::new(row.id),
        viewer.map(AccountId::new),
        &AccountStatusesFilter::default(),
        &page,
    )
    .await?;
    let mut posts =
        render_posts(state, &mut conn, &ids, viewer, Some(FilterContext::Account)).await?;
    let relationship = match viewer {
        Some(me) if me != row.id => load_relationships(&mut conn, me, &[row.id])
            .await?
            .first()
            .map(|(id, facts)| relationship::render(*id, facts)),
        _ => None,
    };
    drop(conn);
    if viewer.is_none() {
        // Signed out: only what the profile shows the world.
        posts.retain(|p| p.visibility == "public");
    }
    let pager = Pager::new(&format!("/@{}", row.username), &page, &ids);
    let fields = stored_fields(&row)
        .into_iter()
        .zip(entity.fields.iter())
        .map(|(raw, shown)| FieldView {
            name: raw.name.clone(),
            value_html: shown.value.clone(),
            link: link_of(&raw.value),
        })
        .collect();
    let name = name_of(&entity.display_name, &entity.username);
    let handle = format!("@{}@{}", entity.username, state.config.local_domain);
    let note_text = plain_text(&entity.note);
    let og = OpenGraph {
        title: format!("{name} ({handle})"),
        description: if note_text.is_empty() {
            format!(
                "{} posts, {} following, {} followers",
                entity.statuses_count, entity.following_count, entity.followers_count
            )
        } else {
            truncate(&note_text, 300)
        },
        image: entity.avatar.clone(),
        url: entity.url.clone(),
        kind: "profile",
        card: "summary",
    };
    html(
        &chrome,
        &ProfilePage {
            chrome: &chrome,
            name,
            handle,
            avatar: entity.avatar.clone(),
            header: entity.header.clone(),
            note_html: entity.note.clone(),
            fields,
            statuses_count: entity.statuses_count,
            following_count: entity.following_count,
            followers_count: entity.followers_count,
            actor_uri: entity.uri.clone(),
            rss_url: format!("{}.rss", entity.url),
            posts,
            pager,
            account_id: row.id,
            relationship,
            og,
        },
    )
}

#[derive(Template)]
#[template(path = "public/status.html")]
struct StatusPage<'a> {
    chrome: &'a Chrome,
    author_name: String,
    post: PostView,
    activity_uri: String,
    og: OpenGraph,
}

async fn status_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, actix_web::Error> {
    let (username, raw_id) = path.into_inner();
    if activitypub::wants_activity_json(&req) {
        return Ok(status_activity(&state, &req, &username, &raw_id).await?);
    }
    Ok(status_html(&req, &state, &current, &username, &raw_id).await?)
}

async fn status_activity(
    state: &AppState,
    req: &HttpRequest,
    username: &str,
    raw_id: &str,
) -> ApiResult<HttpResponse> {
    activitypub::fetch_signer(state, req).await?;
    let id: i64 = raw_id.parse().map_err(|_| Error::NotFound)?;
    match ferrodon_core::federation::publish::status(state, username, id, false).await? {
        Some(note) => Ok(activitypub::activity_json(&note)),
        None => Err(Error::NotFound.into()),
    }
}

async fn status_html(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    username: &str,
    raw_id: &str,
) -> UiResult<HttpResponse> {
    let author = shown_account(state, username).await?;
    let id: i64 = raw_id.parse().map_err(|_| Error::NotFound)?;
    let mut conn = state.conn().await?;
    let row = statuses::get_status_by_id(&mut conn, id).await?;
    if row.account_id != author.id
        || row.visibility() > Visibility::Unlisted
        || row.reblog_of_id.is_some()
    {
        return Err(Error::NotFound.into());
    }
    let visible = views::VisibleStatuses::one(&mut conn, id, None).await?;
    let rendered = views::render_status(&mut conn, &state.config, &visible).await?;
    drop(conn);
    let chrome = Chrome::new(req, state, current).await?;
    let post = PostView::new(&rendered);
    let first_image = post.media.iter().find(|m| m.is_image());
    let text = if post.spoiler_text.is_empty() {
        plain_text(&post.content_html)
    } else {
        format!("Content warning: {}", post.spoiler_text)
    };
    let og = OpenGraph {
        title: format!(
            "{} (@{}@{})",
            post.author_name, author.username, state.config.local_domain
        ),
        description: truncate(&text, 300),
        image: first_image.map_or_else(|| post.avatar.clone(), |m| m.url.clone()),
        url: post.url.clone(),
        kind: "article",
        card: if first_image.is_some() && post.spoiler_text.is_empty() {
            "summary_large_image"
        } else {
            "summary"
        },
    };
    html(
        &chrome,
        &StatusPage {
            chrome: &chrome,
            author_name: post.author_name.clone(),
            activity_uri: rendered.uri.clone(),
            post,
            og,
        },
    )
}

#[derive(Template)]
#[template(path = "public/tag.html")]
struct TagPage<'a> {
    chrome: &'a Chrome,
    tag: String,
    posts: Option<Vec<PostView>>,
    pager: Pager,
}

async fn tag_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::new(&req, &state, &current).await?;
    let tag = path.into_inner();
    let viewer = current.0.as_ref().map(|s| s.account.id);
    let mut pager = Pager::default();
    let posts = if timeline_preview(&state).await? || viewer.is_some() {
        let page = query.page()?;
        let mut conn = state.read_conn().await?;
        let ids = list_tag_timeline(
            &mut conn,
            &tag,
            &TagVariants::default(),
            Locality::All,
            false,
            viewer,
            &page,
        )
        .await?;
        let posts =
            render_posts(&state, &mut conn, &ids, viewer, Some(FilterContext::Public)).await?;
        let base: String = url::form_urlencoded::byte_serialize(tag.as_bytes()).collect();
        pager = Pager::new(&format!("/tags/{base}"), &page, &ids);
        Some(posts)
    } else {
        None
    };
    html(
        &chrome,
        &TagPage {
            chrome: &chrome,
            tag,
            posts,
            pager,
        },
    )
}
