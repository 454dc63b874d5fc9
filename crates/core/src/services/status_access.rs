//! Who may see and act on a status.
use ferrodon_db::models::Status;
use ferrodon_db::queries::{statuses, timelines};
use ferrodon_db::Conn;

use crate::{Error, Result};

/// Loads a status the viewer may see, or NotFound (a hidden status looks missing, as in Mastodon).
pub async fn get_visible_status(conn: &mut Conn, id: i64, viewer: Option<i64>) -> Result<Status> {
    let status = match statuses::get_status_by_id(conn, id).await {
        Ok(s) => s,
        Err(ferrodon_db::Error::NotFound) => return Err(Error::NotFound),
        Err(e) => return Err(e.into()),
    };
    if timelines::filter_visible(conn, &[id], viewer)
        .await?
        .is_empty()
    {
        return Err(Error::NotFound);
    }
    Ok(status)
}

/// Parses a snowflake id from a path or form; anything else is NotFound.
pub fn parse_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Error::NotFound)
}
