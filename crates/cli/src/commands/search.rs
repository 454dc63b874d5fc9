//! `ferrodonctl search deploy`: search here is PostgreSQL full-text search
//! (GIN indexes on statuses and accounts), so deploying rebuilds those
//! indexes, where `tootctl search deploy` fills Elasticsearch.
use clap::Subcommand;
use ferrodon_core::db::queries::operations;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum SearchCommand {
    /// Rebuild the full-text search indexes
    Deploy,
}

pub async fn run(cmd: SearchCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        SearchCommand::Deploy => {
            let mut conn = state.conn().await?;
            operations::reindex_search(&mut conn).await?;
            println!(
                "OK, rebuilt the search indexes {}",
                operations::SEARCH_INDEXES.join(" and ")
            );
        }
    }
    Ok(())
}
