//! `/home` (with the compose form), `/public/local` and `/public`, and
//! one's `/bookmarks` and `/favourites`, paged as the API's timelines are.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::SignedIn;
use ferrodon_core::db::queries::favourites_bookmarks::{
    list_bookmarked_status_ids, list_favourited_status_ids,
};
use ferrodon_core::db::queries::timelines::{self, Locality};
use ferrodon_core::filters::FilterContext;
use ferrodon_core::services::instance_settings::require_public_timeline_access;
use ferrodon_core::{feeds, AppState, Error};

use super::compose::ComposeForm;
use super::{render_posts, PageQuery, Pager};
use crate::ui::public::posts::PostView;
use crate::ui::session::sign_in_path_returning_to;
use crate::ui::{html, Chrome, CurrentUser, SignedInUser, UiError, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/home", web::get().to(home))
        .route("/public/local", web::get().to(local))
        .route("/public", web::get().to(federated))
        .route(
            "/bookmarks",
            web::get().to(|r, s, u, q| saved(r, s, u, q, Tab::Bookmarks)),
        )
        .route(
            "/favourites",
            web::get().to(|r, s, u, q| saved(r, s, u, q, Tab::Favourites)),
        );
}

/// Which timeline a page shows (for the tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Home.
    Home,
    /// This server's public posts.
    Local,
    /// Every public post known here.
    Federated,
    /// One's bookmarks.
    Bookmarks,
    /// One's favourites.
    Favourites,
    /// A hashtag or profile (no tab selected).
    Other,
}

/// A page listing posts.
#[derive(Template)]
#[template(path = "client/timeline.html")]
pub struct TimelinePage<'a> {
    /// The layout.
    pub chrome: &'a Chrome,
    /// The page's heading.
    pub heading: String,
    /// The tab to mark as current.
    pub tab: Tab,
    /// The compose form, on the home page.
    pub compose: Option<ComposeForm>,
    /// The posts.
    pub posts: Vec<PostView>,
    /// Newer / older links.
    pub pager: Pager,
    /// What to say when there are no posts.
    pub empty: &'static str,
}

/// What a list page shows besides the layout.
pub struct Listing {
    /// The page's heading.
    pub heading: &'static str,
    /// The tab to mark as current.
    pub tab: Tab,
    /// The compose form, on the home page.
    pub compose: Option<ComposeForm>,
    /// The posts.
    pub posts: Vec<PostView>,
    /// Newer / older links.
    pub pager: Pager,
    /// What to say when there are no posts.
    pub empty: &'static str,
}

/// Sends `listing` as a page seen by `signed_in` (or nobody).
pub async fn show_listing(
    req: &HttpRequest,
    state: &AppState,
    signed_in: Option<&SignedIn>,
    listing: Listing,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(req, state, signed_in).await?;
    html(
        &chrome,
        &TimelinePage {
            chrome: &chrome,
            heading: listing.heading.into(),
            tab: listing.tab,
            compose: listing.compose,
            posts: listing.posts,
            pager: listing.pager,
            empty: listing.empty,
        },
    )
}

async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<PageQuery>,
) -> UiResult<HttpResponse> {
    let me = &user.0.account;
    let page = query.page()?;
    let ids = feeds::home_timeline(&state, me.id, &page).await?;
    let mut conn = state.conn().await?;
    let posts = render_posts(
        &state,
        &mut conn,
        &ids,
        Some(me.id),
        Some(FilterContext::Home),
    )
    .await?;
    drop(conn);
    let listing = Listing {
        heading: "Home",
        tab: Tab::Home,
        compose: Some(ComposeForm::new_post(
            &user.0,
            state.config.max_status_chars,
        )),
        pager: Pager::new("/home", &page, &ids),
        posts,
        empty: "Nothing here yet. Follow people to see their posts, or write one.",
    };
    show_listing(&req, &state, Some(&user.0), listing).await
}

async fn public_timeline(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentUser,
    query: &PageQuery,
    tab: Tab,
) -> UiResult<HttpResponse> {
    let viewer = current.0.as_ref().map(|s| s.account.id);
    match require_public_timeline_access(state, viewer.is_some()).await {
        Ok(()) => {}
        // Closed to visitors: sign in, then come back.
        Err(Error::Validation(_)) if viewer.is_none() => {
            return Err(UiError::Redirect(sign_in_path_returning_to(req)))
        }
        Err(e) => return Err(e.into()),
    }
    let page = query.page()?;
    let (locality, base, heading) = match tab {
        Tab::Local => (Locality::Local, "/public/local", "Local timeline"),
        _ => (Locality::All, "/public", "Federated timeline"),
    };
    // Ids and statuses from one connection: the replica's when there is one.
    let mut conn = state.read_conn().await?;
    let ids = timelines::list_public_timeline(&mut conn, locality, false, viewer, &page).await?;
    let posts = render_posts(state, &mut conn, &ids, viewer, Some(FilterContext::Public)).await?;
    drop(conn);
    let listing = Listing {
        heading,
        tab,
        compose: None,
        pager: Pager::new(base, &page, &ids),
        posts,
        empty: "No public posts yet.",
    };
    show_listing(req, state, current.0.as_ref(), listing).await
}

async fn local(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<PageQuery>,
) -> UiResult<HttpResponse> {
    public_timeline(&req, &state, &current, &query, Tab::Local).await
}

async fn federated(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    query: web::Query<PageQuery>,
) -> UiResult<HttpResponse> {
    public_timeline(&req, &state, &current, &query, Tab::Federated).await
}

/// `/bookmarks` and `/favourites`: paged by when each was saved, as
/// `GET /api/v1/bookmarks` and `/api/v1/favourites` (no filters applied).
async fn saved(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<PageQuery>,
    tab: Tab,
) -> UiResult<HttpResponse> {
    let me = user.0.account.id;
    let page = query.page()?;
    let mut conn = state.conn().await?;
    let (rows, base, heading, empty) = if tab == Tab::Bookmarks {
        (
            list_bookmarked_status_ids(&mut conn, me, &page).await?,
            "/bookmarks",
            "Bookmarks",
            "No bookmarks yet.",
        )
    } else {
        (
            list_favourited_status_ids(&mut conn, me, &page).await?,
            "/favourites",
            "Favourites",
            "No favourites yet.",
        )
    };
    let keys: Vec<i64> = rows.iter().map(|(key, _)| *key).collect();
    let ids: Vec<i64> = rows.iter().map(|(_, id)| *id).collect();
    let posts = render_posts(&state, &mut conn, &ids, Some(me), None).await?;
    drop(conn);
    let listing = Listing {
        heading,
        tab,
        compose: None,
        pager: Pager::new(base, &page, &keys),
        posts,
        empty,
    };
    show_listing(&req, &state, Some(&user.0), listing).await
}
