//! A user blocking a whole remote domain for themselves: its accounts'
//! statuses and notifications disappear for the user, and its accounts
//! stop following the user (each is sent a `Reject` of its follow).
use ferrodon_db::models::Account;
use ferrodon_db::queries::{accounts, user_domain_blocks};
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use crate::federation::outbox;
use crate::{AppState, Error, Result};

/// Longest domain name (RFC 1035).
const MAX_DOMAIN: usize = 253;

/// `raw` as a comparable domain: trimmed, lower-case, without a scheme,
/// path or port-less trailing dot; 422 when it cannot be a domain.
pub fn normalize_domain(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    let without_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    let host = without_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_lowercase();
    let valid = !host.is_empty()
        && host.len() <= MAX_DOMAIN
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    if valid {
        Ok(host)
    } else {
        Err(Error::validation("Domain is invalid"))
    }
}

/// Blocks `domain` for `actor`. Blocking one's own server is refused.
pub async fn block_domain(state: &AppState, actor: &Account, raw_domain: &str) -> Result<()> {
    let domain = normalize_domain(raw_domain)?;
    if domain == state.config.local_domain || domain == state.config.web_domain {
        return Err(Error::validation("Domain is your own server"));
    }
    let mut conn = state.conn().await?;
    let removed = conn
        .transaction(async |conn| {
            let removed = user_domain_blocks::block_domain(conn, actor.id, &domain).await?;
            for (follower, _) in &removed {
                accounts::add_to_follow_counts(
                    conn,
                    AccountId::new(*follower),
                    AccountId::new(actor.id),
                    -1,
                )
                .await?;
            }
            Ok::<_, Error>(removed)
        })
        .await?;
    let ids: Vec<i64> = removed.iter().map(|(id, _)| *id).collect();
    let followers = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    drop(conn);
    for follower in followers {
        let follow_uri = removed
            .iter()
            .find_map(|(id, uri)| (*id == follower.id).then_some(uri.as_deref()).flatten());
        outbox::send_follow_answer(state, "Reject", actor, &follower, follow_uri).await?;
    }
    Ok(())
}

/// Lifts `actor`'s block of `domain` (idempotent).
pub async fn unblock_domain(state: &AppState, actor: &Account, raw_domain: &str) -> Result<()> {
    let domain = normalize_domain(raw_domain)?;
    let mut conn = state.conn().await?;
    user_domain_blocks::unblock_domain(&mut conn, actor.id, &domain).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalize_domain;

    #[test]
    fn domains_are_normalised() {
        assert_eq!(normalize_domain(" Example.COM ").unwrap(), "example.com");
        assert_eq!(
            normalize_domain("https://social.example/@x").unwrap(),
            "social.example"
        );
        assert!(normalize_domain("").is_err());
        assert!(normalize_domain("bad domain").is_err());
    }
}
