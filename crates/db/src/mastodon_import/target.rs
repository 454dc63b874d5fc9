//! Writes imported rows into Ferrodon's tables. Every insert keeps the
//! Mastodon id when it is free and never overwrites an existing row, so a
//! second run finds everything present and writes nothing.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use diesel_async::RunQueryDsl;

use crate::models::Role;
use crate::schema::{
    account_images, accounts, follows, media_attachments, mentions, statuses, users,
};
use crate::{Conn, Result};

/// An account ready to insert.
///
/// No `Debug`: it holds a password hash or a private key, which must never reach a log.
#[derive(Clone, Insertable)]
#[diesel(table_name = accounts)]
#[allow(missing_docs)]
pub struct ImportAccount {
    pub id: i64,
    pub username: String,
    pub domain: Option<String>,
    pub display_name: String,
    pub note: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub hide_collections: bool,
    pub uri: String,
    pub url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: String,
    pub outbox_url: String,
    pub followers_url: String,
    pub public_key: String,
    pub private_key: Option<String>,
    pub avatar_url: Option<String>,
    pub header_url: Option<String>,
    pub fields: serde_json::Value,
    pub suspended_at: Option<DateTime<Utc>>,
    pub silenced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_status_at: Option<DateTime<Utc>>,
    pub statuses_count: i32,
    pub followers_count: i32,
    pub following_count: i32,
}

/// An existing account with this ActivityPub id or this `username@domain`:
/// its id and public key PEM.
pub async fn find_account(
    conn: &mut Conn,
    uri: &str,
    username: &str,
    domain: Option<&str>,
) -> Result<Option<(i64, String)>> {
    let by_uri: Option<(i64, String)> = accounts::table
        .filter(accounts::uri.eq(uri))
        .select((accounts::id, accounts::public_key))
        .first(conn)
        .await
        .optional()?;
    if by_uri.is_some() {
        return Ok(by_uri);
    }
    match crate::queries::accounts::get_account_by_acct(conn, username, domain).await {
        Ok(account) => Ok(Some((account.id, account.public_key))),
        Err(crate::Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `wanted`, unless `taken`: then a fresh id.
async fn free_id(conn: &mut Conn, wanted: i64, taken: bool) -> Result<i64> {
    if taken {
        crate::queries::accounts::next_id(conn).await
    } else {
        Ok(wanted)
    }
}

/// Inserts an account under `account.id`, or under a fresh id when another
/// account already has that one; returns the id used.
pub async fn insert_account(conn: &mut Conn, account: &ImportAccount) -> Result<i64> {
    let taken = diesel::select(diesel::dsl::exists(accounts::table.find(account.id)))
        .get_result(conn)
        .await?;
    let id = free_id(conn, account.id, taken).await?;
    diesel::insert_into(accounts::table)
        .values(&ImportAccount {
            id,
            ..account.clone()
        })
        .execute(conn)
        .await?;
    Ok(id)
}

/// Records where an imported account's images are: storage keys for a local
/// account's files, origin URLs for a remote account's.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct ImportImages {
    pub avatar_file_key: Option<String>,
    pub header_file_key: Option<String>,
    pub avatar_remote_url: Option<String>,
    pub header_remote_url: Option<String>,
    pub file_size: i64,
}

/// Stores an account's image references unless it has some already.
pub async fn insert_account_images(
    conn: &mut Conn,
    account_id: i64,
    images: &ImportImages,
) -> Result<()> {
    diesel::insert_into(account_images::table)
        .values((
            account_images::account_id.eq(account_id),
            account_images::avatar_file_key.eq(&images.avatar_file_key),
            account_images::header_file_key.eq(&images.header_file_key),
            account_images::avatar_remote_url.eq(&images.avatar_remote_url),
            account_images::header_remote_url.eq(&images.header_remote_url),
            account_images::file_size.eq(images.file_size),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// A user ready to insert.
///
/// No `Debug`: it holds a password hash or a private key, which must never reach a log.
#[derive(Clone, Insertable)]
#[diesel(table_name = users)]
#[allow(missing_docs)]
pub struct ImportUser {
    pub account_id: i64,
    pub email: String,
    /// The bcrypt hash as Mastodon stored it; replaced by argon2 at the first sign-in.
    pub encrypted_password: String,
    pub role: Role,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub approved: bool,
    pub disabled: bool,
    pub locale: String,
    pub default_privacy: String,
    pub default_sensitive: bool,
    pub default_language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// Inserts a user unless the account or the e-mail address has one;
/// returns true when inserted.
pub async fn insert_user(conn: &mut Conn, user: &ImportUser) -> Result<bool> {
    let n = diesel::insert_into(users::table)
        .values(user)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// A follow ready to insert (account ids already mapped).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = follows)]
#[allow(missing_docs)]
pub struct ImportFollow {
    pub account_id: i64,
    pub target_account_id: i64,
    pub show_reblogs: bool,
    pub notify: bool,
    pub languages: Option<Vec<String>>,
    pub uri: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Inserts a follow unless the pair follows already; true when inserted.
pub async fn insert_follow(conn: &mut Conn, follow: &ImportFollow) -> Result<bool> {
    let n = diesel::insert_into(follows::table)
        .values(follow)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n > 0)
}

/// The id of the status with this ActivityPub id.
pub async fn find_status_by_uri(conn: &mut Conn, uri: &str) -> Result<Option<i64>> {
    Ok(statuses::table
        .filter(statuses::uri.eq(uri))
        .select(statuses::id)
        .first(conn)
        .await
        .optional()?)
}

/// True when a status has this id.
pub async fn status_id_taken(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(statuses::table.find(id)))
            .get_result(conn)
            .await?,
    )
}

/// A status ready to insert (ids already mapped).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = statuses)]
#[allow(missing_docs)]
pub struct ImportStatus {
    pub id: i64,
    pub uri: String,
    pub url: Option<String>,
    pub account_id: i64,
    pub in_reply_to_id: Option<i64>,
    pub in_reply_to_account_id: Option<i64>,
    pub reblog_of_id: Option<i64>,
    pub text: String,
    pub content: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: i16,
    pub language: Option<String>,
    pub local: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub ordered_media_attachment_ids: Option<Vec<i64>>,
    pub replies_count: i32,
    pub reblogs_count: i32,
    pub favourites_count: i32,
}

/// Inserts a status.
pub async fn insert_status(conn: &mut Conn, status: &ImportStatus) -> Result<()> {
    diesel::insert_into(statuses::table)
        .values(status)
        .execute(conn)
        .await?;
    Ok(())
}

/// Inserts a status's mentions: `(account id, silent)`.
pub async fn insert_mentions(
    conn: &mut Conn,
    status_id: i64,
    mentioned: &[(i64, bool)],
) -> Result<()> {
    if mentioned.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = mentioned
        .iter()
        .map(|(account_id, silent)| {
            (
                mentions::status_id.eq(status_id),
                mentions::account_id.eq(*account_id),
                mentions::silent.eq(*silent),
            )
        })
        .collect();
    diesel::insert_into(mentions::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// A media attachment ready to insert (complete: its files exist or are remote).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media_attachments)]
#[allow(missing_docs)]
pub struct ImportMedia {
    pub id: i64,
    pub account_id: i64,
    pub status_id: i64,
    pub kind: String,
    pub file_key: Option<String>,
    pub small_key: Option<String>,
    pub remote_url: Option<String>,
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub meta: serde_json::Value,
    pub file_content_type: Option<String>,
    pub file_size: i64,
    /// [`crate::models::Processing`], complete for every imported attachment.
    pub processing: i16,
    pub created_at: DateTime<Utc>,
}

/// Inserts an attachment under its Mastodon id, or under a fresh one
/// when that is taken. Returns the id used.
pub async fn insert_media(conn: &mut Conn, media: &ImportMedia) -> Result<i64> {
    let taken = diesel::select(diesel::dsl::exists(media_attachments::table.find(media.id)))
        .get_result(conn)
        .await?;
    let id = free_id(conn, media.id, taken).await?;
    diesel::insert_into(media_attachments::table)
        .values(&ImportMedia {
            id,
            ..media.clone()
        })
        .execute(conn)
        .await?;
    Ok(id)
}

/// Sets the display order of a status's attachments.
pub async fn set_media_order(conn: &mut Conn, status_id: i64, media_ids: &[i64]) -> Result<()> {
    diesel::update(statuses::table.find(status_id))
        .set(statuses::ordered_media_attachment_ids.eq(media_ids))
        .execute(conn)
        .await?;
    Ok(())
}

/// Recounts statuses, followers and following of local accounts from the
/// rows now present (remote accounts keep the totals their server reported).
pub async fn recount_local_accounts(conn: &mut Conn, ids: &[i64]) -> Result<()> {
    diesel::sql_query(
        "UPDATE accounts a SET
           statuses_count = (SELECT count(*) FROM statuses s WHERE s.account_id = a.id),
           followers_count = (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id),
           following_count = (SELECT count(*) FROM follows f WHERE f.account_id = a.id),
           last_status_at = (SELECT max(s.created_at) FROM statuses s WHERE s.account_id = a.id)
         WHERE a.id = ANY($1) AND a.domain IS NULL",
    )
    .bind::<Array<BigInt>, _>(ids)
    .execute(conn)
    .await?;
    Ok(())
}
