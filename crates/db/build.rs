//! Rebuilds the crate when a migration is added, so `embed_migrations!`
//! never embeds a stale list (cargo only tracks the files it already saw).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
