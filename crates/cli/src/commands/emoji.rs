//! `ferrodonctl emoji import|add|list|remove|export|purge`: local custom
//! emojis, as `tootctl emoji` manages them.
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Subcommand;
use ferrodon_core::custom_emojis::{self, Added, MAX_IMAGE_BYTES};
use ferrodon_core::db::queries::custom_emojis::{
    find_local_emoji, list_all_emojis, list_local_emojis,
};
use ferrodon_core::AppState;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::tarball;

#[derive(Subcommand)]
pub enum EmojiCommand {
    /// Import the PNG, GIF and WebP files of a .tar.gz, each named after its shortcode
    Import {
        /// The archive
        path: PathBuf,
        /// Put in front of every shortcode
        #[arg(long)]
        prefix: Option<String>,
        /// Put after every shortcode
        #[arg(long)]
        suffix: Option<String>,
        /// Replace emojis that exist (they are skipped otherwise)
        #[arg(long)]
        overwrite: bool,
        /// Group the emojis under this category in the picker
        #[arg(long)]
        category: Option<String>,
    },
    /// Add one emoji from an image file
    Add {
        /// Its shortcode (letters, digits and underscores, at least 2)
        shortcode: String,
        /// A PNG, GIF or WebP image of at most 256 KB
        file: PathBuf,
        /// Group it under this category in the picker
        #[arg(long)]
        category: Option<String>,
        /// Replace the emoji if it exists
        #[arg(long)]
        overwrite: bool,
    },
    /// List local emojis: shortcode, category, URL
    List,
    /// Remove a local emoji
    Remove {
        /// Its shortcode
        shortcode: String,
    },
    /// Write the local emojis to a .tar.gz that `import` reads
    Export {
        /// The archive to write
        path: PathBuf,
        /// Replace the archive if it exists
        #[arg(long)]
        overwrite: bool,
        /// Only the emojis of this category
        #[arg(long)]
        category: Option<String>,
    },
    /// Remove every custom emoji
    Purge {
        /// Only those learnt from other servers
        #[arg(long)]
        remote_only: bool,
    },
}

pub async fn run(cmd: EmojiCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        EmojiCommand::Import {
            path,
            prefix,
            suffix,
            overwrite,
            category,
        } => {
            let names = (prefix.unwrap_or_default(), suffix.unwrap_or_default());
            import(state, &path, &names, overwrite, category.as_deref()).await?;
        }
        EmojiCommand::Add {
            shortcode,
            file,
            category,
            overwrite,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            match custom_emojis::add_local(state, &shortcode, bytes, category.as_deref(), overwrite)
                .await?
            {
                Added::Created => println!("Added :{shortcode}:"),
                Added::Replaced => println!("Replaced :{shortcode}:"),
                Added::Skipped => bail!(":{shortcode}: exists; use --overwrite to replace it"),
            }
        }
        EmojiCommand::List => {
            let mut conn = state.conn().await?;
            for emoji in list_local_emojis(&mut conn, false).await? {
                let flags = if emoji.disabled { "\tdisabled" } else { "" };
                println!(
                    "{}\t{}\t{}{flags}",
                    emoji.shortcode,
                    emoji.category.as_deref().unwrap_or("-"),
                    emoji.image_url
                );
            }
        }
        EmojiCommand::Remove { shortcode } => {
            let found = {
                let mut conn = state.conn().await?;
                find_local_emoji(&mut conn, &shortcode).await?
            };
            let Some(emoji) = found else {
                bail!("No local emoji :{shortcode}:");
            };
            custom_emojis::remove(state, &[emoji]).await?;
            println!("Removed :{shortcode}:");
        }
        EmojiCommand::Export {
            path,
            overwrite,
            category,
        } => export(state, &path, overwrite, category.as_deref()).await?,
        EmojiCommand::Purge { remote_only } => {
            let emojis = {
                let mut conn = state.conn().await?;
                list_all_emojis(&mut conn, remote_only).await?
            };
            let removed = custom_emojis::remove(state, &emojis).await?;
            println!("Removed {removed} emojis");
        }
    }
    Ok(())
}

async fn import(
    state: &AppState,
    path: &Path,
    (prefix, suffix): &(String, String),
    overwrite: bool,
    category: Option<&str>,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let entries =
        tarball::read_entries(GzDecoder::new(BufReader::new(file)), MAX_IMAGE_BYTES as u64)
            .with_context(|| format!("reading {}", path.display()))?;
    let (mut imported, mut skipped, mut failed) = (0, 0, 0);
    for entry in entries {
        let file_name = entry.path.rsplit('/').next().unwrap_or_default();
        let Some((stem, extension)) = file_name.rsplit_once('.') else {
            continue;
        };
        if !["png", "gif", "webp"].contains(&extension.to_ascii_lowercase().as_str())
            || stem.starts_with("._")
        {
            continue;
        }
        let shortcode = format!("{prefix}{stem}{suffix}");
        let outcome = match entry.bytes {
            Some(bytes) => custom_emojis::add_local(state, &shortcode, bytes, category, overwrite)
                .await
                .map_err(|e| e.to_string()),
            None => Err("Image must be less than 256 KB".to_owned()),
        };
        match outcome {
            Ok(Added::Created | Added::Replaced) => imported += 1,
            Ok(Added::Skipped) => skipped += 1,
            Err(message) => {
                failed += 1;
                eprintln!("Failure/Error: {}\n    {message}", entry.path);
            }
        }
    }
    println!("Imported {imported}, skipped {skipped}, failed to import {failed}");
    Ok(())
}

async fn export(
    state: &AppState,
    path: &Path,
    overwrite: bool,
    category: Option<&str>,
) -> anyhow::Result<()> {
    if path.exists() && !overwrite {
        bail!("Archive already exists! Use '--overwrite' to overwrite it!");
    }
    let emojis = {
        let mut conn = state.conn().await?;
        list_local_emojis(&mut conn, false).await?
    };
    let mut files = Vec::new();
    for emoji in emojis
        .iter()
        .filter(|e| category.is_none() || e.category.as_deref() == category)
    {
        if let Some((bytes, extension)) = custom_emojis::image_of(state, emoji).await? {
            files.push((format!("{}.{extension}", emoji.shortcode), bytes));
        }
    }
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut gzip = GzEncoder::new(file, flate2::Compression::default());
    tarball::write_entries(&mut gzip, &files)?;
    gzip.finish()?;
    println!("Exported {}", files.len());
    Ok(())
}
