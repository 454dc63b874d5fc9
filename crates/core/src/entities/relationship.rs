//! `Relationship`.
use ferrodon_db::queries::follows::RelationshipFacts;
use serde::Serialize;

/// How the viewer relates to another account.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Relationship {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

/// Renders the relationship with account `target`.
pub fn render(target: i64, facts: &RelationshipFacts) -> Relationship {
    Relationship {
        id: target.to_string(),
        following: facts.following.is_some(),
        showing_reblogs: facts.following.as_ref().is_some_and(|f| f.show_reblogs),
        notifying: facts.following.as_ref().is_some_and(|f| f.notify),
        languages: facts.following.as_ref().and_then(|f| f.languages.clone()),
        followed_by: facts.followed_by,
        blocking: facts.blocking,
        blocked_by: facts.blocked_by,
        muting: facts.muting,
        muting_notifications: facts.muting_notifications,
        requested: facts.requested,
        requested_by: facts.requested_by,
        domain_blocking: facts.domain_blocking,
        endorsed: facts.endorsed,
        note: facts.note.clone(),
    }
}
