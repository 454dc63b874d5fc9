//! Importing a Mastodon server (`ferrodonctl import mastodon`).
//!
//! The operator restores Mastodon's `pg_dump` into a scratch database and
//! points the import at it. Local accounts come over with their users
//! (bcrypt hashes, upgraded to argon2 at the first sign-in), key pairs and
//! ActivityPub ids; then the remote accounts they deal with, their statuses
//! (plus the remote statuses those reblog or reply to) with mentions,
//! hashtags and attachments, and the follows in both directions with their
//! Follow activity ids, so remote followers keep receiving posts.
//!
//! ```text
//!  source (Mastodon DB) --select_rows--> temp tables imp_*
//!        |                                   |
//!        +-- accounts + users --> accounts::import_accounts --> id map
//!        +-- statuses (batches) -> statuses::import_statuses (uses id map)
//!        +-- follows ------------> import_follows (uses id map)
//!  then: recount local accounts, rebuild their home feeds
//! ```
//!
//! Every row is matched before it is written (accounts by uri or
//! username, statuses by uri, follows by pair), so running it again adds
//! only what is missing. `dry_run` reads and matches but writes nothing.
mod accounts;
mod files;
mod statuses;

use ferrodon_db::AccountId;
use std::collections::HashMap;
use std::path::PathBuf;

use ferrodon_db::mastodon_import::source::{self, SourceAccount};
use ferrodon_db::mastodon_import::target::{self, ImportFollow};
use ferrodon_db::queries::follows;
use ferrodon_db::Conn;

use crate::{feeds, AppState, Error, Result};

/// What to import from where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `postgres://…` of the scratch database holding Mastodon's dump.
    pub source_database_url: String,
    /// Mastodon's `public/system` directory; files are copied from it when set.
    pub media_root: Option<PathBuf>,
    /// Count only; write nothing.
    pub dry_run: bool,
}

/// Rows of one kind: newly written (or, in a dry run, to be written),
/// already there, or left out because something they need is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Written by this run.
    pub added: u64,
    /// Found in Ferrodon already.
    pub present: u64,
    /// Not imported (see the warnings).
    pub skipped: u64,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Local accounts (each with its user).
    pub local_accounts: Tally,
    /// Remote accounts referred to by follows, statuses and mentions.
    pub remote_accounts: Tally,
    /// Follows, both directions.
    pub follows: Tally,
    /// Statuses, including reblogs and the remote statuses they point at.
    pub statuses: Tally,
    /// Mentions of the added statuses.
    pub mentions: u64,
    /// Hashtag uses of the added statuses.
    pub tags: u64,
    /// Attachments of the added statuses.
    pub media: u64,
    /// Files copied from the media root (found, in a dry run).
    pub files_copied: u64,
    /// Files not found under the media root.
    pub files_missing: u64,
    /// Rows left out and why; never secrets.
    pub warnings: Vec<String>,
}

impl ImportReport {
    fn warn(&mut self, message: String) {
        tracing::warn!("{message}");
        self.warnings.push(message);
    }
}

/// Runs the import.
pub async fn import_mastodon(state: &AppState, opts: &ImportOptions) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut src = source::connect(&opts.source_database_url).await?;
    let schema = source::inspect(&mut src).await.map_err(|e| match e {
        ferrodon_db::Error::Migration(why) => Error::BadRequest(why),
        other => other.into(),
    })?;
    source::select_rows(&mut src).await?;
    check_domain(state, &mut src).await?;
    let source_accounts = source::list_accounts(&mut src, &schema).await?;
    let users = source::list_users(&mut src, &schema).await?;
    let mut conn = state.conn().await?;
    let ids = accounts::import_accounts(
        state,
        &mut conn,
        opts,
        &source_accounts,
        &users,
        &mut report,
    )
    .await?;
    let by_id: HashMap<i64, &SourceAccount> = source_accounts.iter().map(|a| (a.id, a)).collect();
    let account_map = statuses::Accounts { source: by_id, ids };
    statuses::import_statuses(state, &mut src, &mut conn, opts, &account_map, &mut report).await?;
    import_follows(&mut src, &mut conn, opts, &account_map.ids, &mut report).await?;
    if !opts.dry_run {
        let local: Vec<i64> = source_accounts
            .iter()
            .filter(|a| a.domain.is_none())
            .filter_map(|a| account_map.ids.get(&a.id).copied())
            .collect();
        target::recount_local_accounts(&mut conn, &local).await?;
        drop(conn);
        for id in local {
            if let Err(e) = feeds::regenerate_home_feed(state, id).await {
                report.warn(format!("home feed of account {id} not rebuilt: {e}"));
            }
        }
    }
    Ok(report)
}

/// Refuses a source whose local ids are on another domain than this
/// instance's: the imported URIs would name a server Ferrodon is not.
async fn check_domain(state: &AppState, src: &mut Conn) -> Result<()> {
    let base = state.config.base_url();
    let foreign: Vec<String> = source::local_origins(src)
        .await?
        .into_iter()
        .filter(|o| !o.eq_ignore_ascii_case(&base))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    Err(Error::BadRequest(format!(
        "the Mastodon server's objects are on {} but this instance is {base}: \
         set LOCAL_DOMAIN (and WEB_DOMAIN) to the Mastodon server's values",
        foreign.join(", ")
    )))
}

async fn import_follows(
    src: &mut Conn,
    conn: &mut Conn,
    opts: &ImportOptions,
    ids: &HashMap<i64, i64>,
    report: &mut ImportReport,
) -> Result<()> {
    for f in source::list_follows(src).await? {
        let (Some(&from), Some(&to)) = (ids.get(&f.account_id), ids.get(&f.target_account_id))
        else {
            report.follows.skipped += 1;
            continue;
        };
        let added = if opts.dry_run {
            follows::get_follow(conn, AccountId::new(from), AccountId::new(to))
                .await?
                .is_none()
        } else {
            target::insert_follow(
                conn,
                &ImportFollow {
                    account_id: from,
                    target_account_id: to,
                    show_reblogs: f.show_reblogs,
                    notify: f.notify,
                    languages: f.languages,
                    uri: f.uri,
                    created_at: f.created_at,
                },
            )
            .await?
        };
        if added {
            report.follows.added += 1;
        } else {
            report.follows.present += 1;
        }
    }
    Ok(())
}
