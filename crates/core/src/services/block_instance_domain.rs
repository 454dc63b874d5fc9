//! Instance-level domain blocks, as `ferrodonctl domains` and the admin API
//! set them: the block itself and what it does at once to the domain's
//! known accounts (suspend: suspended and unfollowed; silence: silenced).
use crate::db::queries::domain_blocks::{self, DomainBlock, NewDomainBlock};
use crate::db::Conn;
use crate::{Error, Result};

/// The severities Mastodon knows.
pub const SEVERITIES: [&str; 3] = ["suspend", "silence", "noop"];

/// A block's domain as stored: trimmed, lower-case, without a final dot;
/// refused when it is empty or looks like a URL or an account.
pub fn normalize(domain: &str) -> Result<String> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || domain.contains('/') || domain.contains('@') || domain.contains(' ') {
        return Err(Error::validation(format!(
            "{domain:?} is not a domain such as spam.example"
        )));
    }
    Ok(domain)
}

/// What applying a block did.
pub struct Applied {
    /// The stored block.
    pub block: DomainBlock,
    /// Accounts suspended or silenced by it now.
    pub accounts_affected: usize,
}

/// Stores (or replaces) the block of `new.domain` and applies it to the
/// accounts already known.
pub async fn block(conn: &mut Conn, mut new: NewDomainBlock) -> Result<Applied> {
    new.domain = normalize(&new.domain)?;
    if !SEVERITIES.contains(&new.severity.as_str()) {
        return Err(Error::validation(
            "Severity must be suspend, silence or noop",
        ));
    }
    let block = domain_blocks::put_domain_block(conn, &new).await?;
    let accounts_affected = if block.is_suspend() {
        domain_blocks::suspend_accounts_of_domain(conn, &block.domain).await?
    } else if block.severity == "silence" {
        domain_blocks::silence_accounts_of_domain(conn, &block.domain).await?
    } else {
        0
    };
    Ok(Applied {
        block,
        accounts_affected,
    })
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn domains_are_normalised_and_urls_refused() {
        assert_eq!(
            normalize(" Spam.Example. ").ok().as_deref(),
            Some("spam.example")
        );
        assert!(normalize("https://spam.example/").is_err());
        assert!(normalize("user@spam.example").is_err());
        assert!(normalize("").is_err());
    }
}
