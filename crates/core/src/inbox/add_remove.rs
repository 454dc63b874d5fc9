//! `Add` and `Remove`: a status of the signer's pinned to or unpinned from
//! its featured collection.
use ferrodon_apub::activitypub::{Activity, ActivityKind};
use ferrodon_db::models::{Account, Status};

use super::status_by_uri;
use crate::authority::same_authority;
use crate::services::pin::{pin, unpin};
use crate::{AppState, Result};

/// Which change of the featured collection the activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Featured {
    /// `Add`: pinned.
    Pin,
    /// `Remove`: unpinned.
    Unpin,
}

/// A change of the signer's featured collection, checked.
pub(super) struct Verified {
    change: Featured,
    /// The signer's status pinned or unpinned.
    status: Status,
}

/// The collection must be the signer's featured one (on its host), the
/// status a stored one of the signer's. Other collections are ignored.
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    let change = match activity.kind {
        ActivityKind::Add => Featured::Pin,
        _ => Featured::Unpin,
    };
    let featured = activity.target_id().unwrap_or_default();
    if !featured.ends_with("/featured") || !same_authority(featured, &signer.uri) {
        return Ok(None);
    }
    let Some(uri) = activity.object_id() else {
        return Ok(None);
    };
    let Some(status) = status_by_uri(state, uri).await? else {
        return Ok(None);
    };
    if status.account_id != signer.id {
        return Ok(None);
    }
    Ok(Some(Verified { change, status }))
}

/// Pins or unpins.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    match v.change {
        Featured::Pin => pin(state, signer, v.status.id).await,
        Featured::Unpin => unpin(state, signer, v.status.id).await,
    }
}
