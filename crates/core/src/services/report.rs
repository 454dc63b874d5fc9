//! Reporting an account and some of its statuses to the moderators
//! (`POST /api/v1/reports`), as Mastodon's `ReportService`. A report on a
//! remote account with `forward` is also sent to that account's server as
//! a `Flag` from the instance actor, so its moderators see it without
//! learning who reported.
use ferrodon_apub::activitypub::outbound::Flag;
use ferrodon_db::models::Account;
use ferrodon_db::queries::reports::{put_report, statuses_by, NewReport, Report};
use ferrodon_db::queries::{accounts, statuses};

use crate::federation::instance_actor::instance_actor;
use crate::federation::outbox;
use crate::{AppState, Error, Result};

/// Longest report comment, as Mastodon.
pub const MAX_COMMENT: usize = 1000;

/// The categories a report may have.
pub const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];

/// What the reporter says.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    /// The reported account.
    pub target_account_id: i64,
    /// Statuses of that account the report is about.
    pub status_ids: Vec<i64>,
    /// The comment.
    pub comment: String,
    /// `spam`, `legal`, `violation` or `other` (None: `other`).
    pub category: Option<String>,
    /// Whether to send it to a remote account's server too.
    pub forward: bool,
}

/// Files a report by `reporter`; returns it with the reported account.
pub async fn file_report(
    state: &AppState,
    reporter: &Account,
    input: ReportInput,
) -> Result<(Report, Account)> {
    if input.comment.chars().count() > MAX_COMMENT {
        return Err(Error::validation(
            "Comment is too long (maximum is 1000 characters)",
        ));
    }
    let category = input.category.unwrap_or_else(|| "other".into());
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(Error::validation("Category is not included in the list"));
    }
    let mut conn = state.conn().await?;
    let target = accounts::get_account_by_id(&mut conn, input.target_account_id).await?;
    let status_ids = statuses_by(&mut conn, target.id, &input.status_ids).await?;
    if status_ids.len() != input.status_ids.len() {
        return Err(Error::validation(
            "Statuses must be written by the reported account",
        ));
    }
    let report = put_report(
        &mut conn,
        &NewReport {
            account_id: reporter.id,
            target_account_id: target.id,
            status_ids,
            comment: input.comment,
            category,
            forward: input.forward && !target.is_local(),
        },
    )
    .await?;
    drop(conn);
    if report.forward {
        forward(state, &report, &target).await?;
    }
    Ok((report, target))
}

/// Sends `report` to `target`'s server as a `Flag` from the instance actor.
async fn forward(state: &AppState, report: &Report, target: &Account) -> Result<()> {
    let mut conn = state.conn().await?;
    let mut status_uris = Vec::with_capacity(report.status_ids.len());
    for id in &report.status_ids {
        status_uris.push(statuses::get_status_by_id(&mut conn, *id).await?.uri);
    }
    drop(conn);
    let actor = instance_actor(state).await?;
    let flag = Flag::new(
        format!("{}/reports/{}", state.config.base_url(), report.id),
        &actor.uri,
        &report.comment,
        &target.uri,
        status_uris,
    );
    outbox::send_to(state, &actor, target, flag).await
}
