//! Custom emojis (`:shortcode:` images), remote ones keyed by their domain.
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::schema::custom_emojis;
use crate::{Conn, Result};

/// A custom emoji.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = custom_emojis, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct CustomEmoji {
    pub id: i64,
    pub shortcode: String,
    pub domain: Option<String>,
    pub uri: Option<String>,
    pub image_url: String,
    pub visible_in_picker: bool,
    pub disabled: bool,
    pub image_file_key: Option<String>,
    pub image_content_type: Option<String>,
    pub category: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A local emoji to add, its image already stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = custom_emojis)]
#[allow(missing_docs)]
pub struct NewLocalEmoji<'a> {
    pub shortcode: &'a str,
    pub image_url: &'a str,
    pub image_file_key: &'a str,
    pub image_content_type: &'a str,
    pub image_file_size: i32,
    pub category: Option<&'a str>,
    pub visible_in_picker: bool,
}

/// Records (or refreshes) a remote emoji seen in a document from `domain`.
pub async fn upsert_remote_emoji(
    conn: &mut Conn,
    shortcode: &str,
    domain: &str,
    uri: Option<&str>,
    image_url: &str,
) -> Result<()> {
    diesel::sql_query(
        "INSERT INTO custom_emojis (shortcode, domain, uri, image_url) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (shortcode, coalesce(domain, '')) DO UPDATE \
         SET image_url = EXCLUDED.image_url, uri = EXCLUDED.uri, updated_at = now() \
         WHERE custom_emojis.image_url IS DISTINCT FROM EXCLUDED.image_url",
    )
    .bind::<Text, _>(shortcode)
    .bind::<Text, _>(domain)
    .bind::<Nullable<Text>, _>(uri)
    .bind::<Text, _>(image_url)
    .execute(conn)
    .await?;
    Ok(())
}

/// The enabled emojis of `domain` (`None`: local) among `shortcodes`.
pub async fn find_emojis(
    conn: &mut Conn,
    domain: Option<&str>,
    shortcodes: &[String],
) -> Result<Vec<CustomEmoji>> {
    if shortcodes.is_empty() {
        return Ok(Vec::new());
    }
    let query = custom_emojis::table
        .filter(custom_emojis::shortcode.eq_any(shortcodes))
        .filter(custom_emojis::disabled.eq(false))
        .select(CustomEmoji::as_select())
        .into_boxed();
    let query = match domain {
        None => query.filter(custom_emojis::domain.is_null()),
        Some(d) => query.filter(
            sql::<diesel::sql_types::Bool>("custom_emojis.domain = ").bind::<Text, _>(d.to_owned()),
        ),
    };
    Ok(query.load(conn).await?)
}

/// The local emoji whose shortcode is `shortcode`, case-insensitively (as
/// Mastodon finds them when importing).
pub async fn find_local_emoji(conn: &mut Conn, shortcode: &str) -> Result<Option<CustomEmoji>> {
    Ok(custom_emojis::table
        .filter(custom_emojis::domain.is_null())
        .filter(
            sql::<diesel::sql_types::Bool>("lower(custom_emojis.shortcode) = lower(")
                .bind::<Text, _>(shortcode.to_owned())
                .sql(")"),
        )
        .select(CustomEmoji::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Every local emoji (`listed_only`: the enabled ones shown in the
/// picker), by shortcode.
pub async fn list_local_emojis(conn: &mut Conn, listed_only: bool) -> Result<Vec<CustomEmoji>> {
    let mut query = custom_emojis::table
        .filter(custom_emojis::domain.is_null())
        .select(CustomEmoji::as_select())
        .order(custom_emojis::shortcode.asc())
        .into_boxed();
    if listed_only {
        query = query
            .filter(custom_emojis::disabled.eq(false))
            .filter(custom_emojis::visible_in_picker.eq(true));
    }
    Ok(query.load(conn).await?)
}

/// Adds a local emoji (`replacing`: `None`), or gives the emoji with id
/// `replacing` the new image and category; returns the row.
pub async fn save_local_emoji(
    conn: &mut Conn,
    emoji: &NewLocalEmoji<'_>,
    replacing: Option<i64>,
) -> Result<CustomEmoji> {
    let Some(id) = replacing else {
        return Ok(diesel::insert_into(custom_emojis::table)
            .values(emoji)
            .returning(CustomEmoji::as_returning())
            .get_result(conn)
            .await?);
    };
    Ok(
        diesel::update(custom_emojis::table.filter(custom_emojis::id.eq(id)))
            .set((
                custom_emojis::image_url.eq(emoji.image_url),
                custom_emojis::image_file_key.eq(emoji.image_file_key),
                custom_emojis::image_content_type.eq(emoji.image_content_type),
                custom_emojis::image_file_size.eq(emoji.image_file_size),
                custom_emojis::category.eq(emoji.category),
                custom_emojis::visible_in_picker.eq(emoji.visible_in_picker),
                custom_emojis::updated_at.eq(diesel::dsl::now),
            ))
            .returning(CustomEmoji::as_returning())
            .get_result(conn)
            .await?,
    )
}

/// Deletes emojis by id.
pub async fn delete_emojis(conn: &mut Conn, ids: &[i64]) -> Result<usize> {
    Ok(
        diesel::delete(custom_emojis::table.filter(custom_emojis::id.eq_any(ids)))
            .execute(conn)
            .await?,
    )
}

/// Every emoji (`remote_only`: those of other servers).
pub async fn list_all_emojis(conn: &mut Conn, remote_only: bool) -> Result<Vec<CustomEmoji>> {
    let mut query = custom_emojis::table
        .select(CustomEmoji::as_select())
        .into_boxed();
    if remote_only {
        query = query.filter(custom_emojis::domain.is_not_null());
    }
    Ok(query.load(conn).await?)
}

/// Enables or disables an emoji; false when there is no such emoji.
pub async fn set_emoji_disabled(conn: &mut Conn, id: i64, disabled: bool) -> Result<bool> {
    Ok(diesel::update(custom_emojis::table.find(id))
        .set((
            custom_emojis::disabled.eq(disabled),
            custom_emojis::updated_at.eq(chrono::Utc::now()),
        ))
        .execute(conn)
        .await?
        > 0)
}
