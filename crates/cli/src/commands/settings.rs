//! `ferrodonctl settings …`: registrations, timeline preview, rules, the
//! instance's texts and who sees its domain blocks.
use clap::Subcommand;
use ferrodon_core::db::queries::rules;
use ferrodon_core::services::instance_pages::{
    set_domain_blocks_visibility, set_text, DomainBlocksVisibility, InstanceText,
};
use ferrodon_core::services::instance_settings::{
    set_registrations_mode, set_timeline_preview, RegistrationsMode,
};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Who may sign up: open, approved (an admin approves each) or close
    Registrations {
        /// open, approved or close
        mode: String,
    },
    /// Whether signed-out visitors may read public and hashtag timelines: on or off
    TimelinePreview {
        /// on or off
        state: String,
    },
    /// The server's rules, shown at sign-up, on the about page and in reports
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Sets one of the server's texts (HTML) from a file, or `-` for stdin;
    /// an empty file clears it
    Text {
        /// extended-description, privacy-policy or terms-of-service
        which: String,
        /// The file to read
        file: String,
    },
    /// Who may list the server's domain blocks: disabled, users or all
    ShowDomainBlocks {
        /// disabled, users or all
        value: String,
    },
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Prints every rule with its id
    List,
    /// Adds a rule at the end
    Add {
        /// The rule
        text: String,
        /// A longer explanation
        #[arg(long, default_value = "")]
        hint: String,
    },
    /// Removes a rule by id
    Remove {
        /// The rule's id (see `list`)
        id: i64,
    },
}

pub async fn run(cmd: SettingsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        SettingsCommand::Registrations { mode } => {
            let mode = RegistrationsMode::parse(&mode)?;
            set_registrations_mode(state, mode).await?;
            println!("OK");
            Ok(())
        }
        SettingsCommand::TimelinePreview { state: value } => {
            let enabled = match value.as_str() {
                "on" | "true" | "enabled" => true,
                "off" | "false" | "disabled" => false,
                other => anyhow::bail!("unknown value {other:?}: use on or off"),
            };
            set_timeline_preview(state, enabled).await?;
            println!("OK");
            Ok(())
        }
        SettingsCommand::Rules(cmd) => run_rules(cmd, state).await,
        SettingsCommand::Text { which, file } => {
            let which = InstanceText::parse(&which)?;
            let content = if file == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file)?
            };
            set_text(state, which, content.trim()).await?;
            println!("OK");
            Ok(())
        }
        SettingsCommand::ShowDomainBlocks { value } => {
            set_domain_blocks_visibility(state, DomainBlocksVisibility::parse(&value)?).await?;
            println!("OK");
            Ok(())
        }
    }
}

async fn run_rules(cmd: RulesCommand, state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    match cmd {
        RulesCommand::List => {
            for rule in rules::list_rules(&mut conn).await? {
                println!("{}\t{}", rule.id, rule.text);
            }
        }
        RulesCommand::Add { text, hint } => {
            let text = text.trim();
            anyhow::ensure!(!text.is_empty(), "a rule needs text");
            let rule = rules::put_rule(&mut conn, text, hint.trim()).await?;
            println!("{}", rule.id);
        }
        RulesCommand::Remove { id } => {
            anyhow::ensure!(rules::delete_rule(&mut conn, id).await?, "no rule {id}");
            println!("OK");
        }
    }
    Ok(())
}
