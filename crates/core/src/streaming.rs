//! The contract between the processes that produce streaming events (web,
//! later the workers) and `ferrodon-streaming`, which delivers them.
//!
//! ```text
//!   web / workers ──PUBLISH {ns}:timeline:…──▶ Redis ──▶ ferrodon-streaming ──▶ WebSocket / SSE clients
//! ```
//!
//! Channel names and the message shape follow Mastodon's streaming server:
//! a JSON object `{"event": "update", "payload": "<JSON string>"}` on
//! `timeline:<account id>`, `timeline:public`, `timeline:hashtag:<tag>` …
use deadpool_redis::redis;
use ferrodon_db::queries::timelines::Locality;
use serde::{Deserialize, Serialize};

use crate::{AppState, Result};

/// A named stream a client can subscribe to, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Home timeline and notifications of an account.
    User(i64),
    /// Notifications only.
    UserNotification(i64),
    /// All public statuses.
    Public,
    /// Public statuses of this instance.
    PublicLocal,
    /// Public statuses from other instances.
    PublicRemote,
    /// Public statuses with media (`public:media`, `public:local:media`,
    /// `public:remote:media`, by locality).
    PublicMedia(crate::db::queries::timelines::Locality),
    /// Public statuses with a hashtag (lower-cased).
    Hashtag(String),
    /// Local public statuses with a hashtag (lower-cased).
    HashtagLocal(String),
    /// Direct messages of an account.
    Direct(i64),
    /// Statuses of a list's members (the list's owner only).
    List(i64),
    /// Control channel of one access token: a `kill` event closes every
    /// connection opened with it (sent when the token is revoked). Internal;
    /// clients cannot subscribe to it by name.
    AccessToken(i64),
    /// Announcement events, delivered on every `user` stream (a client
    /// subscribed to `user` listens here too). Internal, like `AccessToken`.
    Announcements,
}

impl Stream {
    /// The Redis channel (without namespace) carrying this stream's events.
    pub fn channel(&self) -> String {
        match self {
            Stream::User(id) => format!("timeline:{id}"),
            Stream::UserNotification(id) => format!("timeline:{id}:notifications"),
            Stream::Public => "timeline:public".into(),
            Stream::PublicLocal => "timeline:public:local".into(),
            Stream::PublicRemote => "timeline:public:remote".into(),
            Stream::PublicMedia(locality) => match locality {
                Locality::All => "timeline:public:media".into(),
                Locality::Local => "timeline:public:local:media".into(),
                Locality::Remote => "timeline:public:remote:media".into(),
            },
            Stream::Hashtag(tag) => format!("timeline:hashtag:{tag}"),
            Stream::HashtagLocal(tag) => format!("timeline:hashtag:{tag}:local"),
            Stream::Direct(id) => format!("timeline:direct:{id}"),
            Stream::List(id) => format!("timeline:list:{id}"),
            Stream::AccessToken(id) => format!("timeline:access_token:{id}"),
            Stream::Announcements => "timeline:announcements".into(),
        }
    }

    /// Mastodon's name of the stream, echoed in every WebSocket message.
    pub fn name(&self) -> &'static str {
        match self {
            Stream::User(_) | Stream::Announcements => "user",
            Stream::UserNotification(_) => "user:notification",
            Stream::Public => "public",
            Stream::PublicLocal => "public:local",
            Stream::PublicRemote => "public:remote",
            Stream::PublicMedia(Locality::All) => "public:media",
            Stream::PublicMedia(Locality::Local) => "public:local:media",
            Stream::PublicMedia(Locality::Remote) => "public:remote:media",
            Stream::Hashtag(_) => "hashtag",
            Stream::HashtagLocal(_) => "hashtag:local",
            Stream::Direct(_) => "direct",
            Stream::List(_) => "list",
            Stream::AccessToken(_) => "access_token",
        }
    }

    /// The extra parameter shown next to the name (hashtag or list id), if any.
    pub fn param(&self) -> Option<String> {
        match self {
            Stream::Hashtag(tag) | Stream::HashtagLocal(tag) => Some(tag.clone()),
            Stream::List(id) => Some(id.to_string()),
            _ => None,
        }
    }

    /// True when the stream needs a signed-in user.
    pub fn needs_user(&self) -> bool {
        matches!(
            self,
            Stream::User(_) | Stream::UserNotification(_) | Stream::Direct(_) | Stream::List(_)
        )
    }

    /// Parses Mastodon's stream name for `viewer` (needed by user streams);
    /// `param` is the hashtag or the list id.
    pub fn parse(name: &str, param: Option<&str>, viewer: Option<i64>) -> Option<Stream> {
        let tag = param;
        let tag = || {
            tag.map(|t| t.trim_start_matches('#').to_lowercase())
                .filter(|t| !t.is_empty())
        };
        Some(match name {
            "user" => Stream::User(viewer?),
            "user:notification" => Stream::UserNotification(viewer?),
            "public" => Stream::Public,
            "public:local" => Stream::PublicLocal,
            "public:remote" => Stream::PublicRemote,
            "public:media" => Stream::PublicMedia(Locality::All),
            "public:local:media" => Stream::PublicMedia(Locality::Local),
            "public:remote:media" => Stream::PublicMedia(Locality::Remote),
            "hashtag" => Stream::Hashtag(tag()?),
            "hashtag:local" => Stream::HashtagLocal(tag()?),
            "direct" => Stream::Direct(viewer?),
            "list" => {
                viewer?;
                Stream::List(param?.trim().parse().ok()?)
            }
            _ => return None,
        })
    }
}

/// One event as it travels through Redis.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Event {
    /// update, delete, notification, status.update …
    pub event: String,
    /// The entity JSON (or a bare id for delete), as a string, as Mastodon sends it.
    pub payload: String,
    /// Accounts the event is about (author, reblogged author), so the
    /// streaming server can hold it back from clients that block or mute
    /// them. Not sent to clients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_ids: Vec<i64>,
}

/// Closes the streaming connections of revoked tokens.
pub async fn kill_token_connections(state: &AppState, token_ids: &[i64]) -> Result<()> {
    let streams: Vec<Stream> = token_ids
        .iter()
        .map(|id| Stream::AccessToken(*id))
        .collect();
    publish(
        state,
        &streams,
        &Event {
            event: "kill".into(),
            payload: String::new(),
            account_ids: Vec::new(),
        },
    )
    .await
}

/// Publishes one event on several streams (pipelined, one round trip).
pub async fn publish(state: &AppState, streams: &[Stream], event: &Event) -> Result<()> {
    if streams.is_empty() {
        return Ok(());
    }
    let message = serde_json::to_string(event)
        .map_err(|e| crate::Error::caused("encoding a streaming event", e))?;
    let mut pipe = redis::pipe();
    for stream in streams {
        pipe.publish(state.redis_key(&stream.channel()), &message)
            .ignore();
    }
    let mut conn = state.redis().await?;
    let _: () = pipe.query_async(&mut *conn).await?;
    Ok(())
}

/// `PUBSUB NUMSUB channel`: how many connections listen to a channel (for health checks and tests).
pub async fn redis_numsub(
    conn: &mut deadpool_redis::Connection,
    channel: &str,
) -> Vec<(String, i64)> {
    redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(channel)
        .query_async(&mut **conn)
        .await
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Stream::parse("user", None, Some(7)), Some(Stream::User(7)));
        assert_eq!(Stream::parse("user", None, None), None);
        assert_eq!(
            Stream::parse("hashtag", Some("#Rust"), None),
            Some(Stream::Hashtag("rust".into()))
        );
        assert_eq!(Stream::parse("hashtag", None, None), None);
        assert_eq!(Stream::parse("nope", None, Some(1)), None);
        assert_eq!(
            Stream::parse("public:local:media", None, None)
                .map(|s| s.channel())
                .as_deref(),
            Some("timeline:public:local:media")
        );
        assert_eq!(Stream::User(7).channel(), "timeline:7");
        assert_eq!(
            Stream::HashtagLocal("rust".into()).channel(),
            "timeline:hashtag:rust:local"
        );
    }
}
