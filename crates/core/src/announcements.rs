//! Announcements: what admins publish to every signed-in user (with
//! `ferrodonctl announcements`), their REST entity, dismissals and emoji
//! reactions, and the `announcement`, `announcement.reaction` and
//! `announcement.delete` events on every `user` stream.
use chrono::{DateTime, Utc};
use ferrodon_db::queries::announcements::{
    self as queries, Announcement, NewAnnouncement, ReactionCount,
};
use ferrodon_db::queries::custom_emojis::find_emojis;
use ferrodon_db::AccountId;
use ferrodon_db::Conn;
use serde_json::{json, Value};

use crate::entities::timestamp;
use crate::streaming::{publish, Event, Stream};
use crate::text::shortcodes_in;
use crate::text::{extract_hashtags, render_plain_text};
use crate::{urls, AppState, Config, Error, Result};

/// Most different reactions on one announcement, as Mastodon.
const MAX_REACTION_NAMES: i64 = 8;

/// What `ferrodonctl announcements create` takes.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Plain text; links and hashtags are linked when rendered.
    pub text: String,
    /// When the event it announces starts.
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether the times are whole days.
    pub all_day: bool,
    /// Publish at once.
    pub publish: bool,
}

/// Renders announcements; `viewer` adds `read` and `me`.
pub async fn render(
    conn: &mut Conn,
    config: &Config,
    rows: &[Announcement],
    viewer: Option<i64>,
) -> Result<Vec<Value>> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let reactions = queries::reaction_counts(conn, &ids, viewer).await?;
    let read = match viewer {
        Some(v) => Some(queries::dismissed_ids(conn, v, &ids).await?),
        None => None,
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let emojis: Vec<_> = find_emojis(conn, None, &shortcodes_in(&row.text))
            .await?
            .iter()
            .map(crate::custom_emojis::entity)
            .collect();
        let tag_url = |t: &str| urls::tag_url(config, t);
        let tags: Vec<Value> = extract_hashtags(&row.text)
            .iter()
            .map(|t| json!({ "name": t.to_lowercase(), "url": tag_url(&t.to_lowercase()) }))
            .collect();
        let mut entity = json!({
            "id": row.id.to_string(),
            "content": render_plain_text(&row.text, &|_, _| None, &tag_url),
            "starts_at": row.starts_at.as_ref().map(timestamp),
            "ends_at": row.ends_at.as_ref().map(timestamp),
            "all_day": row.all_day,
            "published_at": row.published_at.as_ref().map(timestamp),
            "updated_at": timestamp(&row.updated_at),
            "mentions": [],
            "statuses": [],
            "tags": tags,
            "emojis": emojis,
            "reactions": reactions
                .iter()
                .filter(|r| r.announcement_id == row.id)
                .map(|r| reaction(r, viewer.is_some()))
                .collect::<Vec<_>>(),
        });
        if let (Some(obj), Some(read)) = (entity.as_object_mut(), &read) {
            obj.insert("read".into(), json!(read.contains(&row.id)));
        }
        out.push(entity);
    }
    Ok(out)
}

fn reaction(r: &ReactionCount, with_me: bool) -> Value {
    let mut out = json!({ "name": r.name, "count": r.count });
    if let Some(obj) = out.as_object_mut() {
        if with_me {
            obj.insert("me".into(), json!(r.me));
        }
        if let Some(url) = &r.url {
            obj.insert("url".into(), json!(url));
            obj.insert("static_url".into(), json!(url));
        }
    }
    out
}

/// Publishes an event to every `user` stream; best effort, as live events are.
async fn broadcast(state: &AppState, event: &str, payload: String) -> Result<()> {
    let sent = publish(
        state,
        &[Stream::Announcements],
        &Event {
            event: event.into(),
            payload,
            account_ids: Vec::new(),
        },
    )
    .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, event, "could not publish an announcement event");
    }
    Ok(())
}

async fn broadcast_published(state: &AppState, row: &Announcement) -> Result<()> {
    let mut conn = state.conn().await?;
    let rendered = render(&mut conn, &state.config, std::slice::from_ref(row), None).await?;
    drop(conn);
    let payload = rendered.first().map(Value::to_string).unwrap_or_default();
    broadcast(state, "announcement", payload).await
}

/// Adds an announcement (published at once unless the draft says not).
pub async fn create(state: &AppState, draft: &Draft) -> Result<Announcement> {
    if draft.text.trim().is_empty() {
        return Err(Error::validation("Text can't be blank"));
    }
    if let (Some(start), Some(end)) = (draft.starts_at, draft.ends_at) {
        if end < start {
            return Err(Error::validation("Ends at must be after the start"));
        }
    }
    let mut conn = state.conn().await?;
    let row = queries::create_announcement(
        &mut conn,
        &NewAnnouncement {
            text: &draft.text,
            starts_at: draft.starts_at,
            ends_at: draft.ends_at,
            all_day: draft.all_day,
            published: draft.publish,
            published_at: draft.publish.then(Utc::now),
        },
    )
    .await?;
    drop(conn);
    if row.published {
        broadcast_published(state, &row).await?;
    }
    Ok(row)
}

/// Publishes or unpublishes an announcement; `None` if there is none.
pub async fn set_published(
    state: &AppState,
    id: i64,
    published: bool,
) -> Result<Option<Announcement>> {
    let mut conn = state.conn().await?;
    let row = queries::set_published(&mut conn, id, published).await?;
    drop(conn);
    match &row {
        Some(row) if published => broadcast_published(state, row).await?,
        Some(row) => broadcast(state, "announcement.delete", row.id.to_string()).await?,
        None => {}
    }
    Ok(row)
}

/// Deletes an announcement; whether it existed.
pub async fn delete(state: &AppState, id: i64) -> Result<bool> {
    let mut conn = state.conn().await?;
    let deleted = queries::delete_announcement(&mut conn, id).await?;
    drop(conn);
    if deleted {
        broadcast(state, "announcement.delete", id.to_string()).await?;
    }
    Ok(deleted)
}

/// A published announcement, or NotFound.
pub async fn published(conn: &mut Conn, id: i64) -> Result<Announcement> {
    queries::find_announcement(conn, id, true)
        .await?
        .ok_or(Error::NotFound)
}

/// Whether `name` looks like one emoji: pictographic characters, joined by
/// ZWJ, with variation selectors, skin tones, keycaps or flag letters.
fn unicode_emoji(name: &str) -> bool {
    let pictographic = |c: char| {
        matches!(u32::from(c),
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2300..=0x23FF | 0x2B00..=0x2BFF
            | 0x2190..=0x21FF | 0x25A0..=0x25FF | 0x2900..=0x297F | 0x3030 | 0x303D
            | 0x3297 | 0x3299 | 0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x24C2)
    };
    let joiner = |c: char| {
        matches!(
            u32::from(c),
            0x200D | 0xFE0F | 0xFE0E | 0x20E3 | 0xE0020..=0xE007F
        )
    };
    let keycap_base = |c: char| c.is_ascii_digit() || c == '#' || c == '*';
    let chars: Vec<char> = name.chars().collect();
    !chars.is_empty()
        && chars.len() <= 16
        && chars.iter().any(|c| pictographic(*c) || *c == '\u{20E3}')
        && chars
            .iter()
            .all(|c| pictographic(*c) || joiner(*c) || keycap_base(*c))
}

async fn announce_count(state: &AppState, id: i64, name: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    let count = queries::count_reactions(&mut conn, id, name).await?;
    drop(conn);
    let payload = json!({ "name": name, "count": count, "announcement_id": id.to_string() });
    broadcast(state, "announcement.reaction", payload.to_string()).await
}

/// Adds `account_id`'s reaction `name` (a unicode emoji or the shortcode of
/// an enabled local custom emoji) to a published announcement.
pub async fn react(state: &AppState, account_id: i64, id: i64, name: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    published(&mut conn, id).await?;
    let custom = find_emojis(&mut conn, None, &[name.to_owned()]).await?;
    let custom_id = custom.first().map(|e| e.id);
    if custom_id.is_none() && !unicode_emoji(name) {
        return Err(Error::validation("Name is not a recognized emoji"));
    }
    let (others, exists) = queries::other_reaction_names(&mut conn, id, name).await?;
    if !exists && others >= MAX_REACTION_NAMES {
        return Err(Error::validation("Limit of different reactions reached"));
    }
    queries::add_reaction(&mut conn, AccountId::new(account_id), id, name, custom_id).await?;
    drop(conn);
    announce_count(state, id, name).await
}

/// Removes `account_id`'s reaction `name`; NotFound if there is none.
pub async fn unreact(state: &AppState, account_id: i64, id: i64, name: &str) -> Result<()> {
    let mut conn = state.conn().await?;
    published(&mut conn, id).await?;
    if !queries::remove_reaction(&mut conn, AccountId::new(account_id), id, name).await? {
        return Err(Error::NotFound);
    }
    drop(conn);
    announce_count(state, id, name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_emojis_are_recognised() {
        for ok in ["👍", "❤️", "🎉", "👩‍💻", "👍🏽", "1️⃣", "🇫🇷", "☕"]
        {
            assert!(unicode_emoji(ok), "{ok}");
        }
        for bad in ["", "a", "blobcat", "1", "👍 x", ":+1:"] {
            assert!(!unicode_emoji(bad), "{bad}");
        }
    }
}
