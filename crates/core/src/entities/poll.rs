//! Mastodon's Poll entity (`REST::PollSerializer`).
use ferrodon_db::queries::polls::Poll as PollRow;
use serde::Serialize;

use super::custom_emoji::CustomEmoji;
use super::timestamp;

/// A poll as clients see it.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Poll {
    pub id: String,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub multiple: bool,
    pub votes_count: i32,
    pub voters_count: i32,
    pub options: Vec<PollOption>,
    pub emojis: Vec<CustomEmoji>,
    /// Only for a signed-in viewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voted: Option<bool>,
    /// The viewer's choices; only for a signed-in viewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_votes: Option<Vec<i32>>,
}

/// One choice of a poll.
#[derive(Debug, Clone, Serialize)]
pub struct PollOption {
    /// The choice's text.
    pub title: String,
    /// Null while totals are hidden.
    pub votes_count: Option<i32>,
}

/// Renders a poll; `own_votes` is the viewer's choices (`None`: signed out).
pub fn render(poll: &PollRow, own_votes: Option<&[i32]>) -> Poll {
    let voted = own_votes.is_some_and(|v| !v.is_empty());
    let show_totals = !poll.hide_totals || poll.expired() || voted;
    Poll {
        id: poll.id.to_string(),
        expires_at: poll.expires_at.as_ref().map(timestamp),
        expired: poll.expired(),
        multiple: poll.multiple,
        votes_count: poll.votes_count,
        voters_count: poll.voters_count,
        options: poll
            .options
            .iter()
            .enumerate()
            .map(|(i, title)| PollOption {
                title: title.clone(),
                votes_count: show_totals.then(|| poll.tallies.get(i).copied().unwrap_or(0)),
            })
            .collect(),
        emojis: Vec::new(),
        voted: own_votes.map(|_| voted),
        own_votes: own_votes.map(<[i32]>::to_vec),
    }
}
