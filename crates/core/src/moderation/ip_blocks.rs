//! IP blocks as the server applies them: the severity that applies to a
//! client address, from a list kept in memory and reloaded every few
//! seconds (and at once after staff change it in this process), so no
//! request waits on a database query for it.
use std::net::IpAddr;

use chrono::Utc;
use ferrodon_db::queries::ip_blocks::{self, IpBlock, IpBlockFields};
use ferrodon_db::Conn;

use crate::config::IpRange;
use crate::{AppState, Error, Result};

use crate::ip_block_cache::Rule;
pub use crate::ip_block_cache::{IpBlockCache, Severity};

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

/// The strictest unexpired block whose range holds `addr`.
pub async fn severity_for(state: &AppState, addr: IpAddr) -> Result<Option<Severity>> {
    let cache = &state.ip_blocks;
    if !cache.is_fresh().await {
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
        cache.replace(rules).await;
    }
    Ok(cache.strictest(addr, Utc::now()).await)
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
