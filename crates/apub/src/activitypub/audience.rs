//! Addressing: the public collection, Mastodon's visibility levels derived
//! from `to`/`cc`, and mentioned actors.
use super::tag::Tag;

/// The public collection's full id.
pub const PUBLIC_COLLECTION: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Whether an audience entry is the public collection, in any of the forms
/// servers send it: the full IRI, `as:Public` or `Public`.
pub fn is_public(id: &str) -> bool {
    matches!(id, PUBLIC_COLLECTION | "as:Public" | "Public")
}

/// Mastodon's visibility levels for a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Public in `to`: on public timelines.
    Public,
    /// Public only in `cc`: visible to all, kept off public timelines.
    Unlisted,
    /// The author's followers addressed, without Public: followers only.
    Private,
    /// Neither: only the addressed (mentioned) accounts.
    Direct,
}

impl Visibility {
    /// The name Mastodon's API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}

/// Derives the visibility from the audience and the author's followers
/// collection: Public in `to` is public; Public in `cc` is unlisted; the
/// followers collection in `to` or `cc` (without Public) is private; anything
/// else is direct. (Mastodon's own code looks for the followers collection
/// in `to` only; its documentation names `to` or `cc`, as this does.)
pub fn visibility(to: &[String], cc: &[String], followers: Option<&str>) -> Visibility {
    if to.iter().any(|id| is_public(id)) {
        Visibility::Public
    } else if cc.iter().any(|id| is_public(id)) {
        Visibility::Unlisted
    } else if followers.is_some_and(|f| to.iter().chain(cc).any(|id| id == f)) {
        Visibility::Private
    } else {
        Visibility::Direct
    }
}

/// The actor ids of the `Mention` tags, in order, without duplicates.
pub fn mentioned_ids(tags: &[Tag]) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for id in tags.iter().filter_map(Tag::mention_href) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Whether `id` is addressed in `to` or `cc`.
pub fn is_addressed(to: &[String], cc: &[String], id: &str) -> bool {
    to.iter().chain(cc).any(|entry| entry == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    const FOLLOWERS: &str = "https://a.example/users/x/followers";

    #[test]
    fn visibility_levels() {
        let f = Some(FOLLOWERS);
        assert_eq!(visibility(&v(&["as:Public"]), &[], f), Visibility::Public);
        assert_eq!(
            visibility(&v(&[FOLLOWERS]), &v(&[PUBLIC_COLLECTION]), f),
            Visibility::Unlisted
        );
        assert_eq!(visibility(&v(&[FOLLOWERS]), &[], f), Visibility::Private);
        assert_eq!(visibility(&[], &v(&[FOLLOWERS]), f), Visibility::Private);
        assert_eq!(
            visibility(&v(&["https://b.example/users/y"]), &[], f),
            Visibility::Direct
        );
        assert_eq!(visibility(&v(&[FOLLOWERS]), &[], None), Visibility::Direct);
        assert_eq!(visibility(&v(&["Public"]), &[], None).as_str(), "public");
    }

    #[test]
    fn public_forms() {
        assert!(is_public(PUBLIC_COLLECTION));
        assert!(is_public("as:Public"));
        assert!(is_public("Public"));
        assert!(!is_public("https://www.w3.org/ns/activitystreams#public"));
        assert!(is_addressed(&v(&["a"]), &v(&["b"]), "b"));
    }
}
