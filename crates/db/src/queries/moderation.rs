//! Moderators' views and actions: accounts filtered by state, the
//! moderation flags, reports' handling, warnings and the audit log.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::ids::AccountId;
use crate::models::{Account, Role, User};
use crate::queries::reports::Report;
use crate::schema::{account_warnings, accounts, admin_action_logs, notifications, reports, users};
use crate::{paginate, Conn, Page, Result};

/// Where the listed accounts come from.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Local,
    Remote,
}

/// Which moderation state the listed accounts are in.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountState {
    /// Not suspended (Mastodon's default for the list).
    #[default]
    Active,
    /// Signed up and waiting for approval.
    Pending,
    Disabled,
    Silenced,
    Suspended,
    Sensitized,
}

/// The filters of the admin account list (Mastodon's AccountFilter).
#[allow(missing_docs)]
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub origin: Origin,
    pub state: AccountState,
    /// Remote accounts of this domain.
    pub by_domain: Option<String>,
    /// Username starting with this (case-insensitive).
    pub username: Option<String>,
    /// Display name containing this (case-insensitive).
    pub display_name: Option<String>,
    /// E-mail address containing this (case-insensitive).
    pub email: Option<String>,
    /// Only these roles (`staff`: Moderator, Admin, Owner).
    pub roles: Option<Vec<Role>>,
}

fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One page of accounts matching `filter`, newest first, with their users.
pub async fn list_accounts(
    conn: &mut Conn,
    filter: &AccountFilter,
    page: &Page,
) -> Result<Vec<(Account, Option<User>)>> {
    let mut q = accounts::table
        .left_join(users::table)
        .select((Account::as_select(), Option::<User>::as_select()))
        .filter(accounts::id.gt(0))
        .into_boxed();
    q = match filter.origin {
        Origin::Local => q.filter(accounts::domain.is_null()),
        Origin::Remote => q.filter(accounts::domain.is_not_null()),
    };
    q = match filter.state {
        AccountState::Active => q.filter(accounts::suspended_at.is_null()),
        AccountState::Pending => q.filter(users::approved.eq(false)),
        AccountState::Disabled => q.filter(users::disabled.eq(true)),
        AccountState::Silenced => q.filter(accounts::silenced_at.is_not_null()),
        AccountState::Suspended => q.filter(accounts::suspended_at.is_not_null()),
        AccountState::Sensitized => q.filter(accounts::sensitized_at.is_not_null()),
    };
    if let Some(domain) = &filter.by_domain {
        q = q.filter(accounts::domain.eq(domain.to_lowercase()));
    }
    if let Some(username) = &filter.username {
        q = q.filter(accounts::username.ilike(format!("{}%", like_escape(username))));
    }
    if let Some(name) = &filter.display_name {
        q = q.filter(accounts::display_name.ilike(format!("%{}%", like_escape(name))));
    }
    if let Some(email) = &filter.email {
        q = q.filter(users::email.ilike(format!("%{}%", like_escape(email))));
    }
    if let Some(roles) = &filter.roles {
        q = q.filter(users::role.eq_any(roles));
    }
    let rows = paginate!(q, accounts::id, page).load(conn).await?;
    Ok(page.finish(rows))
}

/// An account and, for local ones, its user.
pub async fn get_account_with_user(conn: &mut Conn, id: i64) -> Result<(Account, Option<User>)> {
    Ok(accounts::table
        .left_join(users::table)
        .filter(accounts::id.eq(id))
        .select((Account::as_select(), Option::<User>::as_select()))
        .first(conn)
        .await?)
}

/// Sets or clears an account's `suspended_at`, `silenced_at` or `sensitized_at`.
pub async fn set_account_flag(conn: &mut Conn, id: i64, flag: AccountFlag, on: bool) -> Result<()> {
    let at: Option<DateTime<Utc>> = on.then(Utc::now);
    let target = accounts::table.filter(accounts::id.eq(id));
    match flag {
        AccountFlag::Suspended => {
            diesel::update(target)
                .set((
                    accounts::suspended_at.eq(at),
                    accounts::suspension_origin.eq(on.then_some("local")),
                ))
                .execute(conn)
                .await?
        }
        AccountFlag::Silenced => {
            diesel::update(target)
                .set(accounts::silenced_at.eq(at))
                .execute(conn)
                .await?
        }
        AccountFlag::Sensitized => {
            diesel::update(target)
                .set(accounts::sensitized_at.eq(at))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Follows what a remote account's own server says of its suspension:
/// suspends it (origin `remote`) when it says so, and lifts only a
/// suspension that came from there. Whether anything changed.
pub async fn follow_remote_suspension(conn: &mut Conn, id: i64, suspended: bool) -> Result<bool> {
    let target = accounts::table.filter(accounts::id.eq(id));
    let changed = if suspended {
        diesel::update(target.filter(accounts::suspended_at.is_null()))
            .set((
                accounts::suspended_at.eq(Utc::now()),
                accounts::suspension_origin.eq("remote"),
            ))
            .execute(conn)
            .await?
    } else {
        diesel::update(target.filter(accounts::suspension_origin.eq("remote")))
            .set((
                accounts::suspended_at.eq(None::<DateTime<Utc>>),
                accounts::suspension_origin.eq(None::<String>),
            ))
            .execute(conn)
            .await?
    };
    Ok(changed > 0)
}

/// Who suspended an account (`local` or `remote`), if it is suspended.
pub async fn suspension_origin(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    Ok(accounts::table
        .find(id)
        .select(accounts::suspension_origin)
        .first(conn)
        .await?)
}

/// The moderation flags kept on accounts.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountFlag {
    Suspended,
    Silenced,
    Sensitized,
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Resolved ones instead of open ones.
    pub resolved: bool,
    /// Filed by this account.
    pub account_id: Option<i64>,
    /// About this account.
    pub target_account_id: Option<i64>,
}

/// One page of reports, newest first.
pub async fn list_reports(
    conn: &mut Conn,
    filter: &ReportFilter,
    page: &Page,
) -> Result<Vec<Report>> {
    let mut q = reports::table.select(Report::as_select()).into_boxed();
    q = if filter.resolved {
        q.filter(reports::action_taken_at.is_not_null())
    } else {
        q.filter(reports::action_taken_at.is_null())
    };
    if let Some(id) = filter.account_id {
        q = q.filter(reports::account_id.eq(id));
    }
    if let Some(id) = filter.target_account_id {
        q = q.filter(reports::target_account_id.eq(id));
    }
    let rows = paginate!(q, reports::id, page).load(conn).await?;
    Ok(page.finish(rows))
}

/// A report by id.
pub async fn get_report(conn: &mut Conn, id: i64) -> Result<Report> {
    Ok(reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .await?)
}

/// Assigns a report to a moderator, or unassigns it.
pub async fn assign_report(conn: &mut Conn, id: i64, moderator: Option<i64>) -> Result<()> {
    diesel::update(reports::table.find(id))
        .set((
            reports::assigned_account_id.eq(moderator),
            reports::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a report resolved by `moderator`, or reopens it (`None`).
pub async fn resolve_report(conn: &mut Conn, id: i64, moderator: Option<i64>) -> Result<()> {
    let at: Option<DateTime<Utc>> = moderator.map(|_| Utc::now());
    diesel::update(reports::table.find(id))
        .set((
            reports::action_taken_at.eq(at),
            reports::action_taken_by_account_id.eq(moderator),
            reports::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Resolves every open report about `target`; returns their ids.
pub async fn resolve_reports_about(
    conn: &mut Conn,
    target: AccountId,
    moderator: AccountId,
) -> Result<Vec<i64>> {
    Ok(diesel::update(
        reports::table
            .filter(reports::target_account_id.eq(target))
            .filter(reports::action_taken_at.is_null()),
    )
    .set((
        reports::action_taken_at.eq(diesel::dsl::now),
        reports::action_taken_by_account_id.eq(moderator),
        reports::updated_at.eq(diesel::dsl::now),
    ))
    .returning(reports::id)
    .get_results(conn)
    .await?)
}

/// A warning (strike) a moderator gives an account.
#[allow(missing_docs)]
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = account_warnings)]
pub struct NewWarning {
    pub account_id: i64,
    pub target_account_id: i64,
    pub action: String,
    pub text: String,
    pub report_id: Option<i64>,
    pub status_ids: Vec<i64>,
}

/// Stores a warning; returns its id.
pub async fn put_warning(conn: &mut Conn, new: &NewWarning) -> Result<i64> {
    Ok(diesel::insert_into(account_warnings::table)
        .values(new)
        .returning(account_warnings::id)
        .get_result(conn)
        .await?)
}

/// A stored warning.
#[allow(missing_docs)]
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_warnings, check_for_backend(diesel::pg::Pg))]
pub struct AccountWarning {
    pub id: i64,
    pub account_id: Option<i64>,
    pub target_account_id: i64,
    pub action: String,
    pub text: String,
    pub report_id: Option<i64>,
    pub status_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
}

/// A warning by id.
pub async fn get_warning(conn: &mut Conn, id: i64) -> Result<AccountWarning> {
    Ok(account_warnings::table
        .find(id)
        .select(AccountWarning::as_select())
        .first(conn)
        .await?)
}

/// Notes which warning a `moderation_warning` notification tells of.
pub async fn link_notification_to_warning(
    conn: &mut Conn,
    notification_id: i64,
    warning_id: i64,
) -> Result<()> {
    diesel::update(notifications::table.find(notification_id))
        .set(notifications::account_warning_id.eq(warning_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The warnings the given notifications tell of, by notification id.
pub async fn warnings_of_notifications(
    conn: &mut Conn,
    notification_ids: &[i64],
) -> Result<Vec<(i64, AccountWarning)>> {
    Ok(notifications::table
        .inner_join(
            account_warnings::table
                .on(notifications::account_warning_id.eq(account_warnings::id.nullable())),
        )
        .filter(notifications::id.eq_any(notification_ids))
        .select((notifications::id, AccountWarning::as_select()))
        .load(conn)
        .await?)
}

/// An entry of the audit log.
#[allow(missing_docs)]
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = admin_action_logs, check_for_backend(diesel::pg::Pg))]
pub struct LogEntry {
    pub account_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub human_identifier: String,
}

/// Appends to the audit log.
pub async fn log_action(conn: &mut Conn, entry: &LogEntry) -> Result<()> {
    diesel::insert_into(admin_action_logs::table)
        .values(entry)
        .execute(conn)
        .await?;
    Ok(())
}

/// The newest audit log entries, with when they happened.
pub async fn recent_log(conn: &mut Conn, limit: i64) -> Result<Vec<(LogEntry, DateTime<Utc>)>> {
    Ok(admin_action_logs::table
        .order(admin_action_logs::id.desc())
        .limit(limit)
        .select((LogEntry::as_select(), admin_action_logs::created_at))
        .load(conn)
        .await?)
}

/// Changes a report's category and broken rules.
pub async fn update_report(
    conn: &mut Conn,
    id: i64,
    category: &str,
    rule_ids: &[i64],
) -> Result<()> {
    diesel::update(reports::table.find(id))
        .set((
            reports::category.eq(category),
            reports::rule_ids.eq(rule_ids),
            reports::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
