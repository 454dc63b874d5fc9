//! [`Flag`]: a report forwarded to the reported account's server, sent by
//! the instance actor so the reporter stays anonymous there (Mastodon's
//! `ActivityPub::FlagSerializer`).
use serde::Serialize;

use super::context::Context;
use crate::activitypub::ActivityKind;

/// A `Flag` activity: `object` names the reported account first, then the
/// reported statuses; `content` is the reporter's comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// `@context`.
    #[serde(rename = "@context")]
    pub context: Context,
    /// The report's id on this server.
    pub id: String,
    /// Always `Flag`.
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    /// Who reports: this server's instance actor.
    pub actor: String,
    /// The comment.
    pub content: String,
    /// The reported account's id, then those of the reported statuses.
    pub object: Vec<String>,
}

impl Flag {
    /// The `Flag` with id `id` from `actor` of `account` and its `statuses`.
    pub fn new(
        id: impl Into<String>,
        actor: impl Into<String>,
        content: impl Into<String>,
        account: impl Into<String>,
        statuses: impl IntoIterator<Item = String>,
    ) -> Flag {
        Flag {
            context: Context::ActivityStreams,
            id: id.into(),
            kind: ActivityKind::Flag,
            actor: actor.into(),
            content: content.into(),
            object: std::iter::once(account.into()).chain(statuses).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_names_the_account_first_and_reads_back() {
        let flag = Flag::new(
            "https://a.example/reports/1",
            "https://a.example/actor",
            "spam",
            "https://b.example/users/x",
            ["https://b.example/notes/1".to_owned()],
        );
        let json = serde_json::to_value(&flag).unwrap_or_default();
        assert_eq!(json["type"], "Flag");
        assert_eq!(json["actor"], "https://a.example/actor");
        assert_eq!(json["content"], "spam");
        assert_eq!(
            json["object"],
            serde_json::json!(["https://b.example/users/x", "https://b.example/notes/1"])
        );
        let bytes = serde_json::to_vec(&flag).unwrap_or_default();
        assert!(
            crate::activitypub::parse_document(&bytes, crate::activitypub::Limits::default())
                .is_ok()
        );
    }
}
