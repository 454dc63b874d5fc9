//! Running PostgreSQL's own `pg_dump` and `pg_restore`: they take a
//! consistent snapshot (one transaction) while the instance keeps serving.
//! The password goes through PGPASSWORD, never the command line, where
//! other users of the machine could read it.
use std::path::Path;
use std::process::Stdio;

use tokio::process::Command;

use anyhow::{bail, Context};

/// The database URL without its password, and the password.
fn split_password(database_url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut url = url::Url::parse(database_url).context("DATABASE_URL is not a URL")?;
    let password = url.password().map(percent_decode);
    if password.is_some() {
        url.set_password(None)
            .map_err(|()| anyhow::anyhow!("DATABASE_URL cannot carry a password"))?;
    }
    Ok((url.to_string(), password))
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn run(program: &str, args: &[&str], database_url: &str) -> anyhow::Result<()> {
    let (url, password) = split_password(database_url)?;
    let mut command = Command::new(program);
    command
        .args(args)
        .arg(format!("--dbname={url}"))
        .stdin(Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "{program} is not installed: install PostgreSQL's client programs \
                 (Debian: postgresql-client) of the server's major version or newer"
            )
        } else {
            anyhow::anyhow!("running {program}: {e}")
        }
    })?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Dumps the whole database to `file` in pg_dump's custom format.
pub async fn dump(database_url: &str, file: &Path, snapshot: &str) -> anyhow::Result<()> {
    let file = file.to_str().context("backup path is not UTF-8")?;
    let snapshot = format!("--snapshot={snapshot}");
    run(
        "pg_dump",
        &[
            "--format=custom",
            &snapshot,
            "--no-owner",
            "--no-privileges",
            "--file",
            file,
        ],
        database_url,
    )
    .await
}

/// Restores `file` into the database in one transaction: all or nothing.
pub async fn restore(database_url: &str, file: &Path) -> anyhow::Result<()> {
    let file = file.to_str().context("backup path is not UTF-8")?;
    run(
        "pg_restore",
        &[
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            file,
        ],
        database_url,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        let (url, password) =
            split_password("postgres://ferrodon:p%40ss%2Bw@db:5432/ferrodon_production")
                .expect("a URL");
        assert_eq!(url, "postgres://ferrodon@db:5432/ferrodon_production");
        assert_eq!(password.as_deref(), Some("p@ss+w"));
    }

    #[test]
    fn a_url_without_password_is_kept() {
        let (url, password) =
            split_password("postgres://ferrodon@127.0.0.1/db?sslmode=require").expect("a URL");
        assert_eq!(url, "postgres://ferrodon@127.0.0.1/db?sslmode=require");
        assert_eq!(password, None);
    }
}
