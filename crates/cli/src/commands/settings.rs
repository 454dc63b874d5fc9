//! `ferrodonctl settings registrations open|approved|close`.
use clap::Subcommand;
use ferrodon_core::services::instance_settings::{set_registrations_mode, RegistrationsMode};
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum SettingsCommand {
    /// Who may sign up: open, approved (an admin approves each) or close
    Registrations {
        /// open, approved or close
        mode: String,
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
    }
}
