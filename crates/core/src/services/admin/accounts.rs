//! Moderators' actions on accounts (Mastodon's Admin::AccountAction and the
//! admin accounts endpoints): warnings, disabling, sensitive marks, limits
//! and suspensions and their lifting, approving and rejecting sign-ups,
//! deleting suspended accounts. Each is written with its audit entries in
//! one transaction; streams are closed, followers told and the owner
//! notified after it commits.
use ferrodon_db::AccountId;
use ferrodon_db::AsyncConnection;

use super::audit::{self, AuditAction, Target, TargetKind};
use super::Actor;
use crate::auth::roles::{overrides, Permission, Role};
use crate::db::models::{Account, NewNotification, Notification, User, UserChanges};
use crate::db::queries::moderation::{self, AccountFlag, NewWarning};
use crate::db::queries::{accounts, notifications, oauth, users};
use crate::db::Conn;
use crate::federation::account_deletion::ActorDeletion;
use crate::mail::{self, MailJob};
use crate::moderation::hierarchy::ensure_outranks;
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

    /// Mastodon's name, as warnings store it.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::None => "none",
            ActionKind::Disable => "disable",
            ActionKind::Sensitive => "sensitive",
            ActionKind::Silence => "silence",
            ActionKind::Suspend => "suspend",
        }
    }

    /// The audit entry of the action; none for a bare warning.
    fn audited(self) -> Option<AuditAction> {
        match self {
            ActionKind::None => None,
            ActionKind::Disable => Some(AuditAction::Disable),
            ActionKind::Sensitive => Some(AuditAction::Sensitive),
            ActionKind::Silence => Some(AuditAction::Silence),
            ActionKind::Suspend => Some(AuditAction::Suspend),
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
    /// Whether a local target's owner is told: a `moderation_warning`
    /// notification and an e-mail (Mastodon's `send_email_notification`,
    /// default true).
    pub send_email_notification: bool,
}

/// Closes the user's open streams. Their tokens stay valid, as in Mastodon:
/// while the user is suspended or disabled every request with them is
/// refused, and after unsuspending or enabling they work again.
async fn close_streams(state: &AppState, user: &User) -> Result<()> {
    let tokens = {
        let mut conn = state.conn().await?;
        oauth::live_user_token_ids(&mut conn, user.id).await?
    };
    crate::streaming::kill_token_connections(state, &tokens).await
}

/// Takes an action against an account: the flag, a warning, the reports
/// it resolves and the audit log entries; a local target is told when
/// `action.send_email_notification`. 403 unless the moderator's role
/// outranks the target's ([`ensure_outranks`]).
pub async fn act_on_account(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    target_user: Option<&User>,
    action: &AccountAction,
) -> Result<()> {
    actor.ensure(Permission::ManageUsers)?;
    let moderator = actor.account()?;
    let local_only = matches!(action.kind, ActionKind::None | ActionKind::Disable);
    if local_only && !target.is_local() {
        return Err(Error::validation(
            "Type is not available for accounts of other servers",
        ));
    }
    let mut conn = state.conn().await?;
    ensure_outranks(&mut conn, moderator, target).await?;
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
    let tell = action.send_email_notification && target.is_local();
    let (warning_id, note) = conn
        .transaction(async |conn| {
            match action.kind {
                ActionKind::None => {}
                ActionKind::Disable => {
                    if let Some(user) = target_user {
                        set_disabled(conn, user, true).await?;
                    }
                }
                ActionKind::Sensitive => {
                    moderation::set_account_flag(conn, target.id, AccountFlag::Sensitized, true)
                        .await?
                }
                ActionKind::Silence => {
                    moderation::set_account_flag(conn, target.id, AccountFlag::Silenced, true)
                        .await?
                }
                ActionKind::Suspend => {
                    moderation::set_account_flag(conn, target.id, AccountFlag::Suspended, true)
                        .await?
                }
            }
            if let Some(done) = action.kind.audited() {
                let on = Target::new(TargetKind::Account, target.id, &acct);
                audit::record(conn, actor, done, on).await?;
            }
            let status_ids = report.map(|r| r.status_ids).unwrap_or_default();
            let warning_id = moderation::put_warning(
                conn,
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
                let on = Target::new(TargetKind::AccountWarning, target.id, &acct);
                audit::record(conn, actor, AuditAction::Create, on).await?;
            }
            let resolved = match (action.kind, action.report_id) {
                (ActionKind::None, Some(id)) => {
                    moderation::resolve_report(conn, id, Some(moderator.id)).await?;
                    vec![id]
                }
                (ActionKind::None, None) => Vec::new(),
                _ => {
                    moderation::resolve_reports_about(
                        conn,
                        AccountId::new(target.id),
                        AccountId::new(moderator.id),
                    )
                    .await?
                }
            };
            for id in resolved {
                let name = id.to_string();
                let on = Target::new(TargetKind::Report, id, &name);
                audit::record(conn, actor, AuditAction::Resolve, on).await?;
            }
            let note = if tell {
                Some(notify_warning(conn, target, warning_id).await?)
            } else {
                None
            };
            Ok::<_, Error>((warning_id, note))
        })
        .await?;
    drop(conn);
    if let (ActionKind::Disable | ActionKind::Suspend, Some(user)) = (action.kind, target_user) {
        close_streams(state, user).await?;
    }
    if action.kind == ActionKind::Suspend {
        announce_suspension_change(state, target.id).await?;
    }
    if let Some(note) = note {
        crate::live::notification_created(state, &note).await;
        // The warning is stored either way; a lost e-mail job is only logged.
        if let Err(e) = mail::queue(state, MailJob::Warning { warning_id }).await {
            tracing::warn!(error = %e, warning_id, "could not queue the warning e-mail");
        }
    }
    Ok(())
}

async fn set_disabled(conn: &mut Conn, user: &User, disabled: bool) -> Result<()> {
    users::update_user(
        conn,
        user.id,
        &UserChanges {
            disabled: Some(disabled),
            updated_at: Some(chrono::Utc::now()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The `moderation_warning` notification of a warning (never filtered, as
/// in Mastodon).
async fn notify_warning(
    conn: &mut Conn,
    target: &Account,
    warning_id: i64,
) -> Result<Notification> {
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
    Ok(note)
}

/// Tells the remote followers of a local account that its suspension was
/// imposed or lifted: an `Update` of its actor, which says `suspended`
/// while it lasts (Mastodon's servers then suspend or restore it too).
async fn announce_suspension_change(state: &AppState, account_id: i64) -> Result<()> {
    let account = {
        let mut conn = state.conn().await?;
        accounts::get_account_by_id(&mut conn, account_id).await?
    };
    if account.is_local() {
        crate::services::update_credentials::announce_profile(state, &account).await;
    }
    Ok(())
}

/// Lifts a suspension, silence or sensitive mark; nothing when it is not set.
pub async fn lift(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    flag: AccountFlag,
) -> Result<()> {
    actor.ensure(Permission::ManageUsers)?;
    let (was_set, action) = match flag {
        AccountFlag::Suspended => (target.suspended_at.is_some(), AuditAction::Unsuspend),
        AccountFlag::Silenced => (target.silenced_at.is_some(), AuditAction::Unsilence),
        AccountFlag::Sensitized => (target.sensitized_at.is_some(), AuditAction::Unsensitive),
    };
    if !was_set {
        return Ok(());
    }
    let acct = target.acct();
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        moderation::set_account_flag(conn, target.id, flag, false).await?;
        let on = Target::new(TargetKind::Account, target.id, &acct);
        audit::record(conn, actor, action, on).await?;
        Ok::<_, Error>(())
    })
    .await?;
    drop(conn);
    if flag == AccountFlag::Suspended {
        announce_suspension_change(state, target.id).await?;
    }
    Ok(())
}

/// Changes `user` and records `action` on it.
async fn update_user_audited(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    user: &User,
    changes: UserChanges,
    action: AuditAction,
) -> Result<()> {
    let changes = UserChanges {
        updated_at: Some(chrono::Utc::now()),
        ..changes
    };
    let acct = target.acct();
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        users::update_user(conn, user.id, &changes).await?;
        let on = Target::new(TargetKind::User, user.id, &acct);
        audit::record(conn, actor, action, on).await?;
        Ok::<_, Error>(())
    })
    .await
}

/// Lets a disabled user sign in again; nothing when they may.
pub async fn enable(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    user: &User,
) -> Result<()> {
    actor.ensure(Permission::ManageUsers)?;
    if !user.disabled {
        return Ok(());
    }
    let changes = UserChanges {
        disabled: Some(false),
        ..Default::default()
    };
    update_user_audited(state, actor, target, user, changes, AuditAction::Enable).await
}

/// Approves a pending sign-up.
pub async fn approve(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    user: &User,
) -> Result<()> {
    actor.ensure(Permission::ManageUsers)?;
    let changes = UserChanges {
        approved: Some(true),
        ..Default::default()
    };
    update_user_audited(state, actor, target, user, changes, AuditAction::Approve).await
}

/// Gives `user` the role `role`; nothing when it has it already. A staff member needs the Administrator permission, must
/// outrank the user and may only give a role below their own;
/// [`Actor::System`] (`ferrodonctl accounts modify --role`) may give any.
pub async fn change_role(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    user: &User,
    role: Role,
) -> Result<()> {
    actor.ensure(Permission::Administrator)?;
    if let Actor::Staff { account, role: own } = actor {
        let mut conn = state.conn().await?;
        ensure_outranks(&mut conn, account, target).await?;
        if !overrides(own, Some(role)) {
            return Err(Error::Forbidden("This action is not allowed".into()));
        }
    }
    if user.role == role {
        return Ok(());
    }
    let changes = UserChanges {
        role: Some(role),
        ..Default::default()
    };
    update_user_audited(state, actor, target, user, changes, AuditAction::ChangeRole).await
}

/// Rejects a pending sign-up: the account and user are deleted; 403 for
/// an approved user.
pub async fn reject(
    state: &AppState,
    actor: Actor<'_>,
    target: &Account,
    user: &User,
) -> Result<()> {
    actor.ensure(Permission::ManageUsers)?;
    if user.approved {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let acct = target.acct();
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let on = Target::new(TargetKind::User, user.id, &acct);
        audit::record(conn, actor, AuditAction::Reject, on).await?;
        accounts::delete_account(conn, target.id).await?;
        Ok::<_, Error>(())
    })
    .await
}

/// Deletes a suspended account's data (Mastodon only deletes suspended
/// ones; 403 otherwise). A local account's deletion then reaches every
/// server that knew it (the `Delete` of its actor), as when its owner
/// deletes it.
pub async fn delete(state: &AppState, actor: Actor<'_>, target: &Account) -> Result<()> {
    actor.ensure(Permission::DeleteUserData)?;
    if target.suspended_at.is_none() {
        return Err(Error::Forbidden("This action is not allowed".into()));
    }
    let told = ActorDeletion::prepare(state, target).await?;
    let acct = target.acct();
    let mut conn = state.conn().await?;
    conn.transaction(async |conn| {
        let on = Target::new(TargetKind::Account, target.id, &acct);
        audit::record(conn, actor, AuditAction::Destroy, on).await?;
        accounts::delete_account(conn, target.id).await?;
        Ok::<_, Error>(())
    })
    .await?;
    drop(conn);
    crate::services::delete_own_account::tell_other_servers(state, told).await;
    Ok(())
}
