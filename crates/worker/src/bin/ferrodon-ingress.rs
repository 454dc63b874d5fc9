//! The `ingress` queue worker.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_worker::run("ingress").await
}
