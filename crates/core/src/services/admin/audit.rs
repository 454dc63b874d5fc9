//! The audit log (`admin_action_logs`): who did what to which record, with
//! Mastodon's action and target-type names, typed here so no caller spells
//! them.
use crate::db::queries::moderation::{self, LogEntry};
use crate::db::Conn;
use crate::Result;

use super::Actor;

/// What was done (Mastodon's `Admin::ActionLog#action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A record was created.
    Create,
    /// A record was changed.
    Update,
    /// A record was deleted.
    Destroy,
    /// A user may not sign in (or an emoji is hidden).
    Disable,
    /// A user may sign in again (or an emoji shows again).
    Enable,
    /// A sign-up (or a trend) was approved.
    Approve,
    /// A sign-up (or a trend) was rejected.
    Reject,
    /// An account was suspended.
    Suspend,
    /// An account's suspension was lifted.
    Unsuspend,
    /// An account was limited.
    Silence,
    /// An account's limit was lifted.
    Unsilence,
    /// An account's media were marked sensitive.
    Sensitive,
    /// An account's sensitive mark was lifted.
    Unsensitive,
    /// A report was resolved.
    Resolve,
    /// A report was opened again.
    Reopen,
    /// A report was assigned to the acting moderator.
    AssignedToSelf,
    /// A report's assignee was removed.
    Unassigned,
    /// A user was given another role.
    ChangeRole,
}

impl AuditAction {
    /// Mastodon's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Destroy => "destroy",
            AuditAction::Disable => "disable",
            AuditAction::Enable => "enable",
            AuditAction::Approve => "approve",
            AuditAction::Reject => "reject",
            AuditAction::Suspend => "suspend",
            AuditAction::Unsuspend => "unsuspend",
            AuditAction::Silence => "silence",
            AuditAction::Unsilence => "unsilence",
            AuditAction::Sensitive => "sensitive",
            AuditAction::Unsensitive => "unsensitive",
            AuditAction::Resolve => "resolve",
            AuditAction::Reopen => "reopen",
            AuditAction::AssignedToSelf => "assigned_to_self",
            AuditAction::Unassigned => "unassigned",
            AuditAction::ChangeRole => "change_role",
        }
    }
}

/// What kind of record an entry is about (Mastodon's `target_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// An account.
    Account,
    /// A local user (sign-in, approval).
    User,
    /// A warning given to an account.
    AccountWarning,
    /// A report.
    Report,
    /// A status.
    Status,
    /// A block of another server.
    DomainBlock,
    /// A server federated with in limited federation mode.
    DomainAllow,
    /// An e-mail domain nobody may sign up with.
    EmailDomainBlock,
    /// An e-mail address nobody may sign up with again.
    CanonicalEmailBlock,
    /// An address range.
    IpBlock,
    /// A server rule.
    Rule,
    /// An ActivityPub relay.
    Relay,
    /// A custom emoji.
    CustomEmoji,
    /// A hashtag (trend review).
    Tag,
    /// A link (trend review).
    PreviewCard,
    /// A publisher of links (trend review).
    PreviewCardProvider,
}

impl TargetKind {
    /// Mastodon's model name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Account => "Account",
            TargetKind::User => "User",
            TargetKind::AccountWarning => "AccountWarning",
            TargetKind::Report => "Report",
            TargetKind::Status => "Status",
            TargetKind::DomainBlock => "DomainBlock",
            TargetKind::DomainAllow => "DomainAllow",
            TargetKind::EmailDomainBlock => "EmailDomainBlock",
            TargetKind::CanonicalEmailBlock => "CanonicalEmailBlock",
            TargetKind::IpBlock => "IpBlock",
            TargetKind::Rule => "Rule",
            TargetKind::Relay => "Relay",
            TargetKind::CustomEmoji => "CustomEmoji",
            TargetKind::Tag => "Tag",
            TargetKind::PreviewCard => "PreviewCard",
            TargetKind::PreviewCardProvider => "PreviewCardProvider",
        }
    }
}

/// The record an entry is about.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Its kind.
    pub kind: TargetKind,
    /// Its id.
    pub id: i64,
    /// How people name it (an acct, a domain, an address range).
    pub name: &'a str,
}

impl<'a> Target<'a> {
    /// A target of `kind` with `id`, named `name`.
    pub fn new(kind: TargetKind, id: i64, name: &'a str) -> Target<'a> {
        Target { kind, id, name }
    }
}

/// Appends `action` by `actor` on `target` to the audit log.
pub async fn record(
    conn: &mut Conn,
    actor: Actor<'_>,
    action: AuditAction,
    target: Target<'_>,
) -> Result<()> {
    moderation::log_action(
        conn,
        &LogEntry {
            account_id: actor.account_id(),
            action: action.as_str().to_owned(),
            target_type: target.kind.as_str().to_owned(),
            target_id: Some(target.id),
            human_identifier: target.name.to_owned(),
        },
    )
    .await?;
    Ok(())
}
