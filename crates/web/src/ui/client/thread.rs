//! `/statuses/:id`: a post with what it replies to above it and the
//! replies below, indented by depth; `/web/statuses/:id`, Mastodon's old
//! client link, comes here too.
use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::services::status_access::{get_visible_status, parse_id};
use ferrodon_core::{views, AppState};

use crate::ui::public::posts::PostView;
use crate::ui::render::redirect;
use crate::ui::{html, Chrome, SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/statuses/{id}", web::get().to(show))
        .route("/web/statuses/{id}", web::get().to(old_link));
}

/// The thread page of status `id`.
pub fn path_of(id: i64) -> String {
    format!("/statuses/{id}")
}

/// Deepest indentation shown; deeper replies line up with it.
const MAX_DEPTH: usize = 6;

/// A reply and how deep in the thread it sits (1: a direct reply).
struct Reply {
    depth: usize,
    post: PostView,
}

#[derive(Template)]
#[template(path = "client/thread.html")]
struct ThreadPage<'a> {
    chrome: &'a Chrome,
    ancestors: Vec<PostView>,
    post: PostView,
    replies: Vec<Reply>,
}

/// Depths of replies given as (id, replied-to id), depth first as the
/// thread query lists them, below the status `focus`.
fn depths(focus: &str, replies: &[(&str, Option<&str>)]) -> Vec<usize> {
    let mut known: HashMap<&str, usize> = HashMap::new();
    known.insert(focus, 0);
    replies
        .iter()
        .map(|&(id, parent)| {
            let depth = parent
                .and_then(|p| known.get(p).copied())
                .map_or(1, |d| d + 1);
            known.insert(id, depth);
            depth.min(MAX_DEPTH)
        })
        .collect()
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let me = user.0.account.id;
    let id = parse_id(&path)?;
    let mut conn = state.conn().await?;
    get_visible_status(&mut conn, id, Some(me)).await?;
    let visible = views::VisibleStatuses::one(&mut conn, id, Some(me)).await?;
    let focus = views::render_status(&mut conn, &state.config, &visible).await?;
    let thread = views::render_thread(&mut conn, &state.config, id, Some(me)).await?;
    drop(conn);
    if let Err(e) = ferrodon_core::inbox::threads::request_backfill(&state, thread.root).await {
        tracing::warn!(status_id = thread.root, error = %e, "could not queue fetching a thread's replies");
    }
    let links: Vec<(&str, Option<&str>)> = thread
        .descendants
        .iter()
        .map(|s| (s.id.as_str(), s.in_reply_to_id.as_deref()))
        .collect();
    let replies = depths(&focus.id, &links)
        .into_iter()
        .zip(thread.descendants.iter())
        .map(|(depth, s)| Reply {
            depth,
            post: PostView::for_viewer(s, me),
        })
        .collect();
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &ThreadPage {
            chrome: &chrome,
            ancestors: thread
                .ancestors
                .iter()
                .map(|s| PostView::for_viewer(s, me))
                .collect(),
            post: PostView::for_viewer(&focus, me),
            replies,
        },
    )
}

async fn old_link(path: web::Path<String>) -> UiResult<HttpResponse> {
    Ok(redirect(&path_of(parse_id(&path)?)))
}

#[cfg(test)]
mod tests {
    use super::depths;

    #[test]
    fn replies_nest_under_what_they_answer() {
        let replies = [
            ("2", Some("1")),
            ("3", Some("2")),
            ("4", Some("1")),
            ("5", Some("99")),
            ("6", Some("3")),
        ];
        assert_eq!(depths("1", &replies), [1, 2, 1, 1, 3]);
        let chain: Vec<(String, Option<String>)> = (2..12)
            .map(|i| (i.to_string(), Some((i - 1).to_string())))
            .collect();
        let chain: Vec<(&str, Option<&str>)> = chain
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_deref()))
            .collect();
        assert_eq!(depths("1", &chain).last(), Some(&super::MAX_DEPTH));
    }
}
