//! Moderators' actions on accounts and reports. Each is recorded in the
//! audit log with the moderator who took it.
use crate::db::models::{Account, NewNotification, User, UserChanges};
use crate::db::queries::moderation::{self, AccountFlag, LogEntry, NewWarning};
use crate::db::queries::{accounts, notifications, oauth, users};
use crate::db::Conn;
use crate::mail::{self, MailJob};
use crate::{AppState, Error, Result};

/// What `POST /api/v1/admin/accounts/:id/action` does (Mastodon's
/// Admin::AccountAction types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Only a warning.
    None,
    /// The user may not sign in.
    Disable,
    /// Every attachment shows as sensitive.
    Sensitive,
    /// Limited: hidden from public timelines and from people who don't follow it.
    Silence,
    /// Hidden everywhere and unable to act.
    Suspend,
}

impl ActionKind {
    /// Parses the `type` parameter.
    pub fn parse(text: &str) -> Option<ActionKind> {
        Some(match text {
            "none" => ActionKind::None,
            "disable" => ActionKind::Disable,
            "sensitive" => ActionKind::Sensitive,
            "silence" => ActionKind::Silence,
            "suspend" => ActionKind::Suspend,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            ActionKind::None => "none",
            ActionKind::Disable => "disable",
            ActionKind::Sensitive => "sensitive",
            ActionKind::Silence => "silence",
            ActionKind::Suspend => "suspend",
        }
    }
}

/// A moderator's action against an account.
#[derive(Debug, Clone)]
pub struct AccountAction {
    /// What is done.
    pub kind: ActionKind,
    /// The warning's text shown to the account's owner.
    pub text: String,
    /// The report this action answers: it is resolved (for `none`, only it;
    /// otherwise every open report about the account is).
    pub report_id: Option<i64>,
}

/// Records `action` by `moderator` on `target` in the audit log.
pub async fn log(
    conn: &mut Conn,
    moderator: &Account,
    action: &str,
    target_type: &str,
    target_id: i64,
    human_identifier: &str,
) -> Result<()> {
    moderation::log_action(
        conn,
        &LogEntry {
            account_id: Some(moderator.id),
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id: Some(target_id),
            human_identifier: human_identifier.to_owned(),
        },
    )
    .await?;
    Ok(())
}

/// Closes the user's open streams. Their tokens stay valid, as in Mastodon:
/// while the user is suspended or disabled every request with them is
/// refused, and after unsuspending or enabling they work again.
async fn close_streams(state: &AppState, conn: &mut Conn, user: &User) -> Result<()> {
    let tokens = oauth::live_user_token_ids(conn, user.id).await?;
    crate::streaming::kill_token_connections(state, &tokens).await
}

/// Takes an action against an account: the flag, a warning, the reports
/// it resolves and the audit log entries; a local target is told (see
/// [`act_on_account_telling`]). 403 unless the moderator's role outranks
/// the target's ([`super::hierarchy`]).
pub async fn act_on_account(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    target_user: Option<&User>,
    action: &AccountAction,
) -> Result<()> {
    act_on_account_telling(state, moderator, target, target_user, action, true).await
}

/// [`act_on_account`], telling a local target's owner only when
/// `send_email_notification` (Mastodon's parameter of that name, default
/// true): a `moderation_warning` notification and an e-mail.
pub async fn act_on_account_telling(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    target_user: Option<&User>,
    action: &AccountAction,
    send_email_notification: bool,
) -> Result<()> {
    let local_only = matches!(action.kind, ActionKind::None | ActionKind::Disable);
    if local_only && !target.is_local() {
        return Err(Error::validation(
            "Type is not available for accounts of other servers",
        ));
    }
    let mut conn = state.conn().await?;
    super::hierarchy::ensure_outranks(&mut conn, moderator, target).await?;
    let report = match action.report_id {
        Some(id) => Some(moderation::get_report(&mut conn, id).await?),
        None => None,
    };
    if report
        .as_ref()
        .is_some_and(|r| r.target_account_id != target.id)
    {
        return Err(Error::validation("Report is about another account"));
    }
    let acct = target.acct();
    match action.kind {
        ActionKind::None => {}
        ActionKind::Disable => {
            if let Some(user) = target_user {
                users::update_user(
                    &mut conn,
                    user.id,
                    &UserChanges {
                        disabled: Some(true),
                        updated_at: Some(chrono::Utc::now()),
                        ..Default::default()
                    },
                )
                .await?;
                close_streams(state, &mut conn, user).await?;
            }
        }
        ActionKind::Sensitive => {
            moderation::set_account_flag(&mut conn, target.id, AccountFlag::Sensitized, true)
                .await?
        }
        ActionKind::Silence => {
            moderation::set_account_flag(&mut conn, target.id, AccountFlag::Silenced, true).await?
        }
        ActionKind::Suspend => {
            moderation::set_account_flag(&mut conn, target.id, AccountFlag::Suspended, true)
                .await?;
            if let Some(user) = target_user {
                close_streams(state, &mut conn, user).await?;
            }
            announce_suspension_change(state, &mut conn, target.id).await?;
        }
    }
    if action.kind != ActionKind::None {
        log(
            &mut conn,
            moderator,
            action.kind.name(),
            "Account",
            target.id,
            &acct,
        )
        .await?;
    }
    let status_ids = report.map(|r| r.status_ids).unwrap_or_default();
    let warning_id = moderation::put_warning(
        &mut conn,
        &NewWarning {
            account_id: moderator.id,
            target_account_id: target.id,
            action: action.kind.name().to_owned(),
            text: action.text.clone(),
            report_id: action.report_id,
            status_ids,
        },
    )
    .await?;
    if action.kind == ActionKind::None && !action.text.is_empty() {
        log(
            &mut conn,
            moderator,
            "create",
            "AccountWarning",
            target.id,
            &acct,
        )
        .await?;
    }
    let resolved = match (action.kind, action.report_id) {
        (ActionKind::None, Some(id)) => {
            moderation::resolve_report(&mut conn, id, Some(moderator.id)).await?;
            vec![id]
        }
        (ActionKind::None, None) => Vec::new(),
        _ => moderation::resolve_reports_about(&mut conn, target.id, moderator.id).await?,
    };
    for id in resolved {
        log(
            &mut conn,
            moderator,
            "resolve",
            "Report",
            id,
            &id.to_string(),
        )
        .await?;
    }
    if send_email_notification && target.is_local() {
        tell_target(state, &mut conn, target, warning_id).await?;
    }
    Ok(())
}

/// Tells a local account's owner of a warning: a `moderation_warning`
/// notification (never filtered, as in Mastodon) and an e-mail.
async fn tell_target(
    state: &AppState,
    conn: &mut Conn,
    target: &Account,
    warning_id: i64,
) -> Result<()> {
    let note = notifications::put_notification(
        conn,
        &NewNotification {
            account_id: target.id,
            from_account_id: target.id,
            kind: ferrodon_db::models::NotificationKind::ModerationWarning,
            status_id: None,
        },
        None,
        false,
    )
    .await?;
    moderation::link_notification_to_warning(conn, note.id, warning_id).await?;
    crate::live::notification_created(state, &note).await;
    // The warning is stored either way; a lost e-mail job is only logged.
    if let Err(e) = mail::queue(state, MailJob::Warning { warning_id }).await {
        tracing::warn!(error = %e, warning_id, "could not queue the warning e-mail");
    }
    Ok(())
}

/// Tells the remote followers of a local account that its suspension was
/// imposed or lifted: an `Update` of its actor, which says `suspended`
/// while it lasts (Mastodon's servers then suspend or restore it too).
async fn announce_suspension_change(
    state: &AppState,
    conn: &mut Conn,
    account_id: i64,
) -> Result<()> {
    let account = accounts::get_account_by_id(conn, account_id).await?;
    if account.is_local() {
        crate::services::update_credentials::announce_profile(state, &account).await;
    }
    Ok(())
}

/// Lifts a suspension, silence or sensitive mark.
pub async fn lift(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    flag: AccountFlag,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let was_set = match flag {
        AccountFlag::Suspended => target.suspended_at.is_some(),
        AccountFlag::Silenced => target.silenced_at.is_some(),
        AccountFlag::Sensitized => target.sensitized_at.is_some(),
    };
    if !was_set {
        return Ok(());
    }
    moderation::set_account_flag(&mut conn, target.id, flag, false).await?;
    if flag == AccountFlag::Suspended {
        announce_suspension_change(state, &mut conn, target.id).await?;
    }
    let action = match flag {
        AccountFlag::Suspended => "unsuspend",
        AccountFlag::Silenced => "unsilence",
        AccountFlag::Sensitized => "unsensitive",
    };
    log(
        &mut conn,
        moderator,
        action,
        "Account",
        target.id,
        &target.acct(),
    )
    .await
}

async fn update_user_logged(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    user: &User,
    changes: UserChanges,
    action: &str,
) -> Result<()> {
    let mut conn = state.conn().await?;
    let changes = UserChanges {
        updated_at: Some(chrono::Utc::now()),
        ..changes
    };
    users::update_user(&mut conn, user.id, &changes).await?;
    log(
        &mut conn,
        moderator,
        action,
        "User",
        user.id,
        &target.acct(),
    )
    .await
}

/// Lets a disabled user sign in again.
pub async fn enable(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    user: &User,
) -> Result<()> {
    if !user.disabled {
        return Ok(());
    }
    let changes = UserChanges {
        disabled: Some(false),
        ..Default::default()
    };
    update_user_logged(state, moderator, target, user, changes, "enable").await
}

/// Approves a pending sign-up.
pub async fn approve(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    user: &User,
) -> Result<()> {
    let changes = UserChanges {
        approved: Some(true),
        ..Default::default()
    };
    update_user_logged(state, moderator, target, user, changes, "approve").await
}

/// Rejects a pending sign-up: the account and user are deleted.
pub async fn reject(
    state: &AppState,
    moderator: &Account,
    target: &Account,
    user: &User,
) -> Result<()> {
    if user.approved {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let mut conn = state.conn().await?;
    log(
        &mut conn,
        moderator,
        "reject",
        "User",
        user.id,
        &target.acct(),
    )
    .await?;
    accounts::delete_account(&mut conn, target.id).await?;
    Ok(())
}

/// Deletes a suspended account's data (Mastodon only deletes suspended ones).
pub async fn delete(state: &AppState, moderator: &Account, target: &Account) -> Result<()> {
    if target.suspended_at.is_none() {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let mut conn = state.conn().await?;
    log(
        &mut conn,
        moderator,
        "destroy",
        "Account",
        target.id,
        &target.acct(),
    )
    .await?;
    accounts::delete_account(&mut conn, target.id).await?;
    Ok(())
}
