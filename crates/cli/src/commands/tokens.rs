//! `ferrodonctl tokens create NAME --scopes "read write"`: prints a bearer token.
use anyhow::Context;
use clap::Subcommand;
use ferrodon_core::auth::oauth::issue_token;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::queries::{accounts, users};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum TokensCommand {
    /// Issue an access token for a local account and print it
    Create {
        /// Username of a local account
        username: String,
        /// Space-separated OAuth scopes
        #[arg(long, default_value = "read")]
        scopes: String,
    },
}

pub async fn run(cmd: TokensCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        TokensCommand::Create { username, scopes } => {
            let scopes = ScopeSet::parse(&scopes)?;
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("no local account named {username}"))?;
            let user = users::get_user_by_account_id(&mut conn, account.id).await?;
            let token = issue_token(&mut conn, None, Some(user.id), &scopes).await?;
            println!("{}", token.access_token);
            Ok(())
        }
    }
}
