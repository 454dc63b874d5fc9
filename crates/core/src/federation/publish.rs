//! What `GET` of this server's ActivityPub URLs answers: actors, notes and
//! their `Create`, outboxes, follower and following collections, featured
//! (pinned) statuses. `None` means 404: no such local account, or a status
//! that is not public or unlisted (those are only delivered, never served).
use ferrodon_apub::activitypub::outbound as ap;
use ferrodon_apub::activitypub::ActivityKind;
use ferrodon_db::models::{Account, Status, Visibility};
use ferrodon_db::queries::status_views::{load_status_views, StatusView};
use ferrodon_db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_db::queries::{accounts, favourites_bookmarks, follows, media, statuses};
use ferrodon_db::{AccountId, StatusId};
use ferrodon_db::{Conn, Page};
use serde::Serialize;

use super::documents;
use crate::custom_emojis;
use crate::{AppState, Config, Result};

/// What a status's URLs serve: its note, or the note's `Create`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StatusDocument {
    /// The note, with its `@context`.
    Note(Box<ap::Note>),
    /// The `Create` of the note.
    Create(Box<ap::Activity>),
}

/// Page size of outboxes and collections, as Mastodon.
const PAGE_SIZE: i64 = 20;

/// A local, not suspended account by username.
pub async fn local_account(conn: &mut Conn, username: &str) -> Result<Option<Account>> {
    match accounts::get_account_by_acct(conn, username, None).await {
        Ok(a) if a.suspended_at.is_none() && a.id > 0 => Ok(Some(a)),
        Ok(_) | Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The actor document of a local account; a suspended account's is the
/// bare identity with `suspended: true` (its key must stay reachable).
pub async fn actor(state: &AppState, username: &str) -> Result<Option<ap::Actor>> {
    let mut conn = state.conn().await?;
    let account = match accounts::get_account_by_acct(&mut conn, username, None).await {
        Ok(a) if a.id > 0 => a,
        Ok(_) | Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(Some(person_of(&mut conn, &state.config, &account).await?))
}

/// A local account's actor, with `Emoji` tags for the local emojis its
/// display name, note and fields use (or the bare suspended actor).
pub async fn person_of(conn: &mut Conn, config: &Config, account: &Account) -> Result<ap::Actor> {
    if account.suspended_at.is_some() {
        return Ok(documents::suspended_person(config, account));
    }
    let mut person = documents::person(config, account);
    let mut texts: Vec<&str> = vec![&account.display_name, &account.note];
    for field in account.fields.as_array().into_iter().flatten() {
        texts.extend(
            ["name", "value"]
                .iter()
                .filter_map(|k| field.get(k)?.as_str()),
        );
    }
    let emojis = custom_emojis::used_in(conn, &texts).await?;
    if let Some(tags) = &mut person.tag {
        tags.extend(emojis.iter().map(|e| documents::emoji_tag(config, e)));
    }
    let aliases = ferrodon_db::queries::account_aliases::list_aliases(conn, account.id).await?;
    person.also_known_as = aliases.into_iter().map(|a| a.uri).collect();
    if let Some(moved_to) = accounts::moved_to(conn, account.id).await? {
        match accounts::get_account_by_id(conn, moved_to).await {
            Ok(target) => person.moved_to = Some(target.uri),
            Err(ferrodon_db::Error::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(person)
}

/// The `Note` of a public or unlisted local status, given its views.
pub async fn note_of(conn: &mut Conn, state: &AppState, view: &StatusView) -> Result<ap::Note> {
    let parent_uri = match view.status.in_reply_to_id {
        Some(parent) => match statuses::get_status_by_id(conn, parent).await {
            Ok(p) => Some(p.uri),
            Err(ferrodon_db::Error::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let attachments = media::media_of_statuses(conn, &[view.status.id]).await?;
    let poll = ferrodon_db::queries::polls::polls_of_statuses(conn, &[view.status.id])
        .await?
        .into_iter()
        .next();
    let mut note = documents::note(
        &state.config,
        view,
        parent_uri.as_deref(),
        &attachments,
        poll.as_ref(),
    );
    let emojis =
        custom_emojis::used_in(conn, &[&view.status.spoiler_text, &view.status.text]).await?;
    note.tag.extend(
        emojis
            .iter()
            .map(|e| documents::emoji_tag(&state.config, e)),
    );
    let quoted = quoted_of(conn, view.status.id).await?;
    let policy = crate::quotes::approval(&view.status, None, false);
    documents::add_quote(
        &mut note,
        quoted.as_ref().map(|q| q.uri.as_str()),
        quoted.as_ref().and_then(|q| q.authorization.as_deref()),
        &policy.automatic,
        &view.account.uri,
    );
    Ok(note)
}

/// The status a status quotes, while the quote stands.
struct Quoted {
    /// Its URI.
    uri: String,
    /// The approval of the quote, once given.
    authorization: Option<String>,
}

async fn quoted_of(conn: &mut Conn, status_id: i64) -> Result<Option<Quoted>> {
    use ferrodon_db::models::QuoteState;
    let quote = ferrodon_db::queries::quotes::quotes_of_statuses(conn, &[status_id])
        .await?
        .into_iter()
        .next();
    let Some(quote) =
        quote.filter(|q| matches!(q.state(), QuoteState::Accepted | QuoteState::Pending))
    else {
        return Ok(None);
    };
    let Some(quoted_id) = quote.quoted_status_id else {
        return Ok(None);
    };
    let quoted = match statuses::get_status_by_id(conn, quoted_id).await {
        Ok(s) => s,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let authorization = match quote.state() {
        QuoteState::Accepted if quoted.local => {
            let author = accounts::get_account_by_id(conn, quoted.account_id).await?;
            Some(documents::quote_authorization_id(&author.uri, quote.id))
        }
        QuoteState::Accepted => quote.approval_uri.clone(),
        _ => None,
    };
    Ok(Some(Quoted {
        uri: quoted.uri,
        authorization,
    }))
}

/// A local account's approval of quote `quote_id` of one of its posts,
/// while it stands (the quote accepted, the quoted post public or
/// unlisted); `None` (404) otherwise, as after a revocation.
pub async fn quote_authorization(
    state: &AppState,
    username: &str,
    quote_id: i64,
) -> Result<Option<ap::QuoteAuthorization>> {
    use ferrodon_db::models::QuoteState;
    let mut conn = state.conn().await?;
    let Some(author) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let quote = match ferrodon_db::queries::quotes::get_quote_by_id(&mut conn, quote_id).await {
        Ok(q) => q,
        Err(ferrodon_db::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if quote.quoted_account_id != Some(author.id) || quote.state() != QuoteState::Accepted {
        return Ok(None);
    }
    let Some(quoted_id) = quote.quoted_status_id else {
        return Ok(None);
    };
    let quoted = statuses::get_status_by_id(&mut conn, quoted_id).await?;
    if quoted.visibility() > Visibility::Unlisted {
        return Ok(None);
    }
    let quoting = statuses::get_status_by_id(&mut conn, quote.status_id).await?;
    Ok(Some(ap::QuoteAuthorization {
        context: Some(ap::Context::Quotes),
        ..documents::quote_authorization(&author.uri, quote.id, &quoting.uri, &quoted.uri)
    }))
}

/// The `Create` of a status's note.
pub fn create_of(status: &Status, actor_uri: &str, note: ap::Note) -> ap::Activity {
    documents::activity(
        ActivityKind::Create,
        format!("{}/activity", status.uri),
        actor_uri,
        note,
    )
}

async fn servable_view(conn: &mut Conn, username: &str, id: i64) -> Result<Option<StatusView>> {
    let Some(author) = local_account(conn, username).await? else {
        return Ok(None);
    };
    let view = load_status_views(conn, &[id], None)
        .await?
        .into_iter()
        .next();
    Ok(view.filter(|v| {
        v.status.account_id == author.id
            && v.status.reblog_of_id.is_none()
            && v.status.visibility() <= Visibility::Unlisted
    }))
}

/// A public or unlisted local status as a `Note` (or its `Create` with `activity`).
pub async fn status(
    state: &AppState,
    username: &str,
    id: i64,
    activity: bool,
) -> Result<Option<StatusDocument>> {
    let mut conn = state.conn().await?;
    let Some(view) = servable_view(&mut conn, username, id).await? else {
        return Ok(None);
    };
    let mut note = note_of(&mut conn, state, &view).await?;
    if activity {
        let create = create_of(&view.status, &view.account.uri, note);
        return Ok(Some(StatusDocument::Create(Box::new(create))));
    }
    note.context = Some(documents::context());
    Ok(Some(StatusDocument::Note(Box::new(note))))
}

/// The outbox: its size, and with `page` public statuses as `Create`s,
/// newest first, older than `max_id` when given, with a `next` link.
pub async fn outbox(
    state: &AppState,
    username: &str,
    page: bool,
    max_id: Option<i64>,
) -> Result<Option<ap::Collection<ap::Activity>>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let id = format!("{}/outbox", account.uri);
    if !page {
        return Ok(Some(documents::ordered_collection(
            &id,
            i64::from(account.statuses_count),
            Some(format!("{id}?page=true")),
        )));
    }
    let request = Page::new(max_id, None, None, Some(PAGE_SIZE), PAGE_SIZE, PAGE_SIZE);
    let filter = AccountStatusesFilter {
        exclude_reblogs: true,
        ..AccountStatusesFilter::default()
    };
    let ids = list_account_statuses(
        &mut conn,
        AccountId::new(account.id),
        None,
        &filter,
        &request,
    )
    .await?;
    let next = (ids.len() as i64 == PAGE_SIZE)
        .then(|| {
            ids.last()
                .map(|last| format!("{id}?page=true&max_id={last}"))
        })
        .flatten();
    let views = load_status_views(&mut conn, &ids, None).await?;
    let mut items = Vec::new();
    for view in views
        .iter()
        .filter(|v| v.status.visibility() == Visibility::Public)
    {
        let note = note_of(&mut conn, state, view).await?;
        items.push(create_of(&view.status, &account.uri, note));
    }
    let this = match max_id {
        Some(max) => format!("{id}?page=true&max_id={max}"),
        None => format!("{id}?page=true"),
    };
    Ok(Some(documents::collection_page(&this, &id, items, next)))
}

/// Followers or following: the count, and with `page` the first actor ids
/// (unless the account hides its collections).
pub async fn relationships(
    state: &AppState,
    username: &str,
    followers: bool,
    page: bool,
    max_id: Option<i64>,
) -> Result<Option<ap::Collection<String>>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let (id, total) = if followers {
        (
            format!("{}/followers", account.uri),
            account.followers_count,
        )
    } else {
        (
            format!("{}/following", account.uri),
            account.following_count,
        )
    };
    if !page || account.hide_collections {
        let first = (!account.hide_collections).then(|| format!("{id}?page=1"));
        return Ok(Some(documents::ordered_collection(
            &id,
            i64::from(total),
            first,
        )));
    }
    let request = Page::new(max_id, None, None, Some(40), 40, 40);
    let members = if followers {
        follows::list_followers(&mut conn, account.id, &request).await?
    } else {
        follows::list_following(&mut conn, account.id, &request).await?
    };
    let next = (members.len() == 40)
        .then(|| {
            members
                .last()
                .map(|(cursor, _)| format!("{id}?page=1&max_id={cursor}"))
        })
        .flatten();
    let items = members.into_iter().map(|(_, a)| a.uri).collect();
    let this = match max_id {
        Some(max) => format!("{id}?page=1&max_id={max}"),
        None => format!("{id}?page=1"),
    };
    Ok(Some(documents::collection_page(&this, &id, items, next)))
}

/// A note's replies written here: the collection, and with `page` their ids.
pub async fn replies(
    state: &AppState,
    username: &str,
    id: i64,
    page: bool,
) -> Result<Option<ap::Collection<String>>> {
    let mut conn = state.conn().await?;
    let Some(view) = servable_view(&mut conn, username, id).await? else {
        return Ok(None);
    };
    let collection_id = format!("{}/replies", view.status.uri);
    let first = format!("{collection_id}?page=true");
    if page {
        let uris =
            statuses::list_local_public_reply_uris(&mut conn, StatusId::new(id), 100).await?;
        return Ok(Some(documents::collection_page(
            &first,
            &collection_id,
            uris,
            None,
        )));
    }
    Ok(Some(documents::replies_collection(&view.status.uri)))
}

/// Featured hashtags (none yet: the collection exists so fetches succeed).
pub async fn featured_tags(
    state: &AppState,
    username: &str,
) -> Result<Option<ap::Collection<ap::Tag>>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let id = format!("{}/collections/tags", account.uri);
    Ok(Some(documents::ordered_collection_of(&id, Vec::new())))
}

/// Pinned statuses as notes.
pub async fn featured(
    state: &AppState,
    username: &str,
) -> Result<Option<ap::Collection<ap::Note>>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let ids = favourites_bookmarks::list_pinned_status_ids(&mut conn, account.id).await?;
    let views = load_status_views(&mut conn, &ids, None).await?;
    let mut notes = Vec::new();
    for view in views
        .iter()
        .filter(|v| v.status.visibility() <= Visibility::Unlisted)
    {
        notes.push(note_of(&mut conn, state, view).await?);
    }
    let id = format!("{}/collections/featured", account.uri);
    Ok(Some(documents::ordered_collection_of(&id, notes)))
}
