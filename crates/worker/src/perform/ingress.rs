//! The `ingress` queue: activities other servers delivered, their HTTP
//! signature already checked by the web process.
use ferrodon_core::{federation, AppState, Result};

/// Applies one delivered activity.
pub async fn process_activity(
    state: &AppState,
    signer_id: i64,
    activity: &serde_json::Value,
) -> Result<()> {
    federation::ingress::process(state, signer_id, activity).await
}
