//! `ferrodonctl db migrate`.
use anyhow::Context;
use clap::Subcommand;
use ferrodon_core::Config;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (safe to run on every deploy)
    Migrate,
}

pub async fn run(cmd: &DbCommand, config: &Config) -> anyhow::Result<()> {
    match cmd {
        DbCommand::Migrate => {
            let applied = ferrodon_core::db::run_migrations(config.database_url.expose())
                .await
                .context("migrating the database")?;
            if applied.is_empty() {
                println!("Database is up to date");
            } else {
                for version in applied {
                    println!("Applied migration {version}");
                }
            }
            Ok(())
        }
    }
}
