//! The instance's rules.
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::rules;
use crate::{Conn, Result};

/// A rule.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rules, check_for_backend(diesel::pg::Pg))]
#[allow(missing_docs)]
pub struct Rule {
    pub id: i64,
    pub priority: i32,
    pub text: String,
    pub hint: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every rule in display order (priority, then age).
pub async fn list_rules(conn: &mut Conn) -> Result<Vec<Rule>> {
    Ok(rules::table
        .order((rules::priority.asc(), rules::id.asc()))
        .select(Rule::as_select())
        .load(conn)
        .await?)
}

/// Adds a rule at the end.
pub async fn put_rule(conn: &mut Conn, text: &str, hint: &str) -> Result<Rule> {
    let last: Option<i32> = rules::table
        .select(diesel::dsl::max(rules::priority))
        .first(conn)
        .await?;
    Ok(diesel::insert_into(rules::table)
        .values((
            rules::text.eq(text),
            rules::hint.eq(hint),
            rules::priority.eq(last.map_or(0, |p| p + 1)),
        ))
        .returning(Rule::as_returning())
        .get_result(conn)
        .await?)
}

/// Deletes a rule; false when there was none with that id.
pub async fn delete_rule(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(diesel::delete(rules::table.find(id)).execute(conn).await? > 0)
}

/// Changes a rule's text and hint; the rule as it is now.
pub async fn update_rule(conn: &mut Conn, id: i64, text: &str, hint: &str) -> Result<Rule> {
    Ok(diesel::update(rules::table.find(id))
        .set((
            rules::text.eq(text),
            rules::hint.eq(hint),
            rules::updated_at.eq(chrono::Utc::now()),
        ))
        .returning(Rule::as_returning())
        .get_result(conn)
        .await?)
}
