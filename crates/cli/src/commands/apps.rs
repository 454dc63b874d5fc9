//! `ferrodonctl apps create NAME`: registers an OAuth application and prints
//! its credentials. `--client-id`/`--client-secret` give it fixed ones, a
//! testing aid for client suites that expect known credentials.
use anyhow::{bail, Context};
use clap::Subcommand;
use ferrodon_core::auth::oauth::{parse_redirect_uris, OOB_REDIRECT_URI};
use ferrodon_core::auth::tokens::random_token;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::models::NewOAuthApplication;
use ferrodon_core::db::queries::oauth;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum AppsCommand {
    /// Register an application and print its client id and secret
    Create {
        /// Application name
        name: String,
        /// Space-separated OAuth scopes the application may ask for
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Redirect URI (repeatable)
        #[arg(long = "redirect-uri", default_value = OOB_REDIRECT_URI)]
        redirect_uris: Vec<String>,
        /// Fixed client id instead of a random one (for test set-ups)
        #[arg(long, requires = "client_secret")]
        client_id: Option<String>,
        /// Fixed client secret instead of a random one (for test set-ups)
        #[arg(long, requires = "client_id")]
        client_secret: Option<String>,
    },
}

pub async fn run(cmd: AppsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        AppsCommand::Create {
            name,
            scopes,
            redirect_uris,
            client_id,
            client_secret,
        } => {
            let name = name.trim();
            if name.is_empty() {
                bail!("the application name can't be blank");
            }
            let scopes = ScopeSet::parse(&scopes)?;
            let uris = parse_redirect_uris(&redirect_uris)?;
            let client_id = non_blank(client_id, "--client-id")?.unwrap_or_else(random_token);
            let client_secret =
                non_blank(client_secret, "--client-secret")?.unwrap_or_else(random_token);
            let mut conn = state.conn().await?;
            if oauth::get_application_by_client_id(&mut conn, &client_id)
                .await
                .is_ok()
            {
                bail!("an application with client id {client_id} already exists");
            }
            let app = oauth::put_application(
                &mut conn,
                &NewOAuthApplication {
                    name: name.to_owned(),
                    client_id,
                    client_secret,
                    redirect_uri: uris.join("\n"),
                    scopes: scopes.to_string(),
                    website: None,
                },
            )
            .await
            .context("could not store the application")?;
            println!("client_id: {}", app.client_id);
            println!("client_secret: {}", app.client_secret);
            Ok(())
        }
    }
}

/// `value`, refused when given but blank.
fn non_blank(value: Option<String>, option: &str) -> anyhow::Result<Option<String>> {
    match value {
        Some(v) if v.trim().is_empty() => bail!("{option} can't be blank"),
        other => Ok(other),
    }
}
