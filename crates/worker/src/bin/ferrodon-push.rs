//! The `push` queue worker.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodon_worker::run("push").await
}
