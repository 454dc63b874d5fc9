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
