//! Which e-mail addresses may sign up: blocked e-mail domains (and their
//! subdomains) and blocked canonical addresses, as Mastodon's
//! BlacklistedEmailValidator applies them.
use ferrodon_db::queries::email_blocks;
use ferrodon_db::Conn;

use crate::error::FieldError;
use crate::storage::sigv4::sha256_hex;
use crate::{Error, Result};

/// The sign-up's e-mail field: its parameter and its name in messages
/// (Mastodon's `activerecord.attributes.user.email`).
pub const EMAIL: (&str, &str) = ("email", "E-mail address");

/// The address with case, dots and `+tag` of the local part removed, so
/// that variants of one mailbox are one address (Mastodon's
/// `email_to_canonical_email`).
pub fn canonical_email(email: &str) -> String {
    let lower = email.trim().to_lowercase();
    let (local, domain) = lower.split_once('@').unwrap_or((lower.as_str(), ""));
    let local = local.split('+').next().unwrap_or_default().replace('.', "");
    format!("{local}@{domain}")
}

/// SHA-256 (hex) of the canonical address: what a canonical block stores.
pub fn canonical_email_hash(email: &str) -> String {
    sha256_hex(canonical_email(email).as_bytes())
}

/// An e-mail domain as blocks store it: lower case, without a leading `@`
/// or trailing dot; a validation error when it is not a domain name.
pub fn normalize_email_domain(domain: &str) -> Result<String> {
    let domain = domain
        .trim()
        .trim_start_matches('@')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let valid = !domain.is_empty()
        && !domain.starts_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || !c.is_ascii());
    if valid {
        Ok(domain)
    } else {
        Err(Error::validation("Domain is not a valid domain name"))
    }
}

/// What the e-mail rules say about a sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailVerdict {
    /// Nothing applies.
    Allowed,
    /// The domain is blocked with `allow_with_approval`: the account waits
    /// for approval.
    RequiresApproval,
}

/// Checks an address against the e-mail domain and canonical e-mail
/// blocks. A refused domain counts an attempt in the block's history.
pub async fn check_sign_up_email(conn: &mut Conn, email: &str) -> Result<EmailVerdict> {
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d).trim();
    let mut verdict = EmailVerdict::Allowed;
    if let Some(block) = email_blocks::find_email_domain_block(conn, domain).await? {
        if block.allow_with_approval {
            verdict = EmailVerdict::RequiresApproval;
        } else {
            email_blocks::record_attempt(conn, block.id).await?;
            return Err(
                FieldError::new(EMAIL, "BLOCKED", "uses a disallowed e-mail provider").into(),
            );
        }
    }
    let hash = canonical_email_hash(email);
    if !email_blocks::canonical_email_blocks_for(conn, &hash)
        .await?
        .is_empty()
    {
        return Err(FieldError::new(EMAIL, "TAKEN", "has already been taken").into());
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_one_mailbox_share_a_canonical_address() {
        for variant in [
            "test@example.com",
            "Test@example.com",
            "te.st@example.com",
            "test+other@EXAMPLE.com",
        ] {
            assert_eq!(canonical_email(variant), "test@example.com", "{variant}");
        }
        assert_ne!(canonical_email("tester@example.com"), "test@example.com");
        assert_eq!(
            canonical_email_hash("te.st+x@Example.com"),
            "973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"
        );
    }
}
