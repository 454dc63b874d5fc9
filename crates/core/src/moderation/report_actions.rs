//! What a moderator does from a report beyond the account actions of
//! [`super::actions`]: deleting the reported posts.
use crate::db::models::Account;
use crate::db::queries::moderation;
use crate::services::delete_status::delete_status;
use crate::{AppState, Error, Result};

use super::actions::log;

/// Deletes the reported statuses of report `report_id` (those still there
/// and written by the reported account), logs each deletion and resolves
/// the report; returns how many were deleted.
pub async fn delete_reported_statuses(
    state: &AppState,
    moderator: &Account,
    report_id: i64,
) -> Result<usize> {
    let (report, target) = {
        let mut conn = state.conn().await?;
        let report = moderation::get_report(&mut conn, report_id).await?;
        let (target, _) =
            moderation::get_account_with_user(&mut conn, report.target_account_id).await?;
        (report, target)
    };
    let mut deleted = 0;
    for &status_id in &report.status_ids {
        match delete_status(state, &target, status_id).await {
            Ok(_) => {
                let mut conn = state.conn().await?;
                log(
                    &mut conn,
                    moderator,
                    "destroy",
                    "Status",
                    status_id,
                    &target.acct(),
                )
                .await?;
                deleted += 1;
            }
            Err(Error::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let mut conn = state.conn().await?;
    moderation::resolve_report(&mut conn, report_id, Some(moderator.id)).await?;
    log(
        &mut conn,
        moderator,
        "resolve",
        "Report",
        report_id,
        &report_id.to_string(),
    )
    .await?;
    Ok(deleted)
}
