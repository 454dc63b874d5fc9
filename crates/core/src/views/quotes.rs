//! The quote parts of rendered statuses: `quote` (the quoted status nested
//! one level deep, then shallow) and the follow facts `quote_approval`
//! needs.
use std::collections::{HashMap, HashSet};

use ferrodon_db::models::{Quote, QuoteState};
use ferrodon_db::queries::status_views::StatusView;
use ferrodon_db::queries::{follows, quotes, timelines};
use ferrodon_db::Conn;

use crate::entities::quote::Quote as QuoteEntity;
use crate::entities::status::Status;
use crate::quotes::depends_on_following;
use crate::Result;

/// Authors among `views` the viewer follows, where that decides whether the
/// viewer may quote them.
pub(super) async fn followed_authors<'a>(
    conn: &mut Conn,
    viewer: Option<i64>,
    views: impl Iterator<Item = &'a StatusView>,
) -> Result<HashSet<i64>> {
    let Some(viewer) = viewer else {
        return Ok(HashSet::new());
    };
    let mut authors: Vec<i64> = views
        .filter(|v| v.status.account_id != viewer && depends_on_following(&v.status))
        .map(|v| v.status.account_id)
        .collect();
    authors.sort_unstable();
    authors.dedup();
    Ok(follows::list_followed_among(conn, viewer, &authors)
        .await?
        .into_iter()
        .collect())
}

/// The status a quote or a reblog's original stands for.
fn target(status: &mut Status) -> &mut Status {
    match status.reblog {
        Some(ref mut original) => original,
        None => status,
    }
}

async fn quotes_of(conn: &mut Conn, rendered: &mut [Status]) -> Result<HashMap<String, Quote>> {
    let ids: Vec<i64> = rendered
        .iter_mut()
        .filter_map(|s| target(s).id.parse().ok())
        .collect();
    Ok(quotes::quotes_of_statuses(conn, &ids)
        .await?
        .into_iter()
        .map(|q| (q.status_id.to_string(), q))
        .collect())
}

/// Mastodon's quote state: an accepted quote of a deleted status shows as
/// `deleted`, one the viewer may not see as `unauthorized`.
fn state_of(quote: &Quote, visible: &[i64]) -> &'static str {
    match (quote.state(), quote.quoted_status_id) {
        (QuoteState::Accepted, None) => "deleted",
        (QuoteState::Accepted, Some(id)) if !visible.contains(&id) => "unauthorized",
        (state, _) => state.as_str(),
    }
}

/// Sets `quote` on statuses that quote another, with `quoted_status` null
/// for now; returns (quoting status id, quoted status id) for the quotes
/// that will show their quoted status.
pub(super) async fn attach_quotes(
    conn: &mut Conn,
    rendered: &mut [Status],
    viewer: Option<i64>,
) -> Result<Vec<(String, i64)>> {
    let found = quotes_of(conn, rendered).await?;
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let quoted: Vec<i64> = found.values().filter_map(|q| q.quoted_status_id).collect();
    let visible = timelines::filter_visible(conn, &quoted, viewer).await?;
    let mut shown = Vec::new();
    for status in rendered.iter_mut() {
        let status = target(status);
        let Some(quote) = found.get(&status.id) else {
            continue;
        };
        let state = state_of(quote, &visible);
        if let (Some(id), "accepted") = (quote.quoted_status_id, state) {
            shown.push((status.id.clone(), id));
        }
        status.quote = Some(QuoteEntity::full(state, None));
    }
    Ok(shown)
}

/// Sets the shallow `quote` ({state, quoted_status_id}) on statuses shown
/// inside a quote.
pub(super) async fn attach_shallow_quotes(conn: &mut Conn, rendered: &mut [Status]) -> Result<()> {
    let found = quotes_of(conn, rendered).await?;
    for status in rendered.iter_mut() {
        let status = target(status);
        let Some(quote) = found.get(&status.id) else {
            continue;
        };
        let state = state_of(
            quote,
            &quote.quoted_status_id.into_iter().collect::<Vec<_>>(),
        );
        status.quote = Some(QuoteEntity::shallow(state, quote.quoted_status_id));
    }
    Ok(())
}

/// Puts the rendered quoted statuses into the quotes that show them; a
/// quoted status that could not be rendered shows as deleted.
pub(super) fn fill_quoted(rendered: &mut [Status], shown: &[(String, i64)], nested: Vec<Status>) {
    let nested: HashMap<String, Status> = nested.into_iter().map(|s| (s.id.clone(), s)).collect();
    for status in rendered.iter_mut() {
        let status = target(status);
        let Some((_, quoted_id)) = shown.iter().find(|(id, _)| *id == status.id) else {
            continue;
        };
        status.quote = Some(match nested.get(&quoted_id.to_string()) {
            Some(quoted) => QuoteEntity::full("accepted", Some(quoted.clone())),
            None => QuoteEntity::full("deleted", None),
        });
    }
}
