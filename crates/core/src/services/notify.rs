//! Creating a notification, unless its recipient silenced the sender.
use ferrodon_db::models::{NewNotification, Notification};
use ferrodon_db::queries::{blocks_mutes, notifications};
use ferrodon_db::Conn;

use crate::Result;

/// Stores a notification, or nothing when the recipient blocks the sender
/// or mutes it with notifications hidden.
pub async fn notify(conn: &mut Conn, new: &NewNotification) -> Result<Option<Notification>> {
    if blocks_mutes::silences_notifications(conn, new.account_id, new.from_account_id).await? {
        return Ok(None);
    }
    Ok(Some(notifications::put_notification(conn, new).await?))
}
