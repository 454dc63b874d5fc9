//! OAuth applications, authorization codes and access tokens.
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::models::{
    AccessGrant, AccessToken, NewAccessGrant, NewAccessToken, NewOAuthApplication, OAuthApplication,
};
use crate::models::{Account, User};
use crate::schema::{
    accounts, oauth_access_grants, oauth_access_tokens, oauth_applications, users,
};
use crate::{Conn, Result};

/// Registers an application.
pub async fn put_application(
    conn: &mut Conn,
    new: &NewOAuthApplication,
) -> Result<OAuthApplication> {
    Ok(diesel::insert_into(oauth_applications::table)
        .values(new)
        .returning(OAuthApplication::as_returning())
        .get_result(conn)
        .await?)
}

/// An application by its public client id.
pub async fn get_application_by_client_id(
    conn: &mut Conn,
    client_id: &str,
) -> Result<OAuthApplication> {
    Ok(oauth_applications::table
        .filter(oauth_applications::client_id.eq(client_id))
        .select(OAuthApplication::as_select())
        .first(conn)
        .await?)
}

/// An application by id.
pub async fn get_application_by_id(conn: &mut Conn, id: i64) -> Result<OAuthApplication> {
    Ok(oauth_applications::table
        .find(id)
        .select(OAuthApplication::as_select())
        .first(conn)
        .await?)
}

/// Stores an authorization code digest.
pub async fn put_grant(conn: &mut Conn, new: &NewAccessGrant) -> Result<AccessGrant> {
    Ok(diesel::insert_into(oauth_access_grants::table)
        .values(new)
        .returning(AccessGrant::as_returning())
        .get_result(conn)
        .await?)
}

/// Marks an authorization code used, returning it only if it was still
/// unused: a code can be exchanged once, even under concurrent requests.
pub async fn consume_grant(conn: &mut Conn, token_digest: &str) -> Result<AccessGrant> {
    Ok(diesel::update(
        oauth_access_grants::table
            .filter(oauth_access_grants::token_digest.eq(token_digest))
            .filter(oauth_access_grants::revoked_at.is_null()),
    )
    .set(oauth_access_grants::revoked_at.eq(diesel::dsl::now))
    .returning(AccessGrant::as_returning())
    .get_result(conn)
    .await?)
}

/// Stores an access token digest.
pub async fn put_token(conn: &mut Conn, new: &NewAccessToken) -> Result<AccessToken> {
    Ok(diesel::insert_into(oauth_access_tokens::table)
        .values(new)
        .returning(AccessToken::as_returning())
        .get_result(conn)
        .await?)
}

/// A live (unrevoked) token by digest.
pub async fn get_live_token(conn: &mut Conn, token_digest: &str) -> Result<AccessToken> {
    Ok(oauth_access_tokens::table
        .filter(oauth_access_tokens::token_digest.eq(token_digest))
        .filter(oauth_access_tokens::revoked_at.is_null())
        .select(AccessToken::as_select())
        .first(conn)
        .await?)
}

/// Revokes a token if it belongs to the given application; returns the ids revoked.
pub async fn revoke_token(
    conn: &mut Conn,
    token_digest: &str,
    application_id: i64,
) -> Result<Vec<i64>> {
    let revoked = diesel::update(
        oauth_access_tokens::table
            .filter(oauth_access_tokens::token_digest.eq(token_digest))
            .filter(oauth_access_tokens::application_id.eq(application_id))
            .filter(oauth_access_tokens::revoked_at.is_null()),
    )
    .set(oauth_access_tokens::revoked_at.eq(diesel::dsl::now))
    .returning(oauth_access_tokens::id)
    .get_results(conn)
    .await?;
    // A revoked token's push subscription goes with it.
    super::web_push::delete_subscriptions_of_tokens(conn, &revoked).await?;
    Ok(revoked)
}

/// Revokes every token of a user (password reset, account disabled); returns the ids revoked.
pub async fn revoke_user_tokens(conn: &mut Conn, user_id: i64) -> Result<Vec<i64>> {
    let revoked = diesel::update(
        oauth_access_tokens::table
            .filter(oauth_access_tokens::user_id.eq(user_id))
            .filter(oauth_access_tokens::revoked_at.is_null()),
    )
    .set(oauth_access_tokens::revoked_at.eq(diesel::dsl::now))
    .returning(oauth_access_tokens::id)
    .get_results(conn)
    .await?;
    // A revoked token's push subscription goes with it.
    super::web_push::delete_subscriptions_of_tokens(conn, &revoked).await?;
    Ok(revoked)
}

/// The ids of a user's tokens that are not revoked.
pub async fn live_user_token_ids(conn: &mut Conn, user_id: i64) -> Result<Vec<i64>> {
    Ok(oauth_access_tokens::table
        .filter(oauth_access_tokens::user_id.eq(user_id))
        .filter(oauth_access_tokens::revoked_at.is_null())
        .select(oauth_access_tokens::id)
        .load(conn)
        .await?)
}

/// A live token with its user and account (None for app-only tokens), in one round trip.
pub async fn get_live_token_with_user(
    conn: &mut Conn,
    token_digest: &str,
) -> Result<(AccessToken, Option<(User, Account)>)> {
    Ok(oauth_access_tokens::table
        .left_join(users::table.inner_join(accounts::table))
        .filter(oauth_access_tokens::token_digest.eq(token_digest))
        .filter(oauth_access_tokens::revoked_at.is_null())
        .select((
            AccessToken::as_select(),
            Option::<(User, Account)>::as_select(),
        ))
        .first(conn)
        .await?)
}

/// An application a user has live tokens for, as the authorized
/// applications page lists it.
#[derive(Debug, Clone)]
pub struct AuthorizedApplication {
    /// The application.
    pub application: OAuthApplication,
    /// The scopes of its live tokens, joined.
    pub scopes: Vec<String>,
    /// When the first live token was issued.
    pub authorized_at: chrono::DateTime<chrono::Utc>,
    /// When a token was last used.
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An application, a token's scopes, when it was made and last used.
type TokenOfApplication = (
    OAuthApplication,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// The applications holding live tokens of a user, oldest first.
pub async fn authorized_applications(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<AuthorizedApplication>> {
    use std::collections::BTreeMap;
    let rows: Vec<TokenOfApplication> = oauth_access_tokens::table
        .inner_join(
            oauth_applications::table
                .on(oauth_access_tokens::application_id.eq(oauth_applications::id.nullable())),
        )
        .filter(oauth_access_tokens::user_id.eq(user_id))
        .filter(oauth_access_tokens::revoked_at.is_null())
        .order(oauth_access_tokens::id.asc())
        .select((
            OAuthApplication::as_select(),
            oauth_access_tokens::scopes,
            oauth_access_tokens::created_at,
            oauth_access_tokens::last_used_at,
        ))
        .load(conn)
        .await?;
    let mut by_app: BTreeMap<i64, AuthorizedApplication> = BTreeMap::new();
    for (application, scopes, created_at, last_used_at) in rows {
        let entry = by_app
            .entry(application.id)
            .or_insert_with(|| AuthorizedApplication {
                application,
                scopes: Vec::new(),
                authorized_at: created_at,
                last_used_at: None,
            });
        for scope in scopes.split_whitespace() {
            if !entry.scopes.iter().any(|s| s == scope) {
                entry.scopes.push(scope.to_owned());
            }
        }
        entry.last_used_at = entry.last_used_at.max(last_used_at);
    }
    let mut apps: Vec<AuthorizedApplication> = by_app.into_values().collect();
    apps.sort_by_key(|a| a.authorized_at);
    Ok(apps)
}

/// Revokes every live token a user gave one application; the ids revoked.
pub async fn revoke_user_application_tokens(
    conn: &mut Conn,
    user_id: i64,
    application_id: i64,
) -> Result<Vec<i64>> {
    let revoked = diesel::update(
        oauth_access_tokens::table
            .filter(oauth_access_tokens::user_id.eq(user_id))
            .filter(oauth_access_tokens::application_id.eq(application_id))
            .filter(oauth_access_tokens::revoked_at.is_null()),
    )
    .set(oauth_access_tokens::revoked_at.eq(diesel::dsl::now))
    .returning(oauth_access_tokens::id)
    .get_results(conn)
    .await?;
    super::web_push::delete_subscriptions_of_tokens(conn, &revoked).await?;
    Ok(revoked)
}
