//! Accounts and users: local ones keep their username, key pair and
//! ActivityPub id (`https://DOMAIN/users/NAME`); remote ones keep their
//! uri, inboxes and public key so deliveries and signature checks go on.
use std::collections::HashMap;

use ferrodon_apub::signatures::keys::{PrivateKey, PublicKey};
use ferrodon_db::mastodon_import::source::{SourceAccount, SourceUser};
use ferrodon_db::mastodon_import::target::{self, ImportAccount, ImportImages, ImportUser};
use ferrodon_db::Conn;

use super::files::{copy_file, paperclip_key, Copied};
use super::{ImportOptions, ImportReport};
use crate::auth::roles::{Permission, Role};
use crate::media::public_url;
use crate::{urls, AppState, Config, Error, Result};

/// Mastodon's `administrator` permission bit.
const PERMISSION_ADMINISTRATOR: i64 = Permission::Administrator as i64;
/// `manage_reports` and `manage_users`: what makes a moderator.
const PERMISSIONS_MODERATOR: i64 =
    Permission::ManageReports as i64 | Permission::ManageUsers as i64;

/// Why a local account's keys cannot be used.
fn key_problem(account: &SourceAccount) -> Option<&'static str> {
    let Some(private) = account.private_key.as_deref() else {
        return Some("it has no private key");
    };
    let Ok(private) = PrivateKey::from_pem(private) else {
        return Some("its private key is not a usable RSA key (2048 bits or more)");
    };
    let (Ok(derived), Ok(stored)) = (
        private.public_key(),
        PublicKey::from_pem(&account.public_key),
    ) else {
        return Some("its public key cannot be read");
    };
    (derived != stored).then_some("its public key does not match its private key")
}

/// Ferrodon's role name for a Mastodon role.
fn role_of(user: &SourceUser) -> Role {
    match user
        .role_name
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("owner") => Role::Owner,
        Some("admin") => Role::Admin,
        Some("moderator") => Role::Moderator,
        _ if user.role_permissions & PERMISSION_ADMINISTRATOR != 0 => Role::Admin,
        _ if user.role_permissions & PERMISSIONS_MODERATOR != 0 => Role::Moderator,
        _ => Role::User,
    }
}

fn local_row(
    config: &Config,
    a: &SourceAccount,
    avatar: Option<&str>,
    header: Option<&str>,
) -> ImportAccount {
    let uri = urls::account_uri(config, &a.username);
    ImportAccount {
        id: a.id,
        username: a.username.clone(),
        domain: None,
        display_name: a.display_name.clone(),
        note: a.note.clone(),
        locked: a.locked,
        bot: a.bot,
        discoverable: a.discoverable,
        indexable: a.indexable,
        hide_collections: a.hide_collections,
        url: Some(urls::account_url(config, &a.username)),
        inbox_url: format!("{uri}/inbox"),
        shared_inbox_url: format!("{}/inbox", config.base_url()),
        outbox_url: format!("{uri}/outbox"),
        followers_url: format!("{uri}/followers"),
        uri,
        public_key: a.public_key.clone(),
        private_key: a.private_key.clone(),
        avatar_url: avatar.map(|k| public_url(config, k)),
        header_url: header.map(|k| public_url(config, k)),
        fields: a.fields.clone(),
        suspended_at: a.suspended_at,
        silenced_at: a.silenced_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
        last_status_at: a.last_status_at,
        statuses_count: 0,
        followers_count: 0,
        following_count: 0,
    }
}

fn remote_row(a: &SourceAccount) -> ImportAccount {
    let clamp = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    ImportAccount {
        id: a.id,
        username: a.username.clone(),
        domain: a.domain.clone(),
        display_name: a.display_name.clone(),
        note: ferrodon_apub::sanitize::sanitize_remote_html(&a.note),
        locked: a.locked,
        bot: a.bot,
        discoverable: a.discoverable,
        indexable: a.indexable,
        hide_collections: a.hide_collections,
        uri: a.uri.clone(),
        url: a.url.clone(),
        inbox_url: a.inbox_url.clone(),
        shared_inbox_url: a.shared_inbox_url.clone(),
        outbox_url: a.outbox_url.clone(),
        followers_url: a.followers_url.clone(),
        public_key: a.public_key.clone(),
        private_key: None,
        avatar_url: a.avatar_remote_url.clone(),
        header_url: a.header_remote_url.clone(),
        fields: a.fields.clone(),
        suspended_at: a.suspended_at,
        silenced_at: a.silenced_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
        last_status_at: a.last_status_at,
        statuses_count: clamp(a.statuses_count),
        followers_count: clamp(a.followers_count),
        following_count: clamp(a.following_count),
    }
}

/// A local account's avatar or header key, copied in with `--media-root`.
async fn local_image(
    state: &AppState,
    opts: &ImportOptions,
    report: &mut ImportReport,
    a: &SourceAccount,
    which: &str,
) -> Result<Option<String>> {
    let (name, version) = match which {
        "avatars" => (&a.avatar_file_name, a.avatar_storage_schema_version),
        _ => (&a.header_file_name, a.header_storage_schema_version),
    };
    let Some(key) = name
        .as_deref()
        .and_then(|n| paperclip_key("accounts", which, a.id, version, "original", n))
    else {
        return Ok(None);
    };
    if let Some(root) = &opts.media_root {
        match copy_file(state, root, &key, "application/octet-stream", opts.dry_run).await? {
            Copied::Copied => report.files_copied += 1,
            Copied::Missing => report.files_missing += 1,
        }
    }
    Ok(Some(key))
}

/// Imports every selected account; returns Mastodon id → Ferrodon id.
pub async fn import_accounts(
    state: &AppState,
    conn: &mut Conn,
    opts: &ImportOptions,
    accounts: &[SourceAccount],
    users: &[SourceUser],
    report: &mut ImportReport,
) -> Result<HashMap<i64, i64>> {
    let users: HashMap<i64, &SourceUser> = users.iter().map(|u| (u.account_id, u)).collect();
    let mut ids = HashMap::new();
    for a in accounts {
        let local = a.domain.is_none();
        let uri = if local {
            urls::account_uri(&state.config, &a.username)
        } else {
            a.uri.clone()
        };
        if let Some((existing, key)) =
            target::find_account(conn, &uri, &a.username, a.domain.as_deref()).await?
        {
            if local && key != a.public_key {
                // Another account already holds the name here: merging
                // would hand it the Mastodon account's posts.
                report.local_accounts.skipped += 1;
                report.warn(format!(
                    "skipped local account {}: a different Ferrodon account already has this username",
                    a.username
                ));
                continue;
            }
            ids.insert(a.id, existing);
            if local {
                report.local_accounts.present += 1;
            } else {
                report.remote_accounts.present += 1;
            }
            continue;
        }
        if !local {
            let id = if opts.dry_run {
                a.id
            } else {
                target::insert_account(conn, &remote_row(a)).await?
            };
            ids.insert(a.id, id);
            report.remote_accounts.added += 1;
            continue;
        }
        if let Some(problem) = key_problem(a) {
            report.local_accounts.skipped += 1;
            report.warn(format!("skipped local account {}: {problem}", a.username));
            continue;
        }
        let Some(user) = users.get(&a.id) else {
            continue;
        };
        if a.id_scheme == 1 {
            report.warn(format!(
                "{}: Mastodon gave this account a numeric ActivityPub id (/ap/users/{}); \
                 Ferrodon serves it as {uri}, so remote servers see a new actor",
                a.username, a.id
            ));
        }
        let avatar = local_image(state, opts, report, a, "avatars").await?;
        let header = local_image(state, opts, report, a, "headers").await?;
        let row = local_row(&state.config, a, avatar.as_deref(), header.as_deref());
        let user_row = user_row(user);
        let id = if opts.dry_run {
            a.id
        } else {
            match insert_local(conn, &row, &user_row, avatar, header).await {
                Ok(id) => id,
                Err(Error::Validation(why)) => {
                    report.local_accounts.skipped += 1;
                    report.warn(format!("skipped local account {}: {why}", a.username));
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
        ids.insert(a.id, id);
        report.local_accounts.added += 1;
    }
    Ok(ids)
}

/// The account, its user and its image keys, all or nothing.
async fn insert_local(
    conn: &mut Conn,
    row: &ImportAccount,
    user: &ImportUser,
    avatar: Option<String>,
    header: Option<String>,
) -> Result<i64> {
    use ferrodon_db::AsyncConnection;
    conn.transaction(async |conn| {
        let id = target::insert_account(conn, row).await?;
        let user = ImportUser {
            account_id: id,
            ..user.clone()
        };
        if !target::insert_user(conn, &user).await? {
            return Err(Error::validation(format!(
                "the e-mail address of {} is taken by another Ferrodon user",
                row.username
            )));
        }
        if avatar.is_some() || header.is_some() {
            let images = ImportImages {
                avatar_file_key: avatar,
                header_file_key: header,
                ..ImportImages::default()
            };
            target::insert_account_images(conn, id, &images).await?;
        }
        Ok::<_, Error>(id)
    })
    .await
}

fn user_row(u: &SourceUser) -> ImportUser {
    let settings: serde_json::Value = u
        .settings
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let privacy = match settings["default_privacy"].as_str() {
        Some(p @ ("public" | "unlisted" | "private" | "direct")) => p.to_owned(),
        _ => "public".to_owned(),
    };
    ImportUser {
        account_id: u.account_id,
        email: u.email.clone(),
        encrypted_password: u.encrypted_password.clone(),
        role: role_of(u),
        confirmed_at: u.confirmed_at,
        approved: u.approved,
        disabled: u.disabled,
        locale: u
            .locale
            .clone()
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "en".into()),
        default_privacy: privacy,
        default_sensitive: settings["default_sensitive"].as_bool().unwrap_or(false),
        default_language: settings["default_language"]
            .as_str()
            .filter(|l| !l.is_empty())
            .map(str::to_owned),
        created_at: u.created_at,
        last_sign_in_at: u.last_sign_in_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role_name: Option<&str>, role_permissions: i64) -> SourceUser {
        SourceUser {
            account_id: 1,
            email: "a@example.com".into(),
            encrypted_password: String::new(),
            confirmed_at: None,
            approved: true,
            disabled: false,
            locale: None,
            role_name: role_name.map(str::to_owned),
            role_permissions,
            settings: Some(r#"{"default_privacy":"private","default_sensitive":true}"#.into()),
            created_at: chrono::Utc::now(),
            last_sign_in_at: None,
        }
    }

    #[test]
    fn roles_by_name_then_by_permissions() {
        assert_eq!(role_of(&user(Some("Owner"), 1)), Role::Owner);
        assert_eq!(role_of(&user(Some("admin"), 0)), Role::Admin);
        assert_eq!(role_of(&user(Some("Staff"), 1)), Role::Admin);
        assert_eq!(role_of(&user(Some("Helpers"), 1 << 4)), Role::Moderator);
        assert_eq!(role_of(&user(None, 0)), Role::User);
    }

    #[test]
    fn posting_defaults_come_from_mastodon_settings() {
        let row = user_row(&user(None, 0));
        assert_eq!(row.default_privacy, "private");
        assert!(row.default_sensitive);
        assert_eq!(row.locale, "en");
    }
}
