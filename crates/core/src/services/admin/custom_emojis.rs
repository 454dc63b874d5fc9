//! The server's own custom emoji, as staff change them from the admin page
//! (`ferrodonctl emoji` imports and purges in bulk without an audit entry
//! per emoji, as `tootctl emoji` does).
use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::Permission;
use crate::custom_emojis::{self, Added};
use crate::db::queries::custom_emojis::{self as emoji_queries, CustomEmoji};
use crate::{AppState, Error, Result};

fn target(emoji: &CustomEmoji) -> Target<'_> {
    Target::new(TargetKind::CustomEmoji, emoji.id, &emoji.shortcode)
}

/// Adds a local emoji from an uploaded image; 422 ":{shortcode}: already
/// exists" when there is one.
pub async fn create(
    state: &AppState,
    actor: Actor<'_>,
    shortcode: &str,
    image: Vec<u8>,
    category: Option<&str>,
) -> Result<CustomEmoji> {
    actor.ensure(Permission::ManageCustomEmojis)?;
    let added = custom_emojis::add_local(state, shortcode, image, category, false).await?;
    if added == Added::Skipped {
        return Err(Error::validation(format!(":{shortcode}: already exists")));
    }
    let mut conn = state.conn().await?;
    let emoji = emoji_queries::find_local_emoji(&mut conn, shortcode)
        .await?
        .ok_or(Error::NotFound)?;
    audit::record(&mut conn, actor, AuditAction::Create, target(&emoji)).await?;
    Ok(emoji)
}

/// What [`change`] does to an emoji.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It shows again.
    Enable,
    /// It is hidden.
    Disable,
    /// It and its image are deleted.
    Delete,
}

/// Enables, disables or deletes the local emoji with `id`; 404 when
/// there is none.
pub async fn change(
    state: &AppState,
    actor: Actor<'_>,
    id: i64,
    change: Change,
) -> Result<CustomEmoji> {
    actor.ensure(Permission::ManageCustomEmojis)?;
    let emoji = {
        let mut conn = state.conn().await?;
        emoji_queries::list_local_emojis(&mut conn, false)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(Error::NotFound)?
    };
    let action = match change {
        Change::Enable | Change::Disable => {
            let mut conn = state.conn().await?;
            emoji_queries::set_emoji_disabled(&mut conn, id, change == Change::Disable).await?;
            if change == Change::Disable {
                AuditAction::Disable
            } else {
                AuditAction::Enable
            }
        }
        Change::Delete => {
            custom_emojis::remove(state, std::slice::from_ref(&emoji)).await?;
            AuditAction::Destroy
        }
    };
    let mut conn = state.conn().await?;
    audit::record(&mut conn, actor, action, target(&emoji)).await?;
    Ok(emoji)
}
