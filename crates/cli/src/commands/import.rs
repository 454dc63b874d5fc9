//! `ferrodonctl import mastodon`: moves a Mastodon server's accounts,
//! statuses, follows and media references into this instance (see
//! docs/operations.md, "Migrating from Mastodon").
use std::path::PathBuf;

use clap::Subcommand;
use ferrodon_core::services::import_mastodon::{
    import_mastodon, ImportOptions, ImportReport, Tally,
};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import from a Mastodon database restored from its pg_dump
    Mastodon {
        /// postgres://… URL of the scratch database holding Mastodon's data
        #[arg(long, env = "MASTODON_DATABASE_URL")]
        source_database_url: String,
        /// Mastodon's public/system directory: copy the media files from it
        #[arg(long)]
        media_root: Option<PathBuf>,
        /// Count what would be imported; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Print the counts as JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cmd: ImportCommand, state: &AppState) -> anyhow::Result<()> {
    let ImportCommand::Mastodon {
        source_database_url,
        media_root,
        dry_run,
        json,
    } = cmd;
    if let Some(root) = &media_root {
        if !root.is_dir() {
            anyhow::bail!("--media-root {} is not a directory", root.display());
        }
    }
    let opts = ImportOptions {
        source_database_url,
        media_root,
        dry_run,
    };
    let report = import_mastodon(state, &opts).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&as_json(&report, dry_run))?
        );
    } else {
        print_text(&report, dry_run);
    }
    Ok(())
}

fn tally(t: &Tally) -> serde_json::Value {
    serde_json::json!({"added": t.added, "present": t.present, "skipped": t.skipped})
}

fn as_json(r: &ImportReport, dry_run: bool) -> serde_json::Value {
    serde_json::json!({
        "dry_run": dry_run,
        "local_accounts": tally(&r.local_accounts),
        "remote_accounts": tally(&r.remote_accounts),
        "statuses": tally(&r.statuses),
        "follows": tally(&r.follows),
        "mentions": r.mentions,
        "tags": r.tags,
        "media": r.media,
        "files_copied": r.files_copied,
        "files_missing": r.files_missing,
        "warnings": r.warnings,
    })
}

fn print_text(r: &ImportReport, dry_run: bool) {
    let verb = if dry_run { "would add" } else { "added" };
    let line = |name: &str, t: &Tally| {
        println!(
            "{name:<16} {verb} {:>7}  already present {:>7}  skipped {:>5}",
            t.added, t.present, t.skipped
        );
    };
    line("local accounts", &r.local_accounts);
    line("remote accounts", &r.remote_accounts);
    line("statuses", &r.statuses);
    line("follows", &r.follows);
    println!(
        "with the added statuses: {} mentions, {} hashtag uses, {} attachments",
        r.mentions, r.tags, r.media
    );
    println!(
        "media files: {} {}, {} missing",
        r.files_copied,
        if dry_run { "found" } else { "copied" },
        r.files_missing
    );
    for w in &r.warnings {
        println!("warning: {w}");
    }
}
