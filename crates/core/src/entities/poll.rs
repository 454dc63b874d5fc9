//! Mastodon's Poll entity (`REST::PollSerializer`).
use ferrodon_db::queries::polls::Poll;
use serde_json::{json, Value};

use super::timestamp;

/// Renders a poll; `own_votes` is the viewer's choices (`None`: signed out).
pub fn render(poll: &Poll, own_votes: Option<&[i32]>) -> Value {
    let voted = own_votes.is_some_and(|v| !v.is_empty());
    let show_totals = !poll.hide_totals || poll.expired() || voted;
    let options: Vec<Value> = poll
        .options
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({
                "title": title,
                "votes_count": show_totals.then(|| poll.tallies.get(i).copied().unwrap_or(0)),
            })
        })
        .collect();
    let mut out = json!({
        "id": poll.id.to_string(),
        "expires_at": poll.expires_at.as_ref().map(timestamp),
        "expired": poll.expired(),
        "multiple": poll.multiple,
        "votes_count": poll.votes_count,
        "voters_count": poll.voters_count,
        "options": options,
        "emojis": [],
    });
    if let (Some(votes), Some(obj)) = (own_votes, out.as_object_mut()) {
        obj.insert("voted".into(), json!(voted));
        obj.insert("own_votes".into(), json!(votes));
    }
    out
}
