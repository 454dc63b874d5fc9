//! The CSV files of a user's data export, in Mastodon's format (so that
//! Mastodon and Ferrodon import them): following, blocks, mutes, domain
//! blocks.
use ferrodon_db::queries::exports::{self, Handle};

use crate::{AppState, Error, Result};

/// The files offered, by name.
pub const FILES: &[&str] = &[
    "following_accounts.csv",
    "blocked_accounts.csv",
    "muted_accounts.csv",
    "blocked_domains.csv",
];

/// One CSV field, quoted when it needs to be.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn address(local_domain: &str, (username, domain): &Handle) -> String {
    format!("{username}@{}", domain.as_deref().unwrap_or(local_domain))
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// The CSV named `name` for `account_id`.
pub async fn export_csv(state: &AppState, account_id: i64, name: &str) -> Result<String> {
    let local = state.config.local_domain.as_str();
    let mut conn = state.conn().await?;
    let mut out = String::new();
    match name {
        "following_accounts.csv" => {
            out.push_str("Account address,Show boosts,Notify on new posts,Languages\n");
            for (handle, reblogs, notify, languages) in
                exports::followed(&mut conn, account_id).await?
            {
                let languages = languages.unwrap_or_default().join(", ");
                out.push_str(&format!(
                    "{},{},{},{}\n",
                    field(&address(local, &handle)),
                    yes_no(reblogs),
                    yes_no(notify),
                    field(&languages)
                ));
            }
        }
        "blocked_accounts.csv" => {
            for handle in exports::blocked(&mut conn, account_id).await? {
                out.push_str(&format!("{}\n", field(&address(local, &handle))));
            }
        }
        "muted_accounts.csv" => {
            out.push_str("Account address,Hide notifications\n");
            for (handle, hide) in exports::muted(&mut conn, account_id).await? {
                out.push_str(&format!(
                    "{},{}\n",
                    field(&address(local, &handle)),
                    yes_no(hide)
                ));
            }
        }
        "blocked_domains.csv" => {
            for domain in exports::blocked_domains(&mut conn, account_id).await? {
                out.push_str(&format!("{}\n", field(&domain)));
            }
        }
        _ => return Err(Error::NotFound),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("alice@example.com"), "alice@example.com");
        assert_eq!(field("en, de"), "\"en, de\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
