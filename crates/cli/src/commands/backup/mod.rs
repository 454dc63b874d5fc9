//! `ferrodonctl backup create|verify|restore`: a consistent copy of an
//! instance, the database (pg_dump's snapshot) and its media, in one
//! directory with a manifest of checksums and row counts.
//!
//! The database is dumped first and the media copied after, so every file
//! the dump refers to is in the backup unless it was deleted in between
//! (then its status or cache entry was being deleted too). Redis is left out:
//! it holds caches, rate limits and queued jobs, nothing that cannot be lost.
mod manifest;
mod media;
mod pg;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Subcommand;
use ferrodon_core::db::queries::backup as stats;
use ferrodon_core::{AppState, Config};

use manifest::{FileEntry, Manifest};

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Write a backup of the database and media into a new directory
    Create {
        /// The directory to create (it must not exist, or be empty)
        output: PathBuf,
        /// Also copy cached remote media (left out by default: it is
        /// fetched again when needed)
        #[arg(long)]
        include_cache: bool,
        /// With S3 storage, download every object into the backup instead
        /// of only listing what the bucket holds
        #[arg(long)]
        download_media: bool,
    },
    /// Check a backup's files against its manifest
    Verify {
        /// The backup directory
        input: PathBuf,
    },
    /// Restore a backup into this instance's (empty) database and media store
    Restore {
        /// The backup directory
        input: PathBuf,
        /// Replace a database that already holds accounts
        #[arg(long)]
        force: bool,
    },
}

pub async fn run(cmd: BackupCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        BackupCommand::Create {
            output,
            include_cache,
            download_media,
        } => create(state, &output, include_cache, download_media).await,
        BackupCommand::Verify { input } => {
            let manifest = Manifest::read(&input)?;
            let checked = manifest::verify(&input, &manifest)?;
            println!("{}: {checked} files match the manifest", input.display());
            Ok(())
        }
        BackupCommand::Restore { input, force } => restore(state, &input, force).await,
    }
}

fn prepare_output(output: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if output.exists() {
        let empty = std::fs::read_dir(output)
            .with_context(|| format!("reading {}", output.display()))?
            .next()
            .is_none();
        if !empty {
            bail!("{} exists and is not empty", output.display());
        }
        use std::os::unix::fs::PermissionsExt;
        return std::fs::set_permissions(output, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} private", output.display()));
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(output)
        .with_context(|| format!("creating {}", output.display()))
}

/// Row counts over a connection of its own: the pool's connections may hold
/// statements prepared against the tables a restore replaced.
async fn fresh_counts(
    database_url: &str,
) -> anyhow::Result<std::collections::BTreeMap<String, i64>> {
    let mut conn = ferrodon_core::db::admin::connect_admin(database_url).await?;
    Ok(stats::table_counts(&mut conn).await?.into_iter().collect())
}

async fn create(
    state: &AppState,
    output: &Path,
    include_cache: bool,
    download_media: bool,
) -> anyhow::Result<()> {
    prepare_output(output)?;
    let config: &Config = &state.config;
    // pg_dump runs in the snapshot of a transaction held open here, so the
    // counts the restore checks against are those of the dump itself.
    let mut conn = ferrodon_core::db::admin::connect_admin(config.database_url.expose()).await?;
    let snapshot = stats::begin_snapshot(&mut conn).await?;
    let schema_version = stats::schema_version(&mut conn).await?;
    let counts: std::collections::BTreeMap<String, i64> =
        stats::table_counts(&mut conn).await?.into_iter().collect();
    let dump_path = output.join(manifest::DATABASE_FILE);
    // Created owner-only first: pg_dump keeps the mode of an existing file.
    manifest::write_private(&dump_path, b"")?;
    pg::dump(config.database_url.expose(), &dump_path, &snapshot).await?;
    stats::end_snapshot(&mut conn).await?;
    drop(conn);
    let (sha256, bytes) = manifest::file_digest(&dump_path)?;
    let copy = match (&state.media, download_media) {
        (ferrodon_core::media::MediaStore::S3(_), false) => media::Copy::ListOnly,
        _ => media::Copy::Files,
    };
    let media = media::back_up(&state.media, output, copy, include_cache).await?;
    let manifest = Manifest {
        format: manifest::FORMAT,
        ferrodon_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now(),
        local_domain: config.local_domain.clone(),
        schema_version,
        database: FileEntry {
            path: manifest::DATABASE_FILE.to_owned(),
            bytes,
            sha256: Some(sha256),
        },
        counts,
        media,
    };
    manifest.write(output)?;
    let media_bytes: u64 = manifest.media.files.iter().map(|f| f.bytes).sum();
    println!(
        "Backup written to {}: database {} bytes; {} media files ({} bytes) {}",
        output.display(),
        manifest.database.bytes,
        manifest.media.files.len(),
        media_bytes,
        if manifest.media.included {
            "copied"
        } else {
            "listed (left in the bucket)"
        }
    );
    for (table, count) in &manifest.counts {
        println!("  {table}: {count}");
    }
    Ok(())
}

async fn restore(state: &AppState, input: &Path, force: bool) -> anyhow::Result<()> {
    let manifest = Manifest::read(input)?;
    let checked = manifest::verify(input, &manifest)?;
    let config: &Config = &state.config;
    if manifest.local_domain != config.local_domain {
        bail!(
            "the backup is of {}, but LOCAL_DOMAIN is {}: every ActivityPub id contains the \
             domain, so a backup can only be restored under its own",
            manifest.local_domain,
            config.local_domain
        );
    }
    let database_url = config.database_url.expose();
    {
        let mut conn = ferrodon_core::db::admin::connect_admin(database_url).await?;
        if stats::has_schema(&mut conn).await? {
            let accounts = stats::table_counts(&mut conn)
                .await?
                .into_iter()
                .find(|(table, _)| table == "accounts")
                .map_or(0, |(_, n)| n);
            if accounts > 0 && !force {
                bail!(
                    "the database already holds {accounts} accounts: restore into an empty \
                     database, or pass --force to replace everything in it"
                );
            }
        }
    }
    // pg_restore recreates every table; whatever a migrated but empty (or,
    // with --force, replaced) database held goes first.
    ferrodon_core::db::admin::reset_public_schema(database_url).await?;
    pg::restore(database_url, &input.join(manifest::DATABASE_FILE)).await?;
    let applied = ferrodon_core::db::run_migrations(database_url).await?;
    let restored_counts = fresh_counts(database_url).await?;
    let mut short = Vec::new();
    for (table, expected) in &manifest.counts {
        let got = restored_counts.get(table).copied().unwrap_or(0);
        if got != *expected {
            short.push(format!(
                "{table}: {got} rows, the backup counted {expected}"
            ));
        }
    }
    if !short.is_empty() {
        bail!(
            "the restored database differs from the backup:\n  {}",
            short.join("\n  ")
        );
    }
    let media = media::restore(&state.media, input, &manifest.media).await?;
    println!(
        "Restored {} ({} files checked): {} tables as counted, {} migrations applied after, {} media files copied into the {}",
        input.display(),
        checked,
        manifest.counts.len(),
        applied.len(),
        media.copied,
        state.media.describe()
    );
    if !media.missing.is_empty() {
        println!(
            "{} media files listed in the backup are not in the store, e.g. {}",
            media.missing.len(),
            media.missing[0]
        );
    }
    println!(
        "Redis was not part of the backup: home feeds are rebuilt from the database as people read them."
    );
    Ok(())
}
