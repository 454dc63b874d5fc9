//! Instance settings an admin changes at run time.
use ferrodon_db::queries::settings;

use crate::{AppState, Error, Result};

/// Who may sign up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationsMode {
    /// Anyone.
    Open,
    /// Anyone, but an admin approves each account.
    Approved,
    /// Nobody.
    Closed,
}

impl RegistrationsMode {
    /// Parses `open`, `approved` or `close` (as tootctl spells them).
    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "open" => Ok(RegistrationsMode::Open),
            "approved" => Ok(RegistrationsMode::Approved),
            "close" | "closed" | "none" => Ok(RegistrationsMode::Closed),
            other => Err(Error::BadRequest(format!(
                "unknown registrations mode {other:?}: use open, approved or close"
            ))),
        }
    }

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationsMode::Open => "open",
            RegistrationsMode::Approved => "approved",
            RegistrationsMode::Closed => "close",
        }
    }
}

const REGISTRATIONS_KEY: &str = "registrations_mode";
const SITE_TITLE_KEY: &str = "site_title";

/// The server's name as people see it (`Ferrodon` until an admin names it).
pub async fn site_title(state: &AppState) -> Result<String> {
    let mut conn = state.conn().await?;
    match settings::get_setting(&mut conn, SITE_TITLE_KEY).await? {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s),
        _ => Ok("Ferrodon".to_owned()),
    }
}

/// The current registrations mode (open when never set).
pub async fn registrations_mode(state: &AppState) -> Result<RegistrationsMode> {
    let mut conn = state.conn().await?;
    match settings::get_setting(&mut conn, REGISTRATIONS_KEY).await? {
        Some(serde_json::Value::String(s)) => RegistrationsMode::parse(&s),
        _ => Ok(RegistrationsMode::Open),
    }
}

/// Changes the registrations mode.
pub async fn set_registrations_mode(state: &AppState, mode: RegistrationsMode) -> Result<()> {
    let mut conn = state.conn().await?;
    settings::put_setting(
        &mut conn,
        REGISTRATIONS_KEY,
        &serde_json::Value::String(mode.as_str().into()),
    )
    .await?;
    Ok(())
}

/// (local users, local statuses, users active in 30 days) for the instance documents.
pub async fn instance_counts(conn: &mut ferrodon_db::Conn) -> Result<(i64, i64, i64)> {
    use ferrodon_db::queries::{accounts, statuses, users};
    Ok((
        accounts::count_local_accounts(conn).await?,
        statuses::count_local_statuses(conn).await?,
        users::count_active_users(conn, 30).await?,
    ))
}

const TIMELINE_PREVIEW_KEY: &str = "timeline_preview";

/// Whether signed-out visitors may read the public and hashtag timelines
/// (REST and streaming), as Mastodon's "timeline preview" setting. On when never set.
pub async fn timeline_preview(state: &AppState) -> Result<bool> {
    let mut conn = state.conn().await?;
    Ok(
        match settings::get_setting(&mut conn, TIMELINE_PREVIEW_KEY).await? {
            Some(serde_json::Value::Bool(b)) => b,
            _ => true,
        },
    )
}

/// Turns the timeline preview on or off.
pub async fn set_timeline_preview(state: &AppState, enabled: bool) -> Result<()> {
    let mut conn = state.conn().await?;
    settings::put_setting(
        &mut conn,
        TIMELINE_PREVIEW_KEY,
        &serde_json::Value::Bool(enabled),
    )
    .await?;
    Ok(())
}

/// Fails unless a signed-out request may read public timelines.
pub async fn require_public_timeline_access(state: &AppState, signed_in: bool) -> Result<()> {
    if signed_in || timeline_preview(state).await? {
        Ok(())
    } else {
        Err(Error::Validation(
            "This method requires an authenticated user".into(),
        ))
    }
}
