//! `ferrodonctl settings registrations open|approved|close`.
use clap::Subcommand;
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
    }
}
