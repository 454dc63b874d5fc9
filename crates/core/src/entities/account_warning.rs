//! Mastodon's AccountWarning entity (a moderator's action and message, as
//! the warned person and staff see it).
use serde::Serialize;

use super::account::Account;
use super::timestamp;
use crate::db::queries::moderation::AccountWarning as WarningRow;

/// What a moderator did and said, about `target_account`. Appeals are not
/// supported: `appeal` is always null.
#[derive(Debug, Clone, Serialize)]
pub struct AccountWarning {
    /// The warning's id.
    pub id: String,
    /// `none`, `disable`, `mark_statuses_as_sensitive`, `delete_statuses`,
    /// `sensitive`, `silence` or `suspend`.
    pub action: String,
    /// The moderator's message.
    pub text: String,
    /// The statuses the warning is about.
    pub status_ids: Vec<String>,
    /// The warned account.
    pub target_account: Account,
    /// Always null (appeals are not supported).
    pub appeal: Option<()>,
    /// When it was made.
    pub created_at: String,
}

/// Renders a warning about `target` (already rendered).
pub fn render_warning(warning: &WarningRow, target: &Account) -> AccountWarning {
    AccountWarning {
        id: warning.id.to_string(),
        action: warning.action.clone(),
        text: warning.text.clone(),
        status_ids: warning.status_ids.iter().map(i64::to_string).collect(),
        target_account: target.clone(),
        appeal: None,
        created_at: timestamp(&warning.created_at),
    }
}
