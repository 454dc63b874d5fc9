//! What `GET` of this server's ActivityPub URLs answers: actors, notes and
//! their `Create`, outboxes, follower and following collections, featured
//! (pinned) statuses. `None` means 404: no such local account, or a status
//! that is not public or unlisted (those are only delivered, never served).
use ferrodon_db::models::{Account, Status, Visibility};
use ferrodon_db::queries::custom_emojis::CustomEmoji;
use ferrodon_db::queries::status_views::{load_status_views, StatusView};
use ferrodon_db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_db::queries::{accounts, favourites_bookmarks, follows, media, statuses};
use ferrodon_db::{Conn, Page};
use serde_json::Value;

use super::documents;
use crate::custom_emojis;
use crate::{AppState, Config, Result};

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
pub async fn actor(state: &AppState, username: &str) -> Result<Option<Value>> {
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
pub async fn person_of(conn: &mut Conn, config: &Config, account: &Account) -> Result<Value> {
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
    add_emoji_tags(config, &mut person, &emojis);
    let aliases = ferrodon_db::queries::account_aliases::list_aliases(conn, account.id).await?;
    if let Some(obj) = person.as_object_mut() {
        if !aliases.is_empty() {
            let uris: Vec<&str> = aliases.iter().map(|a| a.uri.as_str()).collect();
            obj.insert("alsoKnownAs".into(), serde_json::json!(uris));
        }
        if let Some(moved_to) = accounts::moved_to(conn, account.id).await? {
            match accounts::get_account_by_id(conn, moved_to).await {
                Ok(target) => {
                    obj.insert("movedTo".into(), Value::String(target.uri));
                }
                Err(ferrodon_db::Error::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(person)
}

/// The `Note` of a public or unlisted local status, given its views.
pub async fn note_of(conn: &mut Conn, state: &AppState, view: &StatusView) -> Result<Value> {
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
    add_emoji_tags(&state.config, &mut note, &emojis);
    let quoted_uri = quoted_uri(conn, view.status.id).await?;
    let policy = crate::quotes::approval(&view.status, None, false);
    documents::add_quote(
        &mut note,
        quoted_uri.as_deref(),
        &policy.automatic,
        &view.account.uri,
    );
    Ok(note)
}

/// Appends `Emoji` tags for the local emojis a document uses.
fn add_emoji_tags(config: &Config, document: &mut Value, emojis: &[CustomEmoji]) {
    if let Some(Value::Array(tags)) = document.get_mut("tag") {
        tags.extend(emojis.iter().map(|e| custom_emojis::tag(config, e)));
    }
}

/// The URI of the status a status quotes, while the quote stands.
async fn quoted_uri(conn: &mut Conn, status_id: i64) -> Result<Option<String>> {
    use ferrodon_db::models::QuoteState;
    let quote = ferrodon_db::queries::quotes::quotes_of_statuses(conn, &[status_id])
        .await?
        .into_iter()
        .next();
    let Some(quoted) = quote
        .filter(|q| matches!(q.state(), QuoteState::Accepted | QuoteState::Pending))
        .and_then(|q| q.quoted_status_id)
    else {
        return Ok(None);
    };
    match statuses::get_status_by_id(conn, quoted).await {
        Ok(s) => Ok(Some(s.uri)),
        Err(ferrodon_db::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The `Create` of a status's note.
pub fn create_of(status: &Status, actor_uri: &str, note: Value) -> Value {
    documents::activity(
        "Create",
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
) -> Result<Option<Value>> {
    let mut conn = state.conn().await?;
    let Some(view) = servable_view(&mut conn, username, id).await? else {
        return Ok(None);
    };
    let mut note = note_of(&mut conn, state, &view).await?;
    if activity {
        return Ok(Some(create_of(&view.status, &view.account.uri, note)));
    }
    if let Some(obj) = note.as_object_mut() {
        obj.insert("@context".into(), documents::context());
    }
    Ok(Some(note))
}

/// The outbox: its size, and with `page` public statuses as `Create`s,
/// newest first, older than `max_id` when given, with a `next` link.
pub async fn outbox(
    state: &AppState,
    username: &str,
    page: bool,
    max_id: Option<i64>,
) -> Result<Option<Value>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let id = format!("{}/outbox", account.uri);
    if !page {
        return Ok(Some(documents::ordered_collection(
            &id,
            i64::from(account.statuses_count),
            Some(Value::String(format!("{id}?page=true"))),
        )));
    }
    let request = Page::new(max_id, None, None, Some(PAGE_SIZE), PAGE_SIZE, PAGE_SIZE);
    let filter = AccountStatusesFilter {
        exclude_reblogs: true,
        ..AccountStatusesFilter::default()
    };
    let ids = list_account_statuses(&mut conn, account.id, None, &filter, &request).await?;
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
) -> Result<Option<Value>> {
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
        let first = (!account.hide_collections).then(|| Value::String(format!("{id}?page=1")));
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
    let items = members
        .into_iter()
        .map(|(_, a)| Value::String(a.uri))
        .collect();
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
) -> Result<Option<Value>> {
    let mut conn = state.conn().await?;
    let Some(view) = servable_view(&mut conn, username, id).await? else {
        return Ok(None);
    };
    let collection_id = format!("{}/replies", view.status.uri);
    let uris = statuses::list_local_public_reply_uris(&mut conn, id, 100).await?;
    let items = uris.into_iter().map(Value::String).collect();
    if page {
        return Ok(Some(documents::collection_page(
            &format!("{collection_id}?page=true"),
            &collection_id,
            items,
            None,
        )));
    }
    Ok(Some(serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": collection_id,
        "type": "Collection",
        "first": format!("{collection_id}?page=true"),
    })))
}

/// Featured hashtags (none yet: the collection exists so fetches succeed).
pub async fn featured_tags(state: &AppState, username: &str) -> Result<Option<Value>> {
    let mut conn = state.conn().await?;
    let Some(account) = local_account(&mut conn, username).await? else {
        return Ok(None);
    };
    let mut doc =
        documents::ordered_collection(&format!("{}/collections/tags", account.uri), 0, None);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("orderedItems".into(), Value::Array(Vec::new()));
    }
    Ok(Some(doc))
}

/// Pinned statuses as notes.
pub async fn featured(state: &AppState, username: &str) -> Result<Option<Value>> {
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
    let mut doc = documents::ordered_collection(&id, notes.len() as i64, None);
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("orderedItems".into(), Value::Array(notes));
    }
    Ok(Some(doc))
}
