//! `ferrodonctl maintenance fix-duplicates`: accounts that share
//! `lower(username), lower(domain)` and statuses that share a `uri` are
//! merged into one, as `tootctl maintenance fix-duplicates` does after an
//! index corruption.
use ferrodon_db::queries::operations;
use ferrodon_db::AsyncConnection;
use ferrodon_db::{AccountId, StatusId};

use crate::{AppState, Error, Result};

/// What was merged.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// Duplicate accounts merged into their keeper and deleted.
    pub accounts_merged: usize,
    /// Duplicate statuses merged into their keeper and deleted.
    pub statuses_merged: usize,
    /// Groups left alone: more than one of the accounts can sign in.
    pub skipped_account_groups: Vec<Vec<i64>>,
    /// Accounts and statuses whose counters were recomputed afterwards.
    pub recounted: usize,
    /// Whether the unique indexes were (re)built afterwards.
    pub indexes_rebuilt: bool,
}

/// Finds and merges duplicates; `dry_run` only reports what it would merge.
pub async fn fix_duplicates(state: &AppState, dry_run: bool) -> Result<Fixed> {
    let mut conn = state.conn().await?;
    let mut fixed = Fixed::default();
    for group in operations::duplicate_account_groups(&mut conn).await? {
        let with_users = operations::account_ids_with_users(&mut conn, &group).await?;
        if with_users.len() > 1 {
            fixed.skipped_account_groups.push(group);
            continue;
        }
        // A local account that can sign in wins; otherwise the oldest.
        let keeper = with_users.first().copied().unwrap_or(group[0]);
        let others: Vec<i64> = group.into_iter().filter(|id| *id != keeper).collect();
        fixed.accounts_merged += others.len();
        if dry_run {
            continue;
        }
        conn.transaction(async |conn| {
            for from in &others {
                operations::merge_account_into(conn, AccountId::new(*from), AccountId::new(keeper))
                    .await?;
            }
            Ok::<_, Error>(())
        })
        .await?;
    }
    for group in operations::duplicate_status_groups(&mut conn).await? {
        let keeper = group[0];
        let others = &group[1..];
        fixed.statuses_merged += others.len();
        if dry_run {
            continue;
        }
        conn.transaction(async |conn| {
            for from in others {
                operations::merge_status_into(conn, StatusId::new(*from), StatusId::new(keeper))
                    .await?;
            }
            Ok::<_, Error>(())
        })
        .await?;
    }
    if dry_run {
        return Ok(fixed);
    }
    if fixed.accounts_merged + fixed.statuses_merged > 0 {
        fixed.recounted = operations::recount_accounts(&mut conn).await?
            + operations::recount_statuses(&mut conn).await?;
    }
    if fixed.skipped_account_groups.is_empty() {
        operations::rebuild_unique_indexes(&mut conn).await?;
        fixed.indexes_rebuilt = true;
    }
    Ok(fixed)
}
