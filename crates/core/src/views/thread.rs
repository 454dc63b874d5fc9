//! A status's thread: what it replies to and what replies to it, as the
//! viewer may see them (`GET /api/v1/statuses/:id/context` and the web
//! client's thread page).
use ferrodon_db::queries::statuses::{list_ancestor_ids, list_descendant_ids};
use ferrodon_db::{Conn, StatusId};

use super::{render_statuses, VisibleStatuses};
use crate::entities::status::Status;
use crate::filters::{ActiveFilters, FilterContext};
use crate::{Config, Result};

/// The statuses around one status.
#[derive(Debug, Clone)]
pub struct Thread {
    /// The thread's first status we have (the status itself when it
    /// replies to nothing known), visible or not.
    pub root: i64,
    /// What it replies to, oldest first.
    pub ancestors: Vec<Status>,
    /// The replies to it and to them, depth first.
    pub descendants: Vec<Status>,
}

/// The thread around status `id`, which the caller has checked `viewer`
/// may see: ancestors and descendants the viewer may see, with their
/// filters for the thread context. A signed-out viewer gets at most 40
/// ancestors and 60 descendants, as in Mastodon.
pub async fn render_thread(
    conn: &mut Conn,
    config: &Config,
    id: i64,
    viewer: Option<i64>,
) -> Result<Thread> {
    let (ancestor_limit, descendant_limit) = if viewer.is_some() {
        (4096, 4096)
    } else {
        (40, 60)
    };
    let ancestors = list_ancestor_ids(conn, StatusId::new(id), ancestor_limit).await?;
    let descendants = list_descendant_ids(conn, StatusId::new(id), descendant_limit).await?;
    let root = ancestors.first().copied().unwrap_or(id);
    let ancestors = VisibleStatuses::check(conn, &ancestors, viewer).await?;
    let descendants = VisibleStatuses::check(conn, &descendants, viewer).await?;
    let mut ancestors = render_statuses(conn, config, &ancestors).await?;
    let mut descendants = render_statuses(conn, config, &descendants).await?;
    if let Some(viewer) = viewer {
        let filters = ActiveFilters::load(conn, viewer).await?;
        ancestors = filters.apply(FilterContext::Thread, ancestors);
        descendants = filters.apply(FilterContext::Thread, descendants);
    }
    Ok(Thread {
        root,
        ancestors,
        descendants,
    })
}
