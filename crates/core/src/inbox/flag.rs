//! `Flag`: a report from another server about a local account (and its
//! statuses), stored for moderators unless the server's reports are
//! rejected.
use ferrodon_apub::activitypub::Activity;
use ferrodon_apub::sanitize::plain_text;
use ferrodon_db::models::{Account, Status};
use ferrodon_db::queries::{accounts, reports, statuses};

use crate::domain_policy as domains;
use crate::{AppState, Result};

/// Most objects of a `Flag` looked at.
const MAX_FLAGGED_OBJECTS: usize = 100;

/// A report, checked to be about a local account.
pub(super) struct Verified {
    /// The local account reported.
    target: Account,
    /// Its reported statuses (only local ones of `target` are kept).
    statuses: Vec<Status>,
    /// The comment, as plain text.
    comment: String,
}

/// The signer's server must not have its reports rejected, and the report
/// must name a local account (or local statuses, whose author is then the
/// account reported).
pub(super) async fn verify(
    state: &AppState,
    signer: &Account,
    activity: &Activity,
) -> Result<Option<Verified>> {
    if domains::block_for(state, &signer.uri)
        .await?
        .is_some_and(|b| b.reject_reports)
    {
        return Ok(None);
    }
    let mut target = None;
    let mut reported = Vec::new();
    let mut conn = state.conn().await?;
    for id in activity.object_ids().take(MAX_FLAGGED_OBJECTS) {
        if let Ok(account) = accounts::get_account_by_uri(&mut conn, id).await {
            if account.is_local() && target.is_none() {
                target = Some(account);
            }
        } else if let Some(status) = statuses::find_status_by_uri(&mut conn, id).await? {
            if status.local {
                reported.push(status);
            }
        }
    }
    let target = match target {
        Some(target) => target,
        // Mastodon servers name the account; a report of statuses alone names their author.
        None => match reported.first() {
            Some(first) => accounts::get_account_by_id(&mut conn, first.account_id).await?,
            None => return Ok(None),
        },
    };
    reported.retain(|s| s.account_id == target.id);
    let comment = activity
        .content
        .as_deref()
        .map(plain_text)
        .unwrap_or_default()
        .chars()
        .take(1000)
        .collect();
    Ok(Some(Verified {
        target,
        statuses: reported,
        comment,
    }))
}

/// Stores the report.
pub(super) async fn apply(state: &AppState, signer: &Account, v: Verified) -> Result<()> {
    let mut conn = state.conn().await?;
    reports::put_report(
        &mut conn,
        &reports::NewReport {
            account_id: signer.id,
            target_account_id: v.target.id,
            status_ids: v.statuses.iter().map(|s| s.id).collect(),
            comment: v.comment,
            category: "other".into(),
            forward: false,
        },
    )
    .await?;
    Ok(())
}
