//! `ferrodonctl tokens create NAME --scopes "read write"`: prints a bearer token.
//! `--app CLIENT_ID` issues it for that application; `--token VALUE` stores a
//! token of a given value instead of a random one, a testing aid for client
//! suites that expect known tokens.
use anyhow::{bail, Context};
use clap::Subcommand;
use ferrodon_core::auth::oauth::issue_token;
use ferrodon_core::auth::tokens::digest;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::models::NewAccessToken;
use ferrodon_core::db::queries::{accounts, oauth, users};
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
        /// Client id of the application the token belongs to (its scopes
        /// must include the token's)
        #[arg(long)]
        app: Option<String>,
        /// Fixed token value instead of a random one (for test set-ups)
        #[arg(long)]
        token: Option<String>,
    },
}

pub async fn run(cmd: TokensCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        TokensCommand::Create {
            username,
            scopes,
            app,
            token,
        } => {
            let scopes = ScopeSet::parse(&scopes)?;
            let mut conn = state.conn().await?;
            let account = accounts::get_account_by_acct(&mut conn, &username, None)
                .await
                .with_context(|| format!("no local account named {username}"))?;
            let user = users::get_user_by_account_id(&mut conn, account.id).await?;
            let application_id = match app {
                Some(client_id) => {
                    let app = oauth::get_application_by_client_id(&mut conn, &client_id)
                        .await
                        .with_context(|| format!("no application with client id {client_id}"))?;
                    if !scopes.is_subset_of(&ScopeSet::parse(&app.scopes)?) {
                        bail!("the application {client_id} may not have the scopes {scopes}");
                    }
                    Some(app.id)
                }
                None => None,
            };
            match token {
                Some(value) => {
                    if value.trim().is_empty() {
                        bail!("--token can't be blank");
                    }
                    let token_digest = digest(&value);
                    if oauth::get_live_token(&mut conn, &token_digest)
                        .await
                        .is_ok()
                    {
                        bail!("that token is already in use");
                    }
                    oauth::put_token(
                        &mut conn,
                        &NewAccessToken {
                            application_id,
                            user_id: Some(user.id),
                            token_digest,
                            scopes: scopes.to_string(),
                        },
                    )
                    .await
                    .context("could not store the token")?;
                    println!("{value}");
                }
                None => {
                    let issued =
                        issue_token(&mut conn, application_id, Some(user.id), &scopes).await?;
                    println!("{}", issued.access_token);
                }
            }
            Ok(())
        }
    }
}
