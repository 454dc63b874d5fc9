//! Posting a status (`POST /api/v1/statuses`), with Idempotency-Key support.
use ferrodon_db::{AccountId, StatusId};
use std::time::Duration;

use deadpool_redis::redis::{self, AsyncCommands};
use ferrodon_db::models::{
    Account, NewNotification, NewStatus, Processing, QuoteState, Status, User, Visibility,
};
use ferrodon_db::queries::{accounts, media, scheduled_statuses, statuses};
use ferrodon_db::AsyncConnection;

use super::compose::{attach, compose, validate_text, Attach};
use super::notify::notify;
use super::quote::{check_quotable, store_quote};
use super::status_access::get_visible_status;
use crate::quotes::QuotePolicy;
use crate::{live, urls, AppState, Error, Result};

/// How long an Idempotency-Key is remembered, as in Mastodon.
const IDEMPOTENCY_TTL_SECS: u64 = 3600;

/// What a client sends.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    /// Source text.
    pub text: String,
    /// Content warning.
    pub spoiler_text: String,
    /// Visibility; the user's default when None.
    pub visibility: Option<Visibility>,
    /// Sensitive flag; the user's default when None.
    pub sensitive: Option<bool>,
    /// ISO 639 language code.
    pub language: Option<String>,
    /// Status replied to.
    pub in_reply_to_id: Option<i64>,
    /// Attached media ids, in display order.
    pub media_ids: Vec<i64>,
    /// The posting application.
    pub application_id: Option<i64>,
    /// A poll to attach.
    pub poll: Option<PollInput>,
    /// Set when this post publishes a scheduled status: its row is deleted
    /// in the transaction that creates the status (so it is published
    /// once), and the uploads reserved for it may be attached.
    pub scheduled_status_id: Option<i64>,
    /// The status quoted.
    pub quoted_status_id: Option<i64>,
    /// Who may quote this status; anyone when None (downgraded to nobody
    /// for private and direct statuses).
    pub quote_approval_policy: Option<QuotePolicy>,
    /// The only accounts the text may mention (`allowed_mentions`): a post
    /// that would reach others is refused, naming them, and nothing is
    /// stored. Any mention goes when None.
    pub allowed_mentions: Option<Vec<i64>>,
}

/// A poll as a client sends it (`poll[options][]`, `poll[expires_in]`, …).
#[derive(Debug, Clone, Default)]
pub struct PollInput {
    /// The choices.
    pub options: Vec<String>,
    /// Seconds until it closes.
    pub expires_in: i64,
    /// Several choices allowed.
    pub multiple: bool,
    /// Counts hidden until it ends.
    pub hide_totals: bool,
}

/// Mastodon's poll limits.
pub const MAX_POLL_OPTIONS: usize = 4;
/// Longest poll option.
pub const MAX_POLL_OPTION_CHARS: usize = 50;
/// Shortest poll (5 minutes).
pub const MIN_POLL_EXPIRY_SECS: i64 = 300;
/// Longest poll (a month).
pub const MAX_POLL_EXPIRY_SECS: i64 = 2_629_746;

/// Checks a poll's options and duration. Media may come with it, as in
/// current Mastodon.
fn check_poll(poll: &PollInput) -> Result<()> {
    if poll.options.len() < 2 {
        return Err(Error::validation("Poll must have at least 2 options"));
    }
    if poll.options.len() > MAX_POLL_OPTIONS {
        return Err(Error::validation(format!(
            "Poll can't have more than {MAX_POLL_OPTIONS} options"
        )));
    }
    if poll
        .options
        .iter()
        .any(|o| o.trim().is_empty() || o.chars().count() > MAX_POLL_OPTION_CHARS)
    {
        return Err(Error::validation(format!(
            "Poll options must be 1 to {MAX_POLL_OPTION_CHARS} characters"
        )));
    }
    let mut unique = poll.options.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != poll.options.len() {
        return Err(Error::validation("Poll options must be unique"));
    }
    if !(MIN_POLL_EXPIRY_SECS..=MAX_POLL_EXPIRY_SECS).contains(&poll.expires_in) {
        return Err(Error::validation(
            "Poll duration must be between 5 minutes and a month",
        ));
    }
    Ok(())
}

/// Posts a status. With an idempotency key, a repeated request returns the
/// status the first one created instead of posting twice.
pub async fn post_status(
    state: &AppState,
    user: &User,
    author: &Account,
    post: NewPost,
    idempotency_key: Option<&str>,
) -> Result<Status> {
    let Some(key) = idempotency_key.filter(|k| !k.is_empty()) else {
        return create(state, user, author, post).await;
    };
    let redis_key = state.redis_key(&format!("idempotency:status:{}:{key}", author.id));
    let mut redis = state.redis().await?;
    let acquired: bool = redis::cmd("SET")
        .arg(&redis_key)
        .arg("pending")
        .arg("NX")
        .arg("EX")
        .arg(IDEMPOTENCY_TTL_SECS)
        .query_async::<Option<String>>(&mut *redis)
        .await?
        .is_some();
    if !acquired {
        return wait_for_first(state, &mut redis, &redis_key, author.id).await;
    }
    match create(state, user, author, post).await {
        Ok(status) => {
            let _: () = redis
                .set_ex(&redis_key, status.id.to_string(), IDEMPOTENCY_TTL_SECS)
                .await?;
            Ok(status)
        }
        Err(e) => {
            let _: () = redis.del(&redis_key).await?;
            Err(e)
        }
    }
}

async fn wait_for_first(
    state: &AppState,
    redis: &mut deadpool_redis::Connection,
    redis_key: &str,
    author_id: i64,
) -> Result<Status> {
    for _ in 0..100 {
        let value: Option<String> = redis.get(redis_key).await?;
        match value.as_deref() {
            Some("pending") => tokio::time::sleep(Duration::from_millis(50)).await,
            Some(id) => {
                let id: i64 = id
                    .parse()
                    .map_err(|_| Error::internal("bad idempotency value"))?;
                let mut conn = state.conn().await?;
                return get_visible_status(&mut conn, id, Some(author_id)).await;
            }
            None => break,
        }
    }
    Err(Error::validation(
        "a request with this Idempotency-Key is still being processed",
    ))
}

/// Most attachments on one status, as Mastodon.
pub const MAX_MEDIA_ATTACHMENTS: usize = 4;

/// Checks that the uploads exist, belong to the author, are free (or
/// already on the status being edited, `editing`), are processed, and do
/// not mix video or audio with other files.
pub(crate) async fn check_media(
    state: &AppState,
    author: &Account,
    ids: &[i64],
    scheduled_status_id: Option<i64>,
    editing: Option<i64>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > MAX_MEDIA_ATTACHMENTS {
        return Err(Error::validation(format!(
            "Media attachments are limited to {MAX_MEDIA_ATTACHMENTS}"
        )));
    }
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != ids.len() {
        return Err(Error::validation("Media attachments must not repeat"));
    }
    let mut conn = state.conn().await?;
    let mut kinds = Vec::new();
    for id in ids {
        let row = media::find_own_media(&mut conn, AccountId::new(author.id), *id)
            .await?
            .filter(|m| {
                (m.status_id.is_none() || (editing.is_some() && m.status_id == editing))
                    && (m.scheduled_status_id.is_none()
                        || m.scheduled_status_id == scheduled_status_id)
            })
            .ok_or_else(|| Error::validation("Media attachments could not be found"))?;
        match row.processing_state() {
            Processing::Complete => kinds.push(row.kind),
            Processing::Failed => {
                return Err(Error::validation("Media attachments could not be found"))
            }
            Processing::Queued | Processing::InProgress => {
                return Err(Error::validation(
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                ))
            }
        }
    }
    if kinds.len() > 1
        && kinds
            .iter()
            .any(|k| k == "video" || k == "gifv" || k == "audio")
    {
        return Err(Error::validation(
            "Cannot attach a video to a post that already contains images",
        ));
    }
    Ok(())
}

/// A post that passed validation, with the user's defaults applied.
pub(crate) struct Prepared {
    post: NewPost,
    visibility: Visibility,
    sensitive: bool,
    language: Option<String>,
    parent: Option<Status>,
    quoted: Option<(Status, QuoteState)>,
}

/// Checks a post as Mastodon does before creating or scheduling it, and
/// fills in the user's defaults.
pub(crate) async fn prepare(
    state: &AppState,
    user: &User,
    author: &Account,
    post: NewPost,
) -> Result<Prepared> {
    validate_text(
        &state.config,
        &post.text,
        &post.spoiler_text,
        !post.media_ids.is_empty(),
    )?;
    check_media(
        state,
        author,
        &post.media_ids,
        post.scheduled_status_id,
        None,
    )
    .await?;
    if let Some(poll) = &post.poll {
        check_poll(poll)?;
    }
    if let Some(lang) = &post.language {
        if lang.is_empty()
            || lang.len() > 8
            || !lang.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
        {
            return Err(Error::validation("Language is not a valid ISO 639 code"));
        }
    }
    let mut visibility = post
        .visibility
        .or_else(|| Visibility::parse(&user.default_privacy))
        .unwrap_or(Visibility::Public);
    // A moderator's "sensitive" mark covers every attachment of the account.
    let sensitive = post.sensitive.unwrap_or(user.default_sensitive)
        || !post.spoiler_text.is_empty()
        || (author.sensitized_at.is_some() && !post.media_ids.is_empty());
    let language = post
        .language
        .clone()
        .or_else(|| user.default_language.clone());
    let mut conn = state.conn().await?;
    let parent = match post.in_reply_to_id {
        Some(id) => Some(get_visible_status(&mut conn, id, Some(author.id)).await?),
        None => None,
    };
    if parent.as_ref().is_some_and(|p| p.reblog_of_id.is_some()) {
        return Err(Error::validation("Cannot reply to a reblog"));
    }
    let quoted = match post.quoted_status_id {
        Some(id) => Some(check_quotable(&mut conn, author.id, id).await?),
        None => None,
    };
    if let Some((q, _)) = &quoted {
        if visibility == Visibility::Direct && q.account_id != author.id {
            let quoted_author = accounts::get_account_by_id(&mut conn, q.account_id).await?;
            if !mentions(&state.config, &post.text, &quoted_author) {
                return Err(Error::validation(
                    "Cannot quote a not-mentioned user in a Private mention post.",
                ));
            }
        }
    }
    // Quoting one's own followers-only post keeps the quote followers-only.
    if quoted
        .as_ref()
        .is_some_and(|(q, _)| q.visibility() == Visibility::Private)
        && visibility <= Visibility::Unlisted
    {
        visibility = Visibility::Private;
    }
    Ok(Prepared {
        post,
        visibility,
        sensitive,
        language,
        parent,
        quoted,
    })
}

/// Whether `text` mentions `account`.
fn mentions(config: &crate::Config, text: &str, account: &Account) -> bool {
    crate::text::extract_mentions(text)
        .into_iter()
        .any(|(username, domain)| {
            let domain = domain
                .map(|d| d.to_lowercase())
                .filter(|d| *d != config.local_domain && *d != config.web_domain);
            username.eq_ignore_ascii_case(&account.username) && domain == account.domain
        })
}

async fn create(state: &AppState, user: &User, author: &Account, post: NewPost) -> Result<Status> {
    let prepared = prepare(state, user, author, post).await?;
    write(state, author, prepared).await
}

/// Stores a prepared post and everything that comes with it in one
/// transaction, then queues its distribution.
pub(crate) async fn write(
    state: &AppState,
    author: &Account,
    prepared: Prepared,
) -> Result<Status> {
    let config = state.config.clone();
    let Prepared {
        post,
        visibility,
        sensitive,
        language,
        parent,
        quoted,
    } = prepared;
    let mut conn = state.conn().await?;
    let (status, notes) = conn
        .transaction(async |conn| {
            let mut notes = Vec::new();
            if let Some(scheduled) = post.scheduled_status_id {
                if !scheduled_statuses::delete_scheduled_status(conn, scheduled).await? {
                    return Err(Error::NotFound);
                }
            }
            let composed = compose(conn, &config, &post.text).await?;
            if let Some(allowed) = &post.allowed_mentions {
                let unexpected: Vec<Account> = composed
                    .mentioned
                    .iter()
                    .filter(|a| !allowed.contains(&a.id))
                    .cloned()
                    .collect();
                if !unexpected.is_empty() {
                    return Err(Error::UnexpectedMentions(unexpected));
                }
            }
            let id = accounts::next_id(conn).await?;
            let status = statuses::put_status(
                conn,
                &NewStatus {
                    id,
                    uri: urls::status_uri(&config, &author.username, id),
                    url: Some(urls::status_url(&config, &author.username, id)),
                    account_id: author.id,
                    in_reply_to_id: parent.as_ref().map(|p| p.id),
                    in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
                    reblog_of_id: None,
                    text: post.text.clone(),
                    content: composed.content.clone(),
                    spoiler_text: post.spoiler_text.clone(),
                    sensitive,
                    visibility: visibility.as_i16(),
                    language: language.clone(),
                    local: true,
                    application_id: post.application_id,
                    quote_approval_policy: post
                        .quote_approval_policy
                        .unwrap_or(QuotePolicy::Public)
                        .bitmap(visibility),
                },
            )
            .await?;
            attach(conn, status.id, &composed, Attach::New).await?;
            if let Some((quoted, state)) = &quoted {
                notes.extend(store_quote(conn, author.id, &status, quoted, *state).await?);
            }
            if let Some(poll) = &post.poll {
                ferrodon_db::queries::polls::put_poll(
                    conn,
                    &ferrodon_db::queries::polls::NewPoll {
                        status_id: status.id,
                        account_id: author.id,
                        options: poll.options.iter().map(|o| o.trim().to_owned()).collect(),
                        tallies: vec![0; poll.options.len()],
                        multiple: poll.multiple,
                        hide_totals: poll.hide_totals,
                        votes_count: 0,
                        voters_count: 0,
                        expires_at: Some(
                            chrono::Utc::now() + chrono::Duration::seconds(poll.expires_in),
                        ),
                    },
                )
                .await?;
            }
            if !post.media_ids.is_empty() {
                let attached = media::attach_to_status(
                    conn,
                    AccountId::new(author.id),
                    StatusId::new(status.id),
                    &post.media_ids,
                )
                .await?;
                if attached != post.media_ids.len() {
                    // Attached elsewhere meanwhile: roll the whole post back.
                    return Err(Error::validation("Media attachments could not be found"));
                }
            }
            accounts::add_to_statuses_count(conn, author.id, 1).await?;
            if let Some(p) = &parent {
                statuses::add_to_status_counter(conn, p.id, statuses::StatusCounter::Replies, 1)
                    .await?;
            }
            for mentioned in composed
                .mentioned
                .iter()
                .filter(|a| a.is_local() && a.id != author.id)
            {
                let note = notify(
                    conn,
                    &NewNotification {
                        account_id: mentioned.id,
                        from_account_id: author.id,
                        kind: ferrodon_db::models::NotificationKind::Mention,
                        status_id: Some(status.id),
                    },
                )
                .await?;
                notes.extend(note);
            }
            Ok::<_, Error>((status, notes))
        })
        .await?;
    drop(conn);
    live::status_created(state, &status).await;
    live::notifications_created(state, &notes).await;
    Ok(status)
}
