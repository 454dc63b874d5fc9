//! `ferrodonctl`: Ferrodon's admin command line, what `tootctl` is to Mastodon.
mod commands;
mod tarball;

use clap::{Parser, Subcommand};
use ferrodon_core::{AppState, Config};

#[derive(Parser)]
#[command(
    name = "ferrodonctl",
    version,
    about = "Administer a Ferrodon instance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Accounts: create, modify, delete, approve, follow in bulk, refresh, cull, rotate keys
    #[command(subcommand)]
    Accounts(commands::accounts::AccountsCommand),
    /// Announcements shown to every signed-in user
    #[command(subcommand)]
    Announcements(commands::announcements::AnnouncementsCommand),
    /// Change instance settings
    #[command(subcommand)]
    Settings(commands::settings::SettingsCommand),
    /// Register OAuth applications (fixed credentials for test set-ups)
    #[command(subcommand)]
    Apps(commands::apps::AppsCommand),
    /// Issue access tokens for scripts and tests
    #[command(subcommand)]
    Tokens(commands::tokens::TokensCommand),
    /// Inspect and mend the job queues
    #[command(subcommand)]
    Queues(commands::queues::QueuesCommand),
    /// Other servers: block, unblock, purge their data, crawl their peers
    #[command(subcommand)]
    Domains(commands::domains::DomainsCommand),
    /// E-mail domains nobody may sign up with
    #[command(subcommand, alias = "email_domain_blocks")]
    EmailDomainBlocks(commands::email_domain_blocks::EmailDomainBlocksCommand),
    /// Address ranges refused at sign-up or altogether
    #[command(subcommand, alias = "ip_blocks")]
    IpBlocks(commands::ip_blocks::IpBlocksCommand),
    /// Subscribe to ActivityPub relays
    #[command(subcommand)]
    Relays(commands::relays::RelaysCommand),
    /// Local custom emojis: import, add, list, remove, export, purge
    #[command(subcommand)]
    Emoji(commands::emoji::EmojiCommand),
    /// Media storage: the remote media cache, usage, orphaned files, lookup, refresh
    #[command(subcommand)]
    Media(commands::media::MediaCommand),
    /// Back up and restore the database and media
    #[command(subcommand)]
    Backup(commands::backup::BackupCommand),
    /// Database maintenance
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// Web Push: VAPID keys
    #[command(subcommand)]
    Webpush(commands::webpush::WebpushCommand),
    /// Import another server's data (Mastodon)
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Remove old remote statuses
    #[command(subcommand)]
    Statuses(commands::statuses::StatusesCommand),
    /// Remove old preview cards
    #[command(subcommand, alias = "preview_cards")]
    PreviewCards(commands::preview_cards::PreviewCardsCommand),
    /// Home feeds: rebuild and clear
    #[command(subcommand)]
    Feeds(commands::feeds::FeedsCommand),
    /// Redis caches and stored counters
    #[command(subcommand)]
    Cache(commands::cache::CacheCommand),
    /// The full-text search indexes
    #[command(subcommand)]
    Search(commands::search::SearchCommand),
    /// Repairs: duplicate accounts and statuses
    #[command(subcommand)]
    Maintenance(commands::maintenance::MaintenanceCommand),
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("{err:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Webpush(cmd) = &cli.command {
        return commands::webpush::run(cmd);
    }
    let config = Config::from_env()?;
    if let Command::Db(cmd) = &cli.command {
        return commands::db::run(cmd, &config).await;
    }
    let state = AppState::new(config)?;
    match cli.command {
        Command::Accounts(cmd) => commands::accounts::run(cmd, &state).await,
        Command::Settings(cmd) => commands::settings::run(cmd, &state).await,
        Command::Apps(cmd) => commands::apps::run(cmd, &state).await,
        Command::Tokens(cmd) => commands::tokens::run(cmd, &state).await,
        Command::Queues(cmd) => commands::queues::run(cmd, &state).await,
        Command::Media(cmd) => commands::media::run(cmd, &state).await,
        Command::Domains(cmd) => commands::domains::run(cmd, &state).await,
        Command::EmailDomainBlocks(cmd) => commands::email_domain_blocks::run(cmd, &state).await,
        Command::IpBlocks(cmd) => commands::ip_blocks::run(cmd, &state).await,
        Command::Relays(cmd) => commands::relays::run(cmd, &state).await,
        Command::Emoji(cmd) => commands::emoji::run(cmd, &state).await,
        Command::Announcements(cmd) => commands::announcements::run(cmd, &state).await,
        Command::Backup(cmd) => commands::backup::run(cmd, &state).await,
        Command::Import(cmd) => commands::import::run(cmd, &state).await,
        Command::Statuses(cmd) => commands::statuses::run(cmd, &state).await,
        Command::PreviewCards(cmd) => commands::preview_cards::run(cmd, &state).await,
        Command::Feeds(cmd) => commands::feeds::run(cmd, &state).await,
        Command::Cache(cmd) => commands::cache::run(cmd, &state).await,
        Command::Search(cmd) => commands::search::run(cmd, &state).await,
        Command::Maintenance(cmd) => commands::maintenance::run(cmd, &state).await,
        Command::Db(_) | Command::Webpush(_) => Ok(()),
    }
}
