//! Turning pages of ids into rendered entities with few round trips:
//! one query for the statuses on the page, one more for the originals of
//! any reblogs on it.
use std::collections::HashMap;

use ferrodon_db::models::Notification as NotificationRow;
use ferrodon_db::queries::accounts;
use ferrodon_db::queries::status_views::{load_status_views, StatusView};
use ferrodon_db::Conn;

use crate::entities::account_warning::AccountWarning;
use crate::entities::custom_emoji::CustomEmoji;
use crate::entities::media_attachment::MediaAttachment;
use crate::entities::notification::Notification;
use crate::entities::status::{self, Status};
use crate::entities::{account, media_attachment, timestamp};
use crate::filters::{self, FilterContext};
use crate::{Config, Result};
use ferrodon_db::models::NotificationKind;

#[cfg(test)]
mod golden_tests;
mod quotes;
mod thread;
mod visible;

pub use thread::{render_thread, Thread};
pub use visible::VisibleStatuses;

/// Renders statuses for the viewer they were checked for, in their order,
/// skipping missing ones, with the statuses they quote nested one level
/// deep.
pub async fn render_statuses(
    conn: &mut Conn,
    config: &Config,
    statuses: &VisibleStatuses,
) -> Result<Vec<Status>> {
    let (ids, viewer) = (statuses.ids(), statuses.viewer());
    let mut rendered = render_unquoted(conn, config, ids, viewer).await?;
    let shown = quotes::attach_quotes(conn, &mut rendered, viewer).await?;
    if shown.is_empty() {
        return Ok(rendered);
    }
    let mut quoted_ids: Vec<i64> = shown.iter().map(|(_, id)| *id).collect();
    quoted_ids.sort_unstable();
    quoted_ids.dedup();
    let mut nested = render_unquoted(conn, config, &quoted_ids, viewer).await?;
    quotes::attach_shallow_quotes(conn, &mut nested).await?;
    quotes::fill_quoted(&mut rendered, &shown, nested);
    Ok(rendered)
}

/// Renders statuses with everything but their quotes.
async fn render_unquoted(
    conn: &mut Conn,
    config: &Config,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<Status>> {
    let views = load_status_views(conn, ids, viewer).await?;
    let reblog_ids: Vec<i64> = views.iter().filter_map(|v| v.status.reblog_of_id).collect();
    let originals = if reblog_ids.is_empty() {
        Vec::new()
    } else {
        load_status_views(conn, &reblog_ids, viewer).await?
    };
    let followed = quotes::followed_authors(conn, viewer, views.iter().chain(&originals)).await?;
    let render = |v: &StatusView, reblog: Option<Status>| {
        let follows = followed.contains(&v.status.account_id);
        status::render(config, v, viewer, reblog, follows)
    };
    let originals: HashMap<i64, Status> = originals
        .iter()
        .map(|v| (v.status.id, render(v, None)))
        .collect();
    let mut rendered: Vec<Status> = views
        .iter()
        .filter_map(|v| match v.status.reblog_of_id {
            None => Some(render(v, None)),
            Some(orig) => originals.get(&orig).map(|o| render(v, Some(o.clone()))),
        })
        .collect();
    attach_media(conn, config, &mut rendered).await?;
    attach_emojis(conn, &mut rendered).await?;
    attach_polls(conn, &mut rendered, viewer).await?;
    attach_cards(conn, &mut rendered).await?;
    attach_thread_mutes(conn, &mut rendered, viewer).await?;
    Ok(rendered)
}

/// Marks `muted` on statuses in threads the viewer muted.
async fn attach_thread_mutes(
    conn: &mut Conn,
    rendered: &mut [Status],
    viewer: Option<i64>,
) -> Result<()> {
    use ferrodon_db::queries::conversation_mutes;
    let Some(viewer) = viewer else {
        return Ok(());
    };
    let muted = conversation_mutes::muted_roots(conn, viewer).await?;
    if muted.is_empty() {
        return Ok(());
    }
    let ids = shown_ids(rendered);
    let roots = ferrodon_db::queries::statuses::thread_roots(conn, &ids).await?;
    let is_muted = |id: &str| {
        roots
            .iter()
            .any(|(start, root)| start.to_string() == id && muted.contains(root))
    };
    for status in rendered.iter_mut() {
        if let Some(reblog) = status.reblog.as_deref_mut() {
            reblog.muted = Some(is_muted(&reblog.id));
        }
        status.muted = Some(is_muted(&status.id));
    }
    Ok(())
}

/// Ids of rendered statuses and of the originals of reblogs among them:
/// what the page's attachments, polls, cards … are looked up for.
fn shown_ids(rendered: &[Status]) -> Vec<i64> {
    rendered
        .iter()
        .flat_map(|s| std::iter::once(&s.id).chain(s.reblog.as_ref().map(|r| &r.id)))
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// The entry whose content a rendered status shows: a reblog's original,
/// else the status itself.
fn shown_mut(status: &mut Status) -> &mut Status {
    match status.reblog {
        Some(ref mut reblog) => reblog,
        None => status,
    }
}

/// Renders statuses shown in `context`: as [`render_statuses`], then the
/// viewer's filters mark them (`filtered`) or leave them out (`hide`).
pub async fn render_statuses_in(
    conn: &mut Conn,
    config: &Config,
    statuses: &VisibleStatuses,
    context: FilterContext,
) -> Result<Vec<Status>> {
    let rendered = render_statuses(conn, config, statuses).await?;
    filters::apply(conn, statuses.viewer(), context, rendered).await
}

/// Fills in link preview cards (of originals, reblogs included).
async fn attach_cards(conn: &mut Conn, rendered: &mut [Status]) -> Result<()> {
    use ferrodon_db::queries::preview_cards;
    let ids = shown_ids(rendered);
    let cards = preview_cards::cards_of_statuses(conn, &ids).await?;
    if cards.is_empty() {
        return Ok(());
    }
    for status in rendered.iter_mut() {
        let target = shown_mut(status);
        if let Some((_, card)) = cards.iter().find(|(id, _)| id.to_string() == target.id) {
            target.card = Some(crate::cards::render(card));
        }
    }
    Ok(())
}

/// Fills in polls, with the viewer's own votes.
async fn attach_polls(conn: &mut Conn, rendered: &mut [Status], viewer: Option<i64>) -> Result<()> {
    use ferrodon_db::queries::polls;
    let ids = shown_ids(rendered);
    let found = polls::polls_of_statuses(conn, &ids).await?;
    if found.is_empty() {
        return Ok(());
    }
    let poll_ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let votes = match viewer {
        Some(v) => polls::votes_of(conn, v, &poll_ids).await?,
        None => Vec::new(),
    };
    let render = |poll: &polls::Poll| {
        let own: Vec<i32> = votes
            .iter()
            .filter(|(id, _)| *id == poll.id)
            .map(|(_, c)| *c)
            .collect();
        crate::entities::poll::render(poll, viewer.map(|_| own.as_slice()))
    };
    for status in rendered.iter_mut() {
        let target = shown_mut(status);
        if let Some(poll) = found.iter().find(|p| p.status_id.to_string() == target.id) {
            target.poll = Some(render(poll));
        }
    }
    Ok(())
}

/// The enabled custom emojis the texts of an author whose `acct` is given
/// use as `:shortcode:`: local emojis for local authors, the author's
/// server's emojis for remote ones; rendered as entities.
async fn emojis_of(conn: &mut Conn, acct: &str, texts: &[&str]) -> Result<Vec<CustomEmoji>> {
    use crate::text::shortcodes_in;
    use ferrodon_db::queries::custom_emojis::find_emojis;
    let codes = shortcodes_in(&texts.join(" "));
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let domain = acct.split_once('@').map(|(_, d)| d);
    Ok(find_emojis(conn, domain, &codes)
        .await?
        .iter()
        .map(crate::custom_emojis::entity)
        .collect())
}

/// Fills in the custom emojis an account's display name, note and fields use.
pub async fn attach_account_emojis(conn: &mut Conn, account: &mut account::Account) -> Result<()> {
    let mut texts: Vec<&str> = vec![&account.display_name, &account.note];
    for field in &account.fields {
        texts.push(&field.name);
        texts.push(&field.value);
    }
    account.emojis = emojis_of(conn, &account.acct, &texts).await?;
    Ok(())
}

/// Fills in the custom emojis statuses and their authors use (`:shortcode:`
/// in their text, looked up among the local emojis or the author's server's).
async fn attach_emojis(conn: &mut Conn, rendered: &mut [Status]) -> Result<()> {
    for status in rendered.iter_mut() {
        attach_account_emojis(conn, &mut status.account).await?;
        if let Some(reblog) = status.reblog.as_deref_mut() {
            attach_account_emojis(conn, &mut reblog.account).await?;
        }
        let target = shown_mut(status);
        target.emojis = emojis_of(
            conn,
            &target.account.acct,
            &[&target.spoiler_text, &target.content],
        )
        .await?;
    }
    Ok(())
}

/// Fills in the media attachments of rendered statuses (and of the
/// originals of reblogs among them) with one query.
async fn attach_media(conn: &mut Conn, config: &Config, rendered: &mut [Status]) -> Result<()> {
    let ids = shown_ids(rendered);
    let rows = ferrodon_db::queries::media::media_of_statuses(conn, &ids).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut by_status: HashMap<String, Vec<MediaAttachment>> = HashMap::new();
    for row in &rows {
        if let Some(status_id) = row.status_id {
            by_status
                .entry(status_id.to_string())
                .or_default()
                .push(media_attachment::render(config, row));
        }
    }
    for status in rendered.iter_mut() {
        if let Some(media) = by_status.get(&status.id) {
            status.media_attachments = media.clone();
        }
        if let Some(reblog) = status.reblog.as_mut() {
            if let Some(media) = by_status.get(&reblog.id) {
                reblog.media_attachments = media.clone();
            }
        }
    }
    Ok(())
}

/// Renders the first of `statuses` (one checked with
/// [`VisibleStatuses::one`]), or NotFound.
pub async fn render_status(
    conn: &mut Conn,
    config: &Config,
    statuses: &VisibleStatuses,
) -> Result<Status> {
    render_statuses(conn, config, statuses)
        .await?
        .into_iter()
        .next()
        .ok_or(crate::Error::NotFound)
}

/// Renders accounts by id (each once), skipping missing ones.
pub async fn render_accounts_by_id(
    conn: &mut Conn,
    config: &Config,
    mut ids: Vec<i64>,
) -> Result<HashMap<i64, account::Account>> {
    ids.sort_unstable();
    ids.dedup();
    Ok(accounts::get_accounts_by_ids(conn, &ids)
        .await?
        .iter()
        .map(|a| (a.id, account::render(config, a)))
        .collect())
}

/// Renders notifications for their recipient, skipping any whose account or
/// status has gone, or whose status the recipient may not see or has
/// filtered out.
pub async fn render_notifications(
    conn: &mut Conn,
    config: &Config,
    rows: &[NotificationRow],
    viewer: i64,
) -> Result<Vec<Notification>> {
    let from_ids: Vec<i64> = rows.iter().map(|n| n.from_account_id).collect();
    let from = render_accounts_by_id(conn, config, from_ids).await?;
    let status_ids: Vec<i64> = rows.iter().filter_map(|n| n.status_id).collect();
    let visible = VisibleStatuses::check(conn, &status_ids, Some(viewer)).await?;
    let statuses: HashMap<String, Status> =
        render_statuses_in(conn, config, &visible, FilterContext::Notifications)
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
    let warning_notes: Vec<i64> = rows
        .iter()
        .filter(|n| n.kind == NotificationKind::ModerationWarning)
        .map(|n| n.id)
        .collect();
    let warnings: HashMap<i64, AccountWarning> = if warning_notes.is_empty() {
        HashMap::new()
    } else {
        let mut rendered = HashMap::new();
        for (note_id, warning) in
            ferrodon_db::queries::moderation::warnings_of_notifications(conn, &warning_notes)
                .await?
        {
            let Some(target) = from
                .values()
                .find(|a| a.id == warning.target_account_id.to_string())
            else {
                continue;
            };
            rendered.insert(
                note_id,
                crate::entities::account_warning::render_warning(&warning, target),
            );
        }
        rendered
    };
    Ok(rows
        .iter()
        .filter_map(|n| {
            let status = match n.status_id {
                Some(id) => Some(statuses.get(&id.to_string())?.clone()),
                None => None,
            };
            let moderation_warning = if n.kind == NotificationKind::ModerationWarning {
                Some(warnings.get(&n.id)?.clone())
            } else {
                None
            };
            Some(Notification {
                id: n.id.to_string(),
                kind: n.kind,
                created_at: timestamp(&n.created_at),
                group_key: n.effective_group_key(),
                account: from.get(&n.from_account_id)?.clone(),
                status,
                moderation_warning,
            })
        })
        .collect())
}
