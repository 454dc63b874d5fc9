//! Mastodon's `Tag` (with its usage history) and `FeaturedTag`.
use ferrodon_db::models::Tag as TagRow;
use ferrodon_db::queries::discovery::{self, TagDay};
use ferrodon_db::queries::tag_follows::{self, FeaturedTag as FeaturedTagRow};
use ferrodon_db::Conn;
use serde::Serialize;

use super::timestamp;
use crate::{urls, Config, Result};

/// Days of history Mastodon shows.
const HISTORY_DAYS: i64 = 7;

/// One day of a tag's history; Mastodon sends numbers as strings.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct HistoryDay {
    pub day: String,
    pub uses: String,
    pub accounts: String,
}

/// Mastodon's Tag entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Tag {
    pub id: String,
    pub name: String,
    pub url: String,
    pub history: Vec<HistoryDay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featuring: Option<bool>,
}

/// Mastodon's `history` array (a tag's or a trending link's) from days of use.
pub fn render_history(days: &[TagDay]) -> Vec<HistoryDay> {
    days.iter().map(history_day).collect()
}

fn history_day(day: &TagDay) -> HistoryDay {
    HistoryDay {
        day: day.day.timestamp().to_string(),
        uses: day.uses.to_string(),
        accounts: day.accounts.to_string(),
    }
}

/// Renders tags with their last week of use and, for a signed-in viewer,
/// whether it follows and features each.
pub async fn render_tags(
    conn: &mut Conn,
    config: &Config,
    tags: &[TagRow],
    viewer: Option<i64>,
) -> Result<Vec<Tag>> {
    let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
    let histories = discovery::tag_histories(conn, &ids, HISTORY_DAYS).await?;
    let (following, featuring) = match viewer {
        Some(v) => {
            let (f, g) = tag_follows::tag_flags(conn, v, &ids).await?;
            (Some(f), Some(g))
        }
        None => (None, None),
    };
    Ok(tags
        .iter()
        .map(|t| Tag {
            id: t.id.to_string(),
            name: t.display_name.clone(),
            url: urls::tag_url(config, &t.name),
            history: histories
                .iter()
                .find(|(id, _)| *id == t.id)
                .map(|(_, days)| days.iter().map(history_day).collect())
                .unwrap_or_default(),
            following: following.as_ref().map(|f| f.contains(&t.id)),
            featuring: featuring.as_ref().map(|f| f.contains(&t.id)),
        })
        .collect())
}

/// Mastodon's FeaturedTag entity.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct FeaturedTag {
    pub id: String,
    pub name: String,
    pub url: String,
    pub statuses_count: String,
    pub last_status_at: Option<String>,
}

/// Renders a featured tag of the profile at `profile_url`.
pub fn render_featured(profile_url: &str, row: &FeaturedTagRow) -> FeaturedTag {
    FeaturedTag {
        id: row.id.to_string(),
        name: row.tag.display_name.clone(),
        url: format!("{}/tagged/{}", profile_url, row.tag.name),
        statuses_count: row.statuses_count.to_string(),
        last_status_at: row
            .last_status_at
            .map(|t| timestamp(&t).chars().take(10).collect()),
    }
}
