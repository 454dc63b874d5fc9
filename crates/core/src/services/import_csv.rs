//! Importing one of Mastodon's CSV exports (following, blocks, mutes) in
//! merge mode: each listed account this server knows is followed, blocked
//! or muted through the usual services. A followed remote account we have
//! never seen is looked up (WebFinger) by an `ImportFollow` job on the
//! `pull` queue and followed once found, as Mastodon's import worker does;
//! a lookup that fails is recorded for a day (Redis
//! `import:unresolvable:ACCT`), and rows naming it are skipped meanwhile
//! instead of being looked up again. Other unknown accounts are skipped.
use deadpool_redis::redis;
use ferrodon_db::models::Account;
use ferrodon_db::queries::accounts;

use super::follow::{follow, FollowOptions};
use super::{block::block, mute::mute};
use crate::jobs::{self, Job};
use crate::{AppState, Error, Result};

/// How long a failed lookup of an imported account is remembered (rows
/// naming it are skipped meanwhile): a server that is down today may be
/// back tomorrow, but an import must not knock on it row after row.
pub const UNRESOLVABLE_SECS: u64 = 24 * 60 * 60;

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
    /// Rows naming remote accounts never seen here, being looked up.
    pub queued: usize,
}

fn unresolvable_key(state: &AppState, username: &str, domain: &str) -> String {
    state.redis_key(&format!(
        "import:unresolvable:{}@{}",
        username.to_lowercase(),
        domain.to_lowercase()
    ))
}

/// Whether a lookup of `username@domain` failed within the last day.
async fn known_unresolvable(state: &AppState, username: &str, domain: &str) -> Result<bool> {
    let mut conn = state.redis().await?;
    let found: bool = redis::cmd("EXISTS")
        .arg(unresolvable_key(state, username, domain))
        .query_async(&mut *conn)
        .await?;
    Ok(found)
}

/// Runs an `ImportFollow` job: `account_id` follows `username@domain`
/// once WebFinger finds it. A failed lookup is recorded (and logged), not
/// retried: the job succeeds either way.
pub async fn import_follow(
    state: &AppState,
    account_id: i64,
    username: &str,
    domain: &str,
    reblogs: bool,
    notify: bool,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let actor = match accounts::get_account_by_id(&mut conn, account_id).await {
        Ok(actor) => actor,
        Err(ferrodon_db::Error::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    let target = match crate::federation::actors::resolve_acct(state, username, domain).await {
        Ok(target) => target,
        Err(e) => {
            tracing::info!(%username, %domain, error = %e, "an imported account could not be found");
            let mut conn = state.redis().await?;
            let _: () = redis::cmd("SET")
                .arg(unresolvable_key(state, username, domain))
                .arg(e.to_string())
                .arg("EX")
                .arg(UNRESOLVABLE_SECS)
                .query_async(&mut *conn)
                .await?;
            return Ok(());
        }
    };
    let options = FollowOptions {
        reblogs: Some(reblogs),
        notify: Some(notify),
        ..Default::default()
    };
    match follow(state, &actor, target.id, options).await {
        Ok(()) | Err(Error::Forbidden(_)) | Err(Error::NotFound) | Err(Error::Validation(_)) => {
            Ok(())
        }
        Err(e) => Err(e),
    }
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
            match (kind, domain) {
                (ImportKind::Following, Some(domain))
                    if !known_unresolvable(state, username, domain).await? =>
                {
                    let job = Job::ImportFollow {
                        account_id: actor.id,
                        username: username.to_owned(),
                        domain: domain.to_owned(),
                        reblogs: truthy(row.get(1), true),
                        notify: truthy(row.get(2), false),
                    };
                    jobs::enqueue(state, job).await?;
                    report.queued += 1;
                }
                _ => report.skipped += 1,
            }
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
