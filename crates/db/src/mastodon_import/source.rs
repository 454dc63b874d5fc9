//! Reads a Mastodon database (4.0 or later, restored from its `pg_dump`).
//!
//! What is read is fixed once per run by [`select_rows`]: temporary tables
//! on the source connection that name the local accounts (those with a
//! user), the statuses to copy (theirs, plus the remote statuses they reblog
//! or reply to) and every account those rows refer to. The reads below
//! only join against them, so each row type is read by one small query.
//! Mastodon stores times as `timestamp without time zone` in UTC; they are
//! read `AT TIME ZONE 'UTC'`. Nothing here writes to the source.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::{Error, Result};

/// Opens a connection to the Mastodon database.
pub async fn connect(url: &str) -> Result<AsyncPgConnection> {
    AsyncPgConnection::establish(url)
        .await
        .map_err(|e| Error::Pool(e.to_string()))
}

/// Tables and columns the import reads; a database without them is not a
/// Mastodon 4.x database.
const REQUIRED: &[(&str, &str)] = &[
    ("accounts", "private_key"),
    ("accounts", "fields"),
    ("account_stats", "followers_count"),
    ("users", "encrypted_password"),
    ("users", "role_id"),
    ("user_roles", "permissions"),
    ("statuses", "ordered_media_attachment_ids"),
    ("status_stats", "reblogs_count"),
    ("follows", "uri"),
    ("mentions", "silent"),
    ("tags", "name"),
    ("statuses_tags", "tag_id"),
    ("media_attachments", "file_storage_schema_version"),
];

/// What differs between Mastodon versions that the reads must know.
#[derive(Debug, Clone, Copy)]
pub struct SourceSchema {
    /// `accounts.id_scheme` exists (Mastodon 4.5's numeric ActivityPub ids).
    pub has_id_scheme: bool,
    /// `accounts.indexable` exists (4.2).
    pub has_indexable: bool,
    /// `users.settings` exists (4.2).
    pub has_user_settings: bool,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Checks that the source looks like Mastodon 4.x and notes optional columns.
pub async fn inspect(conn: &mut AsyncPgConnection) -> Result<SourceSchema> {
    let rows: Vec<ColumnRow> = diesel::sql_query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema()",
    )
    .load(conn)
    .await?;
    let has = |t: &str, c: &str| rows.iter().any(|r| r.table_name == t && r.column_name == c);
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|(t, c)| !has(t, c))
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Migration(format!(
            "not a Mastodon 4.x database: missing {}",
            missing.join(", ")
        )));
    }
    Ok(SourceSchema {
        has_id_scheme: has("accounts", "id_scheme"),
        has_indexable: has("accounts", "indexable"),
        has_user_settings: has("users", "settings"),
    })
}

/// Fixes what is imported, as temporary tables on this connection:
/// `imp_local` (local accounts with a user), `imp_statuses` (their
/// undeleted statuses plus the statuses those reblog or reply to) and
/// `imp_accounts` (every account referred to by those, by follows of a
/// local account, or by mentions).
pub async fn select_rows(conn: &mut AsyncPgConnection) -> Result<()> {
    conn.batch_execute(
        "CREATE TEMP TABLE imp_local AS
           SELECT a.id FROM accounts a
           WHERE a.domain IS NULL AND EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id);
         CREATE TEMP TABLE imp_own AS
           SELECT s.id, s.reblog_of_id, s.in_reply_to_id FROM statuses s
           WHERE s.deleted_at IS NULL AND s.account_id IN (SELECT id FROM imp_local);
         CREATE TEMP TABLE imp_statuses AS
           SELECT id FROM imp_own
           UNION SELECT p.id FROM statuses p
             WHERE p.deleted_at IS NULL
               AND (p.id IN (SELECT reblog_of_id FROM imp_own)
                 OR p.id IN (SELECT in_reply_to_id FROM imp_own));
         CREATE TEMP TABLE imp_accounts AS
           SELECT id FROM imp_local
           UNION SELECT account_id FROM statuses WHERE id IN (SELECT id FROM imp_statuses)
           UNION SELECT in_reply_to_account_id FROM statuses
             WHERE id IN (SELECT id FROM imp_statuses) AND in_reply_to_account_id IS NOT NULL
           UNION SELECT account_id FROM mentions WHERE status_id IN (SELECT id FROM imp_statuses)
           UNION SELECT target_account_id FROM follows WHERE account_id IN (SELECT id FROM imp_local)
           UNION SELECT account_id FROM follows WHERE target_account_id IN (SELECT id FROM imp_local);",
    )
    .await
    .map_err(Error::from)
}

#[derive(QueryableByName)]
struct Origin {
    #[diesel(sql_type = Text)]
    origin: String,
}

/// The `scheme://host` of the local statuses' and follows' ActivityPub
/// ids: the Mastodon server's domain, which Ferrodon must serve.
pub async fn local_origins(conn: &mut AsyncPgConnection) -> Result<Vec<String>> {
    let rows: Vec<Origin> = diesel::sql_query(
        "SELECT DISTINCT substring(uri FROM '^https?://[^/]+')::text AS origin FROM (
           (SELECT uri::text FROM statuses
             WHERE id IN (SELECT id FROM imp_own) AND uri IS NOT NULL LIMIT 1000)
           UNION ALL
           (SELECT uri::text FROM follows
             WHERE account_id IN (SELECT id FROM imp_local) AND uri IS NOT NULL LIMIT 1000)
         ) u WHERE substring(uri FROM '^https?://[^/]+') IS NOT NULL",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.origin).collect())
}

/// An account as Mastodon stores it.
///
/// No `Debug`: it holds a password hash or a private key, which must never reach a log.
#[derive(Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceAccount {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    /// None for local accounts.
    #[diesel(sql_type = Nullable<Text>)]
    pub domain: Option<String>,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    /// Local: the source text; remote: sanitised HTML.
    #[diesel(sql_type = Text)]
    pub note: String,
    /// Empty for local accounts (Mastodon derives it).
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub url: Option<String>,
    #[diesel(sql_type = Text)]
    pub inbox_url: String,
    #[diesel(sql_type = Text)]
    pub shared_inbox_url: String,
    #[diesel(sql_type = Text)]
    pub outbox_url: String,
    #[diesel(sql_type = Text)]
    pub followers_url: String,
    /// SubjectPublicKeyInfo PEM.
    #[diesel(sql_type = Text)]
    pub public_key: String,
    /// PKCS#1 PEM (`RSA PRIVATE KEY`), local accounts only.
    #[diesel(sql_type = Nullable<Text>)]
    pub private_key: Option<String>,
    #[diesel(sql_type = Bool)]
    pub locked: bool,
    #[diesel(sql_type = Bool)]
    pub bot: bool,
    #[diesel(sql_type = Bool)]
    pub discoverable: bool,
    #[diesel(sql_type = Bool)]
    pub indexable: bool,
    #[diesel(sql_type = Bool)]
    pub hide_collections: bool,
    /// `[{name, value, verified_at}]`, as Ferrodon stores them.
    #[diesel(sql_type = Jsonb)]
    pub fields: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    pub avatar_file_name: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub avatar_storage_schema_version: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub avatar_remote_url: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub header_file_name: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub header_storage_schema_version: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub header_remote_url: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub suspended_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub silenced_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    /// 0: `/users/NAME` ids; 1: Mastodon 4.5's `/ap/users/ID` ids.
    #[diesel(sql_type = Integer)]
    pub id_scheme: i32,
    #[diesel(sql_type = BigInt)]
    pub statuses_count: i64,
    #[diesel(sql_type = BigInt)]
    pub followers_count: i64,
    #[diesel(sql_type = BigInt)]
    pub following_count: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_status_at: Option<DateTime<Utc>>,
}

/// Every selected account, local ones first, each group by id.
pub async fn list_accounts(
    conn: &mut AsyncPgConnection,
    schema: &SourceSchema,
) -> Result<Vec<SourceAccount>> {
    let indexable = if schema.has_indexable {
        "a.indexable"
    } else {
        "false"
    };
    let id_scheme = if schema.has_id_scheme {
        "coalesce(a.id_scheme, 0)"
    } else {
        "0"
    };
    let sql = format!(
        "SELECT a.id, a.username::text, a.domain::text, a.display_name::text, a.note,
                a.uri::text, a.url::text, a.inbox_url::text, a.shared_inbox_url::text,
                a.outbox_url::text, a.followers_url::text, a.public_key, a.private_key,
                a.locked, coalesce(a.actor_type IN ('Service', 'Application'), false) AS bot,
                coalesce(a.discoverable, false) AS discoverable, {indexable} AS indexable,
                coalesce(a.hide_collections, false) AS hide_collections,
                coalesce(a.fields, '[]'::jsonb) AS fields,
                a.avatar_file_name::text, a.avatar_storage_schema_version,
                nullif(a.avatar_remote_url, '')::text AS avatar_remote_url,
                a.header_file_name::text, a.header_storage_schema_version,
                nullif(a.header_remote_url, '')::text AS header_remote_url,
                a.suspended_at AT TIME ZONE 'UTC' AS suspended_at,
                a.silenced_at AT TIME ZONE 'UTC' AS silenced_at,
                a.created_at AT TIME ZONE 'UTC' AS created_at,
                a.updated_at AT TIME ZONE 'UTC' AS updated_at,
                {id_scheme} AS id_scheme,
                coalesce(st.statuses_count, 0) AS statuses_count,
                coalesce(st.followers_count, 0) AS followers_count,
                coalesce(st.following_count, 0) AS following_count,
                st.last_status_at AT TIME ZONE 'UTC' AS last_status_at
         FROM accounts a LEFT JOIN account_stats st ON st.account_id = a.id
         WHERE a.id IN (SELECT id FROM imp_accounts)
         ORDER BY a.domain IS NOT NULL, a.id"
    );
    Ok(diesel::sql_query(sql).load(conn).await?)
}

/// A local user: sign-in data and role.
///
/// No `Debug`: it holds a password hash or a private key, which must never reach a log.
#[derive(Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceUser {
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    /// Devise's bcrypt hash.
    #[diesel(sql_type = Text)]
    pub encrypted_password: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub confirmed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    pub approved: bool,
    #[diesel(sql_type = Bool)]
    pub disabled: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub locale: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub role_name: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub role_permissions: i64,
    /// `users.settings` JSON text (4.2+): `default_privacy`, `default_sensitive`, `default_language`.
    #[diesel(sql_type = Nullable<Text>)]
    pub settings: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// The users of the local accounts.
pub async fn list_users(
    conn: &mut AsyncPgConnection,
    schema: &SourceSchema,
) -> Result<Vec<SourceUser>> {
    let settings = if schema.has_user_settings {
        "u.settings"
    } else {
        "NULL::text"
    };
    let sql = format!(
        "SELECT u.account_id, u.email::text, u.encrypted_password::text,
                u.confirmed_at AT TIME ZONE 'UTC' AS confirmed_at, u.approved, u.disabled,
                u.locale::text, r.name::text AS role_name,
                coalesce(r.permissions, 0) AS role_permissions, {settings} AS settings,
                u.created_at AT TIME ZONE 'UTC' AS created_at,
                u.last_sign_in_at AT TIME ZONE 'UTC' AS last_sign_in_at
         FROM users u LEFT JOIN user_roles r ON r.id = u.role_id
         WHERE u.account_id IN (SELECT id FROM imp_local)
         ORDER BY u.account_id"
    );
    Ok(diesel::sql_query(sql).load(conn).await?)
}

/// A follow between two selected accounts, one of them local.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceFollow {
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = BigInt)]
    pub target_account_id: i64,
    #[diesel(sql_type = Bool)]
    pub show_reblogs: bool,
    #[diesel(sql_type = Bool)]
    pub notify: bool,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    pub languages: Option<Vec<String>>,
    /// The Follow activity's id, which an Undo must repeat.
    #[diesel(sql_type = Nullable<Text>)]
    pub uri: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Follows from or to a local account.
pub async fn list_follows(conn: &mut AsyncPgConnection) -> Result<Vec<SourceFollow>> {
    Ok(diesel::sql_query(
        "SELECT account_id, target_account_id, show_reblogs, notify,
                languages::text[] AS languages, uri::text,
                created_at AT TIME ZONE 'UTC' AS created_at
         FROM follows
         WHERE account_id IN (SELECT id FROM imp_local)
            OR target_account_id IN (SELECT id FROM imp_local)
         ORDER BY id",
    )
    .load(conn)
    .await?)
}

/// A status as Mastodon stores it.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceStatus {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub uri: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub url: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    /// Only when the parent is imported too.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub in_reply_to_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub in_reply_to_account_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub reblog_of_id: Option<i64>,
    /// Local: the source text; remote: sanitised HTML.
    #[diesel(sql_type = Text)]
    pub text: String,
    #[diesel(sql_type = Text)]
    pub spoiler_text: String,
    #[diesel(sql_type = Bool)]
    pub sensitive: bool,
    /// 0 public, 1 unlisted, 2 private, 3 direct, 4 limited.
    #[diesel(sql_type = SmallInt)]
    pub visibility: i16,
    #[diesel(sql_type = Nullable<Text>)]
    pub language: Option<String>,
    #[diesel(sql_type = Bool)]
    pub local: bool,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub edited_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Array<BigInt>>)]
    pub ordered_media_attachment_ids: Option<Vec<i64>>,
    #[diesel(sql_type = Integer)]
    pub replies_count: i32,
    #[diesel(sql_type = Integer)]
    pub reblogs_count: i32,
    #[diesel(sql_type = Integer)]
    pub favourites_count: i32,
}

/// Up to `limit` selected statuses with ids above `after`, by id (so a
/// parent, always older, comes before its replies and reblogs).
pub async fn list_statuses(
    conn: &mut AsyncPgConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<SourceStatus>> {
    Ok(diesel::sql_query(
        "SELECT s.id, s.uri::text, s.url::text, s.account_id,
                CASE WHEN s.in_reply_to_id IN (SELECT id FROM imp_statuses)
                     THEN s.in_reply_to_id END AS in_reply_to_id,
                CASE WHEN s.in_reply_to_account_id IN (SELECT id FROM imp_accounts)
                     THEN s.in_reply_to_account_id END AS in_reply_to_account_id,
                s.reblog_of_id, s.text, s.spoiler_text, s.sensitive,
                s.visibility::smallint AS visibility, s.language::text,
                coalesce(s.local, a.domain IS NULL) AS local,
                s.created_at AT TIME ZONE 'UTC' AS created_at,
                s.updated_at AT TIME ZONE 'UTC' AS updated_at,
                s.edited_at AT TIME ZONE 'UTC' AS edited_at,
                s.ordered_media_attachment_ids,
                least(coalesce(ss.replies_count, 0), 2147483647)::int AS replies_count,
                least(coalesce(ss.reblogs_count, 0), 2147483647)::int AS reblogs_count,
                least(coalesce(ss.favourites_count, 0), 2147483647)::int AS favourites_count
         FROM statuses s
         JOIN accounts a ON a.id = s.account_id
         LEFT JOIN status_stats ss ON ss.status_id = s.id
         WHERE s.id IN (SELECT id FROM imp_statuses) AND s.id > $1
         ORDER BY s.id LIMIT $2",
    )
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?)
}

/// One mention.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceMention {
    #[diesel(sql_type = BigInt)]
    pub status_id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = Bool)]
    pub silent: bool,
}

/// Mentions made by the given statuses.
pub async fn list_mentions(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> Result<Vec<SourceMention>> {
    Ok(diesel::sql_query(
        "SELECT status_id, account_id, silent FROM mentions
         WHERE status_id = ANY($1) AND account_id IN (SELECT id FROM imp_accounts)
         ORDER BY id",
    )
    .bind::<Array<BigInt>, _>(status_ids)
    .load(conn)
    .await?)
}

/// One hashtag use.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceTagging {
    #[diesel(sql_type = BigInt)]
    pub status_id: i64,
    /// The tag as first written (Mastodon keeps the case of its first use).
    #[diesel(sql_type = Text)]
    pub name: String,
}

/// Hashtags of the given statuses.
pub async fn list_taggings(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> Result<Vec<SourceTagging>> {
    Ok(diesel::sql_query(
        "SELECT st.status_id, coalesce(nullif(t.display_name, ''), t.name)::text AS name
         FROM statuses_tags st JOIN tags t ON t.id = st.tag_id
         WHERE st.status_id = ANY($1) ORDER BY st.status_id, t.id",
    )
    .bind::<Array<BigInt>, _>(status_ids)
    .load(conn)
    .await?)
}

/// A media attachment as Mastodon stores it.
#[derive(Debug, Clone, QueryableByName)]
#[allow(missing_docs)]
pub struct SourceMedia {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub status_id: i64,
    /// 0 image, 1 gifv, 2 video, 3 unknown, 4 audio.
    #[diesel(sql_type = Integer)]
    pub kind: i32,
    /// Set for files stored by the Mastodon server (local uploads and its cache).
    #[diesel(sql_type = Nullable<Text>)]
    pub file_file_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub file_content_type: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub file_file_size: i64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub file_storage_schema_version: Option<i32>,
    /// The origin server's URL, for remote media.
    #[diesel(sql_type = Nullable<Text>)]
    pub remote_url: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub blurhash: Option<String>,
    #[diesel(sql_type = Jsonb)]
    pub meta: serde_json::Value,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Attachments of the given statuses.
pub async fn list_media(
    conn: &mut AsyncPgConnection,
    status_ids: &[i64],
) -> Result<Vec<SourceMedia>> {
    Ok(diesel::sql_query(
        "SELECT id, status_id, type AS kind, file_file_name::text, file_content_type::text,
                coalesce(file_file_size, 0)::bigint AS file_file_size,
                file_storage_schema_version, nullif(remote_url, '')::text AS remote_url,
                description, blurhash::text, coalesce(file_meta::jsonb, '{}'::jsonb) AS meta,
                created_at AT TIME ZONE 'UTC' AS created_at
         FROM media_attachments WHERE status_id = ANY($1) ORDER BY id",
    )
    .bind::<Array<BigInt>, _>(status_ids)
    .load(conn)
    .await?)
}
