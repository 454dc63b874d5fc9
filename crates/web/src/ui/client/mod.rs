//! Ferrodon's own web client for signed-in people: timelines (`/home`,
//! `/public/local`, `/public`), a post's thread (`/statuses/:id`),
//! notifications (`/notifications`), the
//! compose form and the actions on a post, all server-rendered and working
//! without JavaScript. Every action is a plain form carrying the session's
//! CSRF token and the page to come back to.
//!
//! Handlers call the same core services and views as the API
//! (`feeds::home_timeline`, `views::VisibleStatuses` and
//! `views::render_statuses_in`, `services::favourite` …); the templates
//! share one post partial (`public/_post.html`) and one compose partial.
pub mod actions;
pub mod compose;
pub mod notifications;
pub mod thread;
pub mod timelines;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use ferrodon_core::db::{Conn, Page};
use ferrodon_core::filters::FilterContext;
use ferrodon_core::{views, AppState};
use serde::Deserialize;

use super::csrf;
use super::public::posts::PostView;
use super::return_to::same_origin_path;
use super::{UiError, UiResult};
use crate::extract::Params;
use ferrodon_core::auth::web_sessions::{require_csrf, SignedIn};

/// Posts on one page of a timeline.
pub const PER_PAGE: i64 = 20;

/// Where signed-in people land.
pub const HOME: &str = "/home";

/// Registers the client's routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    timelines::configure(cfg);
    thread::configure(cfg);
    compose::configure(cfg);
    actions::configure(cfg);
    notifications::configure(cfg);
}

/// `max_id` / `min_id` / `since_id` of a page's query, as the API reads them.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    max_id: Option<String>,
    min_id: Option<String>,
    since_id: Option<String>,
}

fn cursor(raw: Option<&str>) -> UiResult<Option<i64>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            UiError::Status(StatusCode::BAD_REQUEST, "That page does not exist.".into())
        }),
    }
}

impl PageQuery {
    /// The page asked for, [`PER_PAGE`] posts long.
    pub fn page(&self) -> UiResult<Page> {
        Ok(Page::new(
            cursor(self.max_id.as_deref())?,
            cursor(self.since_id.as_deref())?,
            cursor(self.min_id.as_deref())?,
            None,
            PER_PAGE,
            PER_PAGE,
        ))
    }
}

/// "Newer" and "older" links of a page, with the API's paging rules:
/// older posts are below the oldest id shown (`max_id`), newer ones just
/// above the newest (`min_id`).
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// The page of newer posts, when this is not the first page.
    pub newer: Option<String>,
    /// The page of older posts, when this one showed any.
    pub older: Option<String>,
}

impl Pager {
    /// The links for `ids` (newest first), the page of `base` asked with `page`.
    pub fn new(base: &str, page: &Page, ids: &[i64]) -> Pager {
        let sep = if base.contains('?') { '&' } else { '?' };
        let cursors = Page::cursors(ids);
        let first_page = page.max_id.is_none() && page.lower_bound().is_none();
        Pager {
            older: cursors.map(|c| format!("{base}{sep}max_id={}", c.oldest)),
            newer: match cursors {
                _ if first_page => None,
                Some(c) => Some(format!("{base}{sep}min_id={}", c.newest)),
                // Past the end of what is there: back to the newest posts.
                None if page.min_id.is_none() => Some(base.to_owned()),
                None => None,
            },
        }
    }
}

/// Renders a page of status ids (newest first) for `viewer` over `conn`,
/// with the viewer's filters applied as in `context` (None: no filters,
/// as the API's bookmarks and favourites).
pub async fn render_posts(
    state: &AppState,
    conn: &mut Conn,
    ids: &[i64],
    viewer: Option<i64>,
    context: Option<FilterContext>,
) -> UiResult<Vec<PostView>> {
    let visible = views::VisibleStatuses::check(conn, ids, viewer).await?;
    let rendered = match context {
        Some(context) => views::render_statuses_in(conn, &state.config, &visible, context).await?,
        None => views::render_statuses(conn, &state.config, &visible).await?,
    };
    Ok(rendered
        .iter()
        .map(|s| match viewer {
            Some(v) => PostView::for_viewer(s, v),
            None => PostView::new(s),
        })
        .collect())
}

/// Checks a form's `authenticity_token` against the session, and returns
/// where the browser goes once the form is handled ([`back_to`] its
/// `return_to`).
pub fn checked_form(req: &HttpRequest, signed_in: &SignedIn, form: &Params) -> UiResult<String> {
    require_csrf(
        &signed_in.session,
        &form.str(csrf::FIELD).unwrap_or_default(),
    )?;
    Ok(back_to(req, form.str("return_to").as_deref()))
}

/// Where an action sends the browser back to: the `return_to` it carried
/// when that is a path here, else the page it came from (`Referer`, same
/// origin only), else home.
pub fn back_to(req: &HttpRequest, return_to: Option<&str>) -> String {
    if let Some(path) = same_origin_path(return_to) {
        return path;
    }
    let from_referer = req
        .headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| {
            let host = req.connection_info().host().to_owned();
            u.host_str()
                .map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                })
                .is_some_and(|h| h == host)
        })
        .and_then(|u| same_origin_path(Some(&u[url::Position::BeforePath..])));
    from_referer.unwrap_or_else(|| HOME.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_follows_the_api_paging_rules() {
        let first = Page::new(None, None, None, None, 20, 20);
        let p = Pager::new("/home", &first, &[30, 20, 10]);
        assert_eq!(p.newer, None);
        assert_eq!(p.older.as_deref(), Some("/home?max_id=10"));
        let older = Page::new(Some(10), None, None, None, 20, 20);
        let p = Pager::new("/tags/x?local=1", &older, &[9, 5]);
        assert_eq!(p.newer.as_deref(), Some("/tags/x?local=1&min_id=9"));
        assert_eq!(p.older.as_deref(), Some("/tags/x?local=1&max_id=5"));
        let past_the_end = Pager::new("/home", &older, &[]);
        assert_eq!(past_the_end.newer.as_deref(), Some("/home"));
        assert_eq!(past_the_end.older, None);
        let newest = Page::new(None, None, Some(30), None, 20, 20);
        assert_eq!(Pager::new("/home", &newest, &[]).newer, None);
    }

    #[test]
    fn page_cursors_must_be_numbers() {
        let q = PageQuery {
            max_id: Some("12".into()),
            ..PageQuery::default()
        };
        assert_eq!(q.page().unwrap().max_id, Some(12));
        let bad = PageQuery {
            min_id: Some("x".into()),
            ..PageQuery::default()
        };
        assert!(bad.page().is_err());
    }
}
