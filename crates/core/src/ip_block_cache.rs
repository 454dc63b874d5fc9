//! The IP blocks held in memory by every clone of the state (a leaf below
//! [`crate::state`]): the rules and when they were read. Loading them from
//! the database is [`crate::moderation::ip_blocks`]'s job.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::RwLock;

use crate::config::IpRange;

/// How long the list in memory is used before it is read again.
const REFRESH_AFTER: Duration = Duration::from_secs(10);

/// What an IP block does, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// New accounts from the range wait for approval.
    SignUpRequiresApproval,
    /// Nobody may sign up from the range.
    SignUpBlock,
    /// Every request from the range is refused.
    NoAccess,
}

impl Severity {
    /// Parses Mastodon's name for it.
    pub fn parse(text: &str) -> Option<Severity> {
        Some(match text {
            "sign_up_requires_approval" => Severity::SignUpRequiresApproval,
            "sign_up_block" => Severity::SignUpBlock,
            "no_access" => Severity::NoAccess,
            _ => return None,
        })
    }

    /// Mastodon's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::SignUpRequiresApproval => "sign_up_requires_approval",
            Severity::SignUpBlock => "sign_up_block",
            Severity::NoAccess => "no_access",
        }
    }
}

/// One block as the cache applies it.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The addresses it covers.
    pub range: IpRange,
    /// What it does.
    pub severity: Severity,
    /// When it stops applying, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Loaded {
    at: Option<Instant>,
    rules: Vec<Rule>,
}

/// The IP blocks in memory, shared by every clone of the state.
#[derive(Debug, Clone, Default)]
pub struct IpBlockCache {
    loaded: Arc<RwLock<Loaded>>,
}

impl IpBlockCache {
    /// Forgets the list so the next check reads it again.
    pub async fn invalidate(&self) {
        self.loaded.write().await.at = None;
    }

    /// Whether the list was read less than [`REFRESH_AFTER`] ago.
    pub async fn is_fresh(&self) -> bool {
        self.loaded
            .read()
            .await
            .at
            .is_some_and(|at| at.elapsed() < REFRESH_AFTER)
    }

    /// Replaces the list with one just read.
    pub async fn replace(&self, rules: Vec<Rule>) {
        *self.loaded.write().await = Loaded {
            at: Some(Instant::now()),
            rules,
        };
    }

    /// The strictest block unexpired at `now` whose range holds `addr`.
    pub async fn strictest(&self, addr: IpAddr, now: DateTime<Utc>) -> Option<Severity> {
        self.loaded
            .read()
            .await
            .rules
            .iter()
            .filter(|rule| rule.expires_at.is_none_or(|at| at > now))
            .filter(|rule| rule.range.contains(addr))
            .map(|rule| rule.severity)
            .max()
    }
}
