//! The `scheduler` queue worker.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_worker::run("scheduler").await
}
