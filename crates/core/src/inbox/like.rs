//! `Like`: a favourite of a status we know.
use ferrodon_apub::activitypub::Activity;
use ferrodon_db::models::{Account, Status};

use super::status_by_uri;
use crate::services::favourite::favourite;
use crate::{AppState, Result};

/// The status liked. Whether the signer may see it is the favourite
/// service's check.
pub(super) struct Verified(Status);

/// The liked status must be known.
pub(super) async fn verify(
    state: &AppState,
    _signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let Some(uri) = activity.object_id() else {
        return Ok(None);
    };
    Ok(status_by_uri(state, uri).await?.map(Verified))
}

/// Favourites the status (once).
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    favourite(state, signer, v.0.id).await
}
