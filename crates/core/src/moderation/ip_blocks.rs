//! IP blocks as the server applies them: the severity that applies to a
//! client address, from a list kept in memory and reloaded every few
//! seconds (and at once after staff change it in this process), so no
//! request waits on a database query for it.
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use ferrodon_db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use ferrodon_db::Conn;
use tokio::sync::RwLock;

use crate::config::IpRange;
use crate::{AppState, Error, Result};

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

/// An address or CIDR range as blocks store it: the network with host
/// bits cleared (`192.0.2.7/24` is `192.0.2.0/24`).
pub fn parse_range(text: &str) -> Result<String> {
    IpRange::parse(text.trim())
        .map(|range| range.canonical())
        .ok_or_else(|| Error::validation("Ip is invalid"))
}

/// A severity by Mastodon's name.
pub fn parse_severity(text: &str) -> Result<Severity> {
    Severity::parse(text).ok_or_else(|| Error::validation("Severity is not included in the list"))
}

/// What [`add_block`] did.
#[derive(Debug)]
pub enum Added {
    /// A new block.
    Created(IpBlock),
    /// The range's block had expired (unseen, but still holding the
    /// range) and now says what was asked.
    Renewed(IpBlock),
    /// The range is blocked already; nothing changed.
    Exists(IpBlock),
}

/// Blocks a range, reusing the row of an expired block of the same range
/// (ranges are unique, expired blocks included). With `replace`, a block
/// in force is replaced too.
pub async fn add_block(conn: &mut Conn, fields: &IpBlockFields, replace: bool) -> Result<Added> {
    let Some(existing) = ip_blocks::find_ip_block(conn, &fields.ip).await? else {
        return Ok(Added::Created(ip_blocks::put_ip_block(conn, fields).await?));
    };
    let expired = existing.expires_at.is_some_and(|at| at <= Utc::now());
    if expired || replace {
        Ok(Added::Renewed(
            ip_blocks::update_ip_block(conn, existing.id, fields).await?,
        ))
    } else {
        Ok(Added::Exists(existing))
    }
}

#[derive(Debug, Clone)]
struct Rule {
    range: IpRange,
    severity: Severity,
    expires_at: Option<DateTime<Utc>>,
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
}

/// The strictest unexpired block whose range holds `addr`.
pub async fn severity_for(state: &AppState, addr: IpAddr) -> Result<Option<Severity>> {
    let cache = &state.ip_blocks;
    let fresh = cache
        .loaded
        .read()
        .await
        .at
        .is_some_and(|at| at.elapsed() < REFRESH_AFTER);
    if !fresh {
        let rows = {
            let mut conn = state.conn().await?;
            ip_blocks::live_ip_blocks(&mut conn).await?
        };
        let rules = rows
            .iter()
            .filter_map(|row| {
                Some(Rule {
                    range: IpRange::parse(&row.ip)?,
                    severity: Severity::parse(&row.severity)?,
                    expires_at: row.expires_at,
                })
            })
            .collect();
        *cache.loaded.write().await = Loaded {
            at: Some(Instant::now()),
            rules,
        };
    }
    let now = Utc::now();
    Ok(cache
        .loaded
        .read()
        .await
        .rules
        .iter()
        .filter(|rule| rule.expires_at.is_none_or(|at| at > now))
        .filter(|rule| rule.range.contains(addr))
        .map(|rule| rule.severity)
        .max())
}

/// Like [`severity_for`] for an address given as text (the client IP
/// extractor's); an unparsable address has no block.
pub async fn severity_for_text(state: &AppState, addr: &str) -> Result<Option<Severity>> {
    match addr.parse::<IpAddr>() {
        Ok(addr) => severity_for(state, addr).await,
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::Severity;

    #[test]
    fn severities_order_from_mildest_and_round_trip() {
        assert!(Severity::NoAccess > Severity::SignUpBlock);
        assert!(Severity::SignUpBlock > Severity::SignUpRequiresApproval);
        for s in [
            Severity::SignUpRequiresApproval,
            Severity::SignUpBlock,
            Severity::NoAccess,
        ] {
            assert_eq!(Severity::parse(s.as_str()), Some(s));
        }
        assert_eq!(Severity::parse("suspend"), None);
    }
}
