//! Storing a remote note: the author and origin checks every path shares
//! (a delivered `Create`/`Update`, a URL resolved from search, a fetched
//! reply), then the status row with its mentions, hashtags, poll, quote,
//! attachments (queued for caching) and the notifications it causes.
use ferrodon_apub::activitypub::{Activity, Document, Object};
use ferrodon_apub::sanitize::sanitize_remote_html;
use ferrodon_db::models::{Account, NewNotification, NewStatus, Status, Visibility};
use ferrodon_db::queries::{accounts, statuses};
use ferrodon_db::AsyncConnection;

use super::status_by_uri;
use crate::authority::same_authority;
use crate::domain_policy as domains;
use crate::federation::emojis;
use crate::media::remote::{self, RemoteAttachment};
use crate::services::compose::{attach, Attach, Composed};
use crate::services::notify::notify;
use crate::{live, AppState, Error, Result};

/// Most attachments taken from a remote status.
const MAX_REMOTE_ATTACHMENTS: usize = 8;

/// The note of a `Create`/`Update`: embedded, and on the signer's host.
pub(super) fn embedded_note<'a>(signer: &Account, activity: &'a Activity) -> Result<&'a Object> {
    let note = activity
        .embedded_object()
        .and_then(Document::as_object)
        .ok_or_else(|| Error::validation("no embedded object"))?;
    check_note_author(signer, note)?;
    Ok(note)
}

/// A note must be on its author's host and attributed to it.
pub fn check_note_author(signer: &Account, note: &Object) -> Result<()> {
    let id = note
        .id
        .as_deref()
        .ok_or_else(|| Error::validation("object without id"))?;
    if !same_authority(id, &signer.uri) {
        return Err(Error::validation(format!(
            "{id} is not on the sender's host"
        )));
    }
    if note.attributed_to_id().is_some_and(|a| a != signer.uri) {
        return Err(Error::validation(
            "the object is attributed to someone else",
        ));
    }
    Ok(())
}

fn visibility_of(note: &Object, signer: &Account) -> Visibility {
    use ferrodon_apub::activitypub::Visibility as Wire;
    let followers = (!signer.followers_url.is_empty()).then_some(signer.followers_url.as_str());
    match note.visibility(followers) {
        Wire::Public => Visibility::Public,
        Wire::Unlisted => Visibility::Unlisted,
        Wire::Private => Visibility::Private,
        Wire::Direct => Visibility::Direct,
    }
}

fn attachment_kind(media_type: Option<&str>) -> &'static str {
    match media_type.unwrap_or("").split('/').next() {
        Some("image") => "image",
        Some("video") => "video",
        Some("audio") => "audio",
        _ => "unknown",
    }
}

/// A remote Question's options and counts, as a poll row.
pub(super) fn poll_of(
    note: &Object,
    status_id: i64,
    account_id: i64,
) -> Option<ferrodon_db::queries::polls::NewPoll> {
    let (options, multiple) = note.poll_options()?;
    let options: Vec<_> = options.iter().take(16).collect();
    let tallies: Vec<i32> = options
        .iter()
        .map(|o| i32::try_from(o.votes()).unwrap_or(i32::MAX))
        .collect();
    let votes: i32 = tallies.iter().sum();
    Some(ferrodon_db::queries::polls::NewPoll {
        status_id,
        account_id,
        options: options
            .iter()
            .map(|o| {
                o.name
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect()
            })
            .collect(),
        tallies,
        multiple,
        hide_totals: false,
        votes_count: votes,
        voters_count: note
            .voters_count
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(votes),
        expires_at: note.end_time,
    })
}

/// Stores a remote note by `signer` (already checked to be its author, on
/// its host) unless it is known; returns the status (`None` for a direct
/// message that concerns no one here). A reply whose parent we do not have
/// is stored without it, and a `pull` job fetches the parent chain and
/// links it ([`super::threads::fetch_ancestors`]).
pub async fn store_note(
    state: &AppState,
    signer: &Account,
    note: &Object,
) -> Result<Option<Status>> {
    store_note_with(state, signer, note, MissingParent::Fetch).await
}

/// What to do about a reply whose parent is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MissingParent {
    /// Queue a job fetching the ancestors.
    Fetch,
    /// Nothing: the caller is a fetching job (that one, at the end of its
    /// budget, or the check of a quote), which follows no further posts:
    /// neither the parent nor an unknown quoted post is queued.
    Leave,
}

/// [`store_note`], saying what to do about a missing parent.
pub(super) async fn store_note_with(
    state: &AppState,
    signer: &Account,
    note: &Object,
    missing_parent: MissingParent,
) -> Result<Option<Status>> {
    let uri = note.id.clone().unwrap_or_default();
    if let Some(known) = status_by_uri(state, &uri).await? {
        return Ok(Some(known));
    }
    let visibility = visibility_of(note, signer);
    let mut conn = state.conn().await?;
    let parent = match note.in_reply_to.as_deref() {
        Some(parent) => statuses::find_status_by_uri(&mut conn, parent).await?,
        None => None,
    };
    let mut mentioned = Vec::new();
    for href in note.mentioned_ids() {
        if let Ok(account) = accounts::get_account_by_uri(&mut conn, href).await {
            if !mentioned.iter().any(|a: &Account| a.id == account.id) {
                mentioned.push(account);
            }
        }
    }
    // A direct message that mentions no one here is not for us.
    if visibility == Visibility::Direct && !mentioned.iter().any(Account::is_local) {
        return Ok(None);
    }
    let composed = Composed {
        content: sanitize_remote_html(note.content_for(None).unwrap_or_default()),
        mentioned,
        hashtags: note.hashtags().map(str::to_owned).take(32).collect(),
    };
    let title = note.name.clone().filter(|_| note.kind.as_str() != "Note");
    let content = match title {
        // Articles and pages: the title leads, as Mastodon shows them.
        Some(title) => format!(
            "<p><strong>{}</strong></p>{}",
            crate::text::escape_html(&title),
            composed.content
        ),
        None => composed.content.clone(),
    };
    let attachments: Vec<RemoteAttachment> = note
        .attachment
        .iter()
        .filter_map(|a| {
            a.url().map(|url| RemoteAttachment {
                url: url.to_owned(),
                preview_url: None,
                kind: attachment_kind(a.media_type()).to_owned(),
                description: a.description().map(|d| d.chars().take(1500).collect()),
                blurhash: a.blurhash.clone(),
            })
        })
        .take(MAX_REMOTE_ATTACHMENTS)
        .collect();
    let language = note.language().map(str::to_owned);
    let reject_media = domains::block_for(state, &signer.uri)
        .await?
        .is_some_and(|b| b.reject_media || b.is_suspend());
    let attachments = if reject_media {
        Vec::new()
    } else {
        attachments
    };
    emojis::learn(&mut conn, &signer.uri, note.tag.iter()).await?;
    let quoted = match note.quote_id() {
        Some(quoted_uri) => statuses::find_status_by_uri(&mut conn, quoted_uri)
            .await?
            .filter(|q| q.reblog_of_id.is_none()),
        None => None,
    };
    let quoted = match quoted {
        Some(q) => {
            let state = crate::services::quote::remote_quote_state(&mut conn, signer, &q).await?;
            Some((q, state))
        }
        None => None,
    };
    let (status, notes, media_ids) = conn
        .transaction(async |conn| {
            let id = accounts::next_id(conn).await?;
            let status = statuses::put_status(
                conn,
                &NewStatus {
                    id,
                    uri: uri.clone(),
                    url: note
                        .url_href()
                        .map(str::to_owned)
                        .or_else(|| Some(uri.clone())),
                    account_id: signer.id,
                    in_reply_to_id: parent.as_ref().map(|p| p.id),
                    in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
                    reblog_of_id: None,
                    text: String::new(),
                    content: content.clone(),
                    spoiler_text: note
                        .content_warning()
                        .unwrap_or_default()
                        .chars()
                        .take(1000)
                        .collect(),
                    sensitive: note.sensitive.unwrap_or(false),
                    visibility: visibility.as_i16(),
                    language: language.clone().filter(|l| l.len() <= 8),
                    local: false,
                    application_id: None,
                    quote_approval_policy: note
                        .interaction_policy
                        .as_ref()
                        .and_then(|p| p.can_quote.as_ref())
                        .map_or(0, |approval| {
                            crate::quotes::remote_policy(
                                approval.automatic_approval.as_slice(),
                                approval.manual_approval.as_slice(),
                                signer,
                            )
                        }),
                },
            )
            .await?;
            attach(conn, status.id, &composed, Attach::New).await?;
            if let Some(poll) = poll_of(note, status.id, signer.id) {
                ferrodon_db::queries::polls::put_poll(conn, &poll).await?;
            }
            accounts::add_to_statuses_count(conn, signer.id, 1).await?;
            if let Some(p) = &parent {
                statuses::add_to_status_counter(conn, p.id, statuses::StatusCounter::Replies, 1)
                    .await?;
            }
            let mut media_ids = Vec::new();
            for attachment in &attachments {
                media_ids.push(
                    remote::register(conn, signer.id, status.id, attachment)
                        .await?
                        .id,
                );
            }
            let mut notes = Vec::new();
            if let Some((quoted, state)) = &quoted {
                let note =
                    crate::services::quote::store_quote(conn, signer.id, &status, quoted, *state)
                        .await?;
                notes.extend(note);
            }
            for account in composed.mentioned.iter().filter(|a| a.is_local()) {
                notes.extend(
                    notify(
                        conn,
                        &NewNotification {
                            account_id: account.id,
                            from_account_id: signer.id,
                            kind: ferrodon_db::models::NotificationKind::Mention,
                            status_id: Some(status.id),
                        },
                    )
                    .await?,
                );
            }
            Ok::<_, Error>((status, notes, media_ids))
        })
        .await?;
    drop(conn);
    if let (None, Some(in_reply_to), MissingParent::Fetch) =
        (&parent, note.in_reply_to.as_deref(), missing_parent)
    {
        super::threads::queue_ancestors(state, status.id, in_reply_to).await;
    }
    for media_id in media_ids {
        if let Err(e) =
            crate::jobs::enqueue(state, crate::jobs::Job::CacheRemoteMedia { media_id }).await
        {
            tracing::warn!(media_id, error = %e, "could not queue a remote media download");
        }
    }
    super::quotes::check_quote_of(state, &status, note, missing_parent).await?;
    live::status_created(state, &status).await;
    live::notifications_created(state, &notes).await;
    Ok(Some(status))
}
