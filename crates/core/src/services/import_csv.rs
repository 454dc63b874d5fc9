//! Importing one of Mastodon's CSV exports (following, blocks, mutes) in
//! merge mode: each listed account this server knows is followed, blocked
//! or muted through the usual services; unknown accounts are counted as
//! skipped (remote accounts are not looked up).
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;

use super::follow::{follow, FollowOptions};
use super::{block::block, mute::mute};
use crate::{AppState, Error, Result};

/// Rows read from one upload at most.
pub const MAX_ROWS: usize = 1000;

/// What a file lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// following_accounts.csv
    Following,
    /// blocked_accounts.csv
    Blocking,
    /// muted_accounts.csv
    Muting,
}

impl ImportKind {
    /// The kind named in the form.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "following" => Some(Self::Following),
            "blocking" => Some(Self::Blocking),
            "muting" => Some(Self::Muting),
            _ => None,
        }
    }
}

/// How an import went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows applied.
    pub imported: usize,
    /// Rows naming accounts this server does not know (or that refused).
    pub skipped: usize,
}

/// The cells of one CSV line (quotes as in RFC 4180, on one line).
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    out.push(cell);
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn truthy(cell: Option<&String>, default: bool) -> bool {
    match cell.map(|c| c.to_ascii_lowercase()) {
        Some(c) if c == "true" => true,
        Some(c) if c == "false" => false,
        _ => default,
    }
}

/// Applies the rows of `csv` for `actor`.
pub async fn import_csv(
    state: &AppState,
    actor: &Account,
    kind: ImportKind,
    csv: &str,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(cells)
        .filter(|c| !c[0].eq_ignore_ascii_case("Account address"))
        .collect();
    if rows.len() > MAX_ROWS {
        return Err(Error::validation(format!(
            "The file has too many rows (at most {MAX_ROWS})"
        )));
    }
    for row in rows {
        let address = row[0].trim_start_matches('@');
        let (username, domain) = match address.split_once('@') {
            Some((u, d)) if d.eq_ignore_ascii_case(&state.config.local_domain) => (u, None),
            Some((u, d)) => (u, Some(d)),
            None => (address, None),
        };
        let target = {
            let mut conn = state.conn().await?;
            accounts::get_account_by_acct(&mut conn, username, domain).await
        };
        let Ok(target) = target else {
            report.skipped += 1;
            continue;
        };
        let applied = match kind {
            ImportKind::Following => {
                let options = FollowOptions {
                    reblogs: Some(truthy(row.get(1), true)),
                    notify: Some(truthy(row.get(2), false)),
                    ..Default::default()
                };
                follow(state, actor, target.id, options).await
            }
            ImportKind::Blocking => block(state, actor, target.id).await,
            ImportKind::Muting => {
                mute(state, actor, target.id, truthy(row.get(1), true), None).await
            }
        };
        match applied {
            Ok(()) => report.imported += 1,
            Err(Error::Forbidden(_)) | Err(Error::NotFound) | Err(Error::Validation(_)) => {
                report.skipped += 1
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::cells;

    #[test]
    fn csv_cells_honour_quotes() {
        assert_eq!(
            cells("bob@x.example,false,true,\"en, de\""),
            ["bob@x.example", "false", "true", "en, de"]
        );
        assert_eq!(cells("\"say \"\"hi\"\"\""), ["say \"hi\""]);
    }
}
