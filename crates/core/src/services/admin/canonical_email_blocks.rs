//! Blocking an e-mail address, any variant of one mailbox, from signing up
//! again (Mastodon's CanonicalEmailBlock).
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::{delete_audited, taken, taken_on_conflict, Actor, Removable};
use crate::auth::roles::Permission;
use crate::db::queries::email_blocks::{self, CanonicalEmailBlock};
use crate::db::Conn;
use crate::moderation::email_rules::canonical_email_hash;
use crate::{AppState, Error, Result};

/// What to block: an address (hashed here) or a hash already computed.
#[derive(Debug, Clone, Copy)]
pub enum Blocked<'a> {
    /// An e-mail address.
    Email(&'a str),
    /// A SHA-256 hex digest of a canonical address.
    Hash(&'a str),
}

impl Removable for CanonicalEmailBlock {
    const PERMISSION: Permission = Permission::ManageBlocks;

    async fn find(conn: &mut Conn, id: i64) -> crate::db::Result<Self> {
        email_blocks::get_canonical_email_block(conn, id).await
    }

    async fn remove(&self, conn: &mut Conn) -> crate::db::Result<()> {
        email_blocks::delete_canonical_email_block(conn, self.id).await
    }

    fn target(&self) -> Target<'_> {
        Target::new(
            TargetKind::CanonicalEmailBlock,
            self.id,
            &self.canonical_email_hash,
        )
    }
}

/// A SHA-256 hex digest, lowercased; 422 otherwise.
fn valid_hash(text: &str) -> Result<String> {
    let text = text.trim().to_ascii_lowercase();
    if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(text)
    } else {
        Err(Error::validation("Canonical email hash is invalid"))
    }
}

/// Blocks an address; 422 "Canonical email hash has already been taken"
/// when it is blocked.
pub async fn create(
    state: &AppState,
    actor: Actor<'_>,
    blocked: Blocked<'_>,
) -> Result<CanonicalEmailBlock> {
    actor.ensure(Permission::ManageBlocks)?;
    let hash = match blocked {
        Blocked::Email(email) => canonical_email_hash(email),
        Blocked::Hash(hash) => valid_hash(hash)?,
    };
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        if !email_blocks::canonical_email_blocks_for(conn, &hash)
            .await?
            .is_empty()
        {
            return Err(taken("Canonical email hash"));
        }
        let block = email_blocks::put_canonical_email_block(conn, &hash, None)
            .await
            .map_err(taken_on_conflict("Canonical email hash"))?;
        audit::record(conn, actor, AuditAction::Create, block.target()).await?;
        Ok::<_, Error>(block)
    })
    .await
}

/// Lifts the block with `id`; 404 when there is none.
pub async fn delete(state: &AppState, actor: Actor<'_>, id: i64) -> Result<CanonicalEmailBlock> {
    delete_audited(state, actor, id).await
}

#[cfg(test)]
mod tests {
    use super::valid_hash;

    #[test]
    fn hashes_are_64_hex_digits() {
        let hash = "A".repeat(64);
        assert_eq!(valid_hash(&hash).ok(), Some("a".repeat(64)));
        assert!(valid_hash("abc").is_err());
        assert!(valid_hash(&"g".repeat(64)).is_err());
    }
}
