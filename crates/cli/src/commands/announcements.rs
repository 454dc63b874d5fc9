//! `ferrodonctl announcements create|list|publish|unpublish|delete`: the
//! announcements every signed-in user sees (Mastodon's admin page for them).
use anyhow::{bail, Context};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use ferrodon_core::announcements::{self, Draft};
use ferrodon_core::db::queries::announcements::list_announcements;
use ferrodon_core::entities::timestamp;
use ferrodon_core::AppState;

#[derive(Subcommand)]
pub enum AnnouncementsCommand {
    /// Add an announcement (published at once unless --unpublished)
    Create {
        /// The text (links and hashtags are linked)
        text: String,
        /// When the event it announces starts (RFC 3339, or YYYY-MM-DD)
        #[arg(long)]
        starts_at: Option<String>,
        /// When it ends (RFC 3339, or YYYY-MM-DD)
        #[arg(long)]
        ends_at: Option<String>,
        /// The times are whole days
        #[arg(long)]
        all_day: bool,
        /// Keep it unpublished (publish it later with `publish`)
        #[arg(long)]
        unpublished: bool,
    },
    /// List announcements: id, published, start, end, text
    List,
    /// Publish an announcement
    Publish {
        /// Its id
        id: i64,
    },
    /// Take an announcement back (it stays listed here)
    Unpublish {
        /// Its id
        id: i64,
    },
    /// Delete an announcement
    Delete {
        /// Its id
        id: i64,
    },
}

fn parse_time(raw: Option<&str>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .with_context(|| format!("{raw:?} is neither an RFC 3339 time nor YYYY-MM-DD"))?;
    Ok(day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))
}

async fn set_published(state: &AppState, id: i64, published: bool) -> anyhow::Result<()> {
    if announcements::set_published(state, id, published)
        .await?
        .is_none()
    {
        bail!("No announcement {id}");
    }
    println!(
        "{} {id}",
        if published {
            "Published"
        } else {
            "Unpublished"
        }
    );
    Ok(())
}

pub async fn run(cmd: AnnouncementsCommand, state: &AppState) -> anyhow::Result<()> {
    match cmd {
        AnnouncementsCommand::Create {
            text,
            starts_at,
            ends_at,
            all_day,
            unpublished,
        } => {
            let draft = Draft {
                text,
                starts_at: parse_time(starts_at.as_deref())?,
                ends_at: parse_time(ends_at.as_deref())?,
                all_day,
                publish: !unpublished,
            };
            let row = announcements::create(state, &draft).await?;
            println!("{}", row.id);
        }
        AnnouncementsCommand::List => {
            let mut conn = state.conn().await?;
            for row in list_announcements(&mut conn, false).await? {
                let time = |t: &Option<DateTime<Utc>>| t.as_ref().map_or("-".into(), timestamp);
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    row.id,
                    if row.published {
                        "published"
                    } else {
                        "unpublished"
                    },
                    time(&row.starts_at),
                    time(&row.ends_at),
                    row.text.replace('\n', " ")
                );
            }
        }
        AnnouncementsCommand::Publish { id } => set_published(state, id, true).await?,
        AnnouncementsCommand::Unpublish { id } => set_published(state, id, false).await?,
        AnnouncementsCommand::Delete { id } => {
            if !announcements::delete(state, id).await? {
                bail!("No announcement {id}");
            }
            println!("Deleted {id}");
        }
    }
    Ok(())
}
