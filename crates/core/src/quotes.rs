//! Quote approval policies, as Mastodon 4.5 stores and reports them.
//!
//! A status's policy is Mastodon's bitmap: the automatic sub-policy in the
//! high 16 bits, the manual one in the low 16. Local statuses only ever get
//! an automatic policy (`public`, `followers`) or none (`nobody`); private
//! and direct statuses are downgraded to `nobody`.
use ferrodon_db::models::{Account, Status, Visibility};
use serde::Serialize;

use crate::{Error, Result};

/// The policy could not be read (a remote actor list we do not understand).
const UNSUPPORTED: i32 = 1 << 0;
/// Anyone.
const PUBLIC: i32 = 1 << 1;
/// The author's followers.
const FOLLOWERS: i32 = 1 << 2;
/// Accounts the author follows.
const FOLLOWING: i32 = 1 << 3;

const FLAGS: [(i32, &str); 4] = [
    (UNSUPPORTED, "unsupported_policy"),
    (PUBLIC, "public"),
    (FOLLOWERS, "followers"),
    (FOLLOWING, "following"),
];

/// Who may quote a status, as a client chooses it when posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotePolicy {
    /// Anyone, approved automatically.
    Public,
    /// The author's followers, approved automatically.
    Followers,
    /// Only the author.
    Nobody,
}

impl QuotePolicy {
    /// Parses `quote_approval_policy`; anything else is Mastodon's 422.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "public" => Ok(QuotePolicy::Public),
            "followers" => Ok(QuotePolicy::Followers),
            "nobody" => Ok(QuotePolicy::Nobody),
            // Mastodon raises a bare RecordInvalid here.
            _ => Err(Error::Validation("Record invalid".into())),
        }
    }

    /// Mastodon's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotePolicy::Public => "public",
            QuotePolicy::Followers => "followers",
            QuotePolicy::Nobody => "nobody",
        }
    }

    /// The stored bitmap for a status of `visibility`: only public and
    /// unlisted statuses may be quoted by others.
    pub fn bitmap(self, visibility: Visibility) -> i32 {
        if !distributable(visibility) {
            return 0;
        }
        match self {
            QuotePolicy::Public => PUBLIC << 16,
            QuotePolicy::Followers => FOLLOWERS << 16,
            QuotePolicy::Nobody => 0,
        }
    }
}

fn distributable(visibility: Visibility) -> bool {
    matches!(visibility, Visibility::Public | Visibility::Unlisted)
}

/// The stored bitmap for a remote post's `interactionPolicy.canQuote`
/// (`automatic` and `manual` ids), as Mastodon reads it: the public
/// collection is anyone, the author's followers collection their
/// followers, the author's following collection whom they follow; the
/// author themselves is left out (they may always quote), and any other
/// id (a list of accounts, a collection we cannot read) is unsupported.
pub fn remote_policy(automatic: &[String], manual: &[String], author: &Account) -> i32 {
    let bits = |ids: &[String]| {
        ids.iter().fold(0, |bits, id| {
            let id = id.as_str();
            bits | if matches!(
                id,
                "https://www.w3.org/ns/activitystreams#Public" | "as:Public" | "Public"
            ) {
                PUBLIC
            } else if !author.followers_url.is_empty() && id == author.followers_url {
                FOLLOWERS
            } else if id == format!("{}/following", author.uri) {
                FOLLOWING
            } else if id == author.uri {
                0
            } else {
                UNSUPPORTED
            }
        })
    };
    (bits(automatic) << 16) | bits(manual)
}

/// What a viewer may do about quoting a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteDecision {
    /// The quote is accepted at once.
    Automatic,
    /// The quote waits for the author's approval.
    Manual,
    /// The quote is refused.
    Denied,
    /// The policy could not be read; the remote server decides.
    Unknown,
}

impl QuoteDecision {
    /// Mastodon's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteDecision::Automatic => "automatic",
            QuoteDecision::Manual => "manual",
            QuoteDecision::Denied => "denied",
            QuoteDecision::Unknown => "unknown",
        }
    }
}

/// Decides whether `viewer` may quote `status`; `follows_author` says
/// whether the viewer follows the status's author.
pub fn decide(status: &Status, viewer: Option<i64>, follows_author: bool) -> QuoteDecision {
    let Some(viewer) = viewer else {
        return QuoteDecision::Denied;
    };
    if status.visibility() == Visibility::Direct || status.reblog_of_id.is_some() {
        return QuoteDecision::Denied;
    }
    if status.account_id == viewer {
        return QuoteDecision::Automatic;
    }
    if !distributable(status.visibility()) {
        return QuoteDecision::Denied;
    }
    let automatic = status.quote_approval_policy >> 16;
    let manual = status.quote_approval_policy & 0xFFFF;
    if automatic & PUBLIC != 0 || (automatic & FOLLOWERS != 0 && follows_author) {
        return QuoteDecision::Automatic;
    }
    if manual & PUBLIC != 0 || (manual & FOLLOWERS != 0 && follows_author) {
        return QuoteDecision::Manual;
    }
    if (automatic | manual) & (UNSUPPORTED | FOLLOWING) != 0 {
        return QuoteDecision::Unknown;
    }
    QuoteDecision::Denied
}

/// Whether the decision for `status` may depend on following its author.
pub fn depends_on_following(status: &Status) -> bool {
    status.quote_approval_policy & ((FOLLOWERS << 16) | FOLLOWERS) != 0
}

/// The `quote_approval` attribute of a Status.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteApproval {
    /// Who is approved automatically.
    pub automatic: Vec<&'static str>,
    /// Who may ask for approval.
    pub manual: Vec<&'static str>,
    /// What the viewer may do.
    pub current_user: &'static str,
}

/// Renders the quote approval attribute for `viewer`.
pub fn approval(status: &Status, viewer: Option<i64>, follows_author: bool) -> QuoteApproval {
    let keys = |bits: i32| {
        FLAGS
            .iter()
            .filter(|(flag, _)| bits & flag != 0)
            .map(|(_, name)| *name)
            .collect()
    };
    QuoteApproval {
        automatic: keys(status.quote_approval_policy >> 16),
        manual: keys(status.quote_approval_policy & 0xFFFF),
        current_user: decide(status, viewer, follows_author).as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(visibility: Visibility, policy: QuotePolicy) -> Status {
        let now = chrono::Utc::now();
        Status {
            id: 1,
            uri: String::new(),
            url: None,
            account_id: 10,
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog_of_id: None,
            text: String::new(),
            content: String::new(),
            spoiler_text: String::new(),
            sensitive: false,
            visibility: visibility.as_i16(),
            language: None,
            local: true,
            application_id: None,
            created_at: now,
            updated_at: now,
            edited_at: None,
            replies_count: 0,
            reblogs_count: 0,
            favourites_count: 0,
            quotes_count: 0,
            quote_approval_policy: policy.bitmap(visibility),
        }
    }

    #[test]
    fn decisions_follow_mastodon() {
        use QuoteDecision::*;
        let public = status(Visibility::Public, QuotePolicy::Public);
        assert_eq!(decide(&public, None, false), Denied);
        assert_eq!(decide(&public, Some(20), false), Automatic);
        let followers = status(Visibility::Unlisted, QuotePolicy::Followers);
        assert_eq!(decide(&followers, Some(20), false), Denied);
        assert_eq!(decide(&followers, Some(20), true), Automatic);
        assert!(depends_on_following(&followers));
        let nobody = status(Visibility::Public, QuotePolicy::Nobody);
        assert_eq!(decide(&nobody, Some(20), true), Denied);
        assert_eq!(decide(&nobody, Some(10), false), Automatic);
        let private = status(Visibility::Private, QuotePolicy::Public);
        assert_eq!(decide(&private, Some(20), true), Denied);
        assert_eq!(decide(&private, Some(10), false), Automatic);
        let direct = status(Visibility::Direct, QuotePolicy::Public);
        assert_eq!(decide(&direct, Some(10), false), Denied);
        let mut remote = status(Visibility::Public, QuotePolicy::Nobody);
        remote.quote_approval_policy = UNSUPPORTED << 16;
        assert_eq!(decide(&remote, Some(20), false), Unknown);
        let approval = approval(&followers, Some(20), true);
        assert_eq!(approval.automatic, ["followers"]);
        assert!(approval.manual.is_empty());
        assert_eq!(approval.current_user, "automatic");
    }

    #[test]
    fn private_statuses_cannot_be_quoted_by_others() {
        assert_eq!(QuotePolicy::Public.bitmap(Visibility::Private), 0);
        assert_eq!(
            QuotePolicy::Public.bitmap(Visibility::Unlisted),
            PUBLIC << 16
        );
        assert_eq!(
            QuotePolicy::Followers.bitmap(Visibility::Public),
            FOLLOWERS << 16
        );
        assert!(QuotePolicy::parse("everyone").is_err());
    }
}
