//! `ferrodonctl webpush generate-vapid-key`: a fresh VAPID key pair
//! (Mastodon's `rake mastodon:webpush:generate_vapid_key`).
use clap::Subcommand;
use ferrodon_core::secrets::vapid::VapidKeys;

#[derive(Subcommand)]
pub enum WebpushCommand {
    /// Print a new VAPID key pair as VAPID_PRIVATE_KEY=… and VAPID_PUBLIC_KEY=… lines
    GenerateVapidKey,
}

/// Runs without any configuration, so keys can be made before the first start.
pub fn run(cmd: &WebpushCommand) -> anyhow::Result<()> {
    match cmd {
        WebpushCommand::GenerateVapidKey => {
            let keys = VapidKeys::generate()?;
            println!("VAPID_PRIVATE_KEY={}", keys.private_key.expose());
            println!("VAPID_PUBLIC_KEY={}", keys.public_key);
            Ok(())
        }
    }
}
