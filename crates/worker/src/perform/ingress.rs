//! The `ingress` queue: activities other servers delivered, their HTTP
//! signature already checked by the web process.
use ferrodon_core::{AppState, Result};

/// Applies one delivered activity.
pub async fn process_activity(
    state: &AppState,
    signer_id: i64,
    activity: &serde_json::Value,
) -> Result<()> {
    ferrodon_core::inbox::process(state, signer_id, activity).await
}
