//! Stored avatar and header files (`account_images`) and the URLs
//! `accounts.avatar_url` / `header_url` serve them at.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::RunQueryDsl;

use crate::models::AccountImages;
use crate::schema::{account_images, accounts};
use crate::{Conn, Result};

/// Which image of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileImage {
    /// The avatar.
    Avatar,
    /// The header.
    Header,
}

/// An account's stored images, if any.
pub async fn find(conn: &mut Conn, account_id: i64) -> Result<Option<AccountImages>> {
    Ok(account_images::table
        .find(account_id)
        .select(AccountImages::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Writes an account's stored images row.
pub async fn save(conn: &mut Conn, images: &AccountImages) -> Result<()> {
    diesel::insert_into(account_images::table)
        .values(images)
        .on_conflict(account_images::account_id)
        .do_update()
        .set((
            account_images::avatar_file_key.eq(excluded(account_images::avatar_file_key)),
            account_images::header_file_key.eq(excluded(account_images::header_file_key)),
            account_images::avatar_remote_url.eq(excluded(account_images::avatar_remote_url)),
            account_images::header_remote_url.eq(excluded(account_images::header_remote_url)),
            account_images::file_size.eq(excluded(account_images::file_size)),
            account_images::cached_at.eq(excluded(account_images::cached_at)),
            account_images::updated_at.eq(excluded(account_images::updated_at)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the URL clients load an avatar or header from (`None`: the default image).
pub async fn set_url(
    conn: &mut Conn,
    account_id: i64,
    which: ProfileImage,
    url: Option<&str>,
) -> Result<()> {
    let target = accounts::table.find(account_id);
    match which {
        ProfileImage::Avatar => {
            diesel::update(target)
                .set((
                    accounts::avatar_url.eq(url),
                    accounts::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?
        }
        ProfileImage::Header => {
            diesel::update(target)
                .set((
                    accounts::header_url.eq(url),
                    accounts::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Cached remote profile images, oldest first; with `before`, only older ones.
pub async fn cached_oldest_first(
    conn: &mut Conn,
    before: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<AccountImages>> {
    let mut query = account_images::table
        .filter(account_images::cached_at.is_not_null())
        .select(AccountImages::as_select())
        .order(account_images::cached_at.asc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(account_images::cached_at.lt(before));
    }
    Ok(query.load(conn).await?)
}
