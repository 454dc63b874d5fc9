//! OAuth 2 as Mastodon speaks it: app registration, the authorization code
//! flow with PKCE (S256), client credentials, the opt-in password grant and
//! revocation. Tokens never expire, as in Mastodon; codes live 10 minutes.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use ferrodon_db::models::{
    Account, NewAccessGrant, NewAccessToken, NewOAuthApplication, OAuthApplication, User,
    UserChanges,
};
use ferrodon_db::queries::{oauth, users};
use ferrodon_db::Conn;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::passwords::{hash_password, needs_rehash, verify_password};
use super::tokens::{constant_time_eq, digest, random_token};
use super::ScopeSet;
use crate::{rate_limit, AppState, Error, Result};

/// The redirect URI that shows the code to the user instead of redirecting.
pub const OOB_REDIRECT_URI: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long an authorization code may be exchanged.
const CODE_LIFETIME_MINUTES: i64 = 10;
/// Window of the sign-in rate limit.
const AUTH_WINDOW_SECS: u64 = 300;

/// An OAuth-level failure, rendered as `{"error": code, "error_description": …}`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OAuthError {
    /// RFC 6749 error code (invalid_grant, invalid_client, …).
    pub code: &'static str,
    /// Human-readable reason.
    pub description: String,
    /// HTTP status to answer with.
    pub status: u16,
}

impl OAuthError {
    fn new(code: &'static str, status: u16, description: impl Into<String>) -> Self {
        OAuthError {
            code,
            description: description.into(),
            status,
        }
    }
    fn invalid_client() -> Self {
        Self::new(
            "invalid_client",
            401,
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        )
    }
    fn invalid_grant() -> Self {
        Self::new(
            "invalid_grant",
            400,
            "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
        )
    }
}

/// Either an OAuth protocol error or an ordinary one.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Protocol-level error with its own body shape.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// Anything else (database down, rate limited …).
    #[error(transparent)]
    Other(#[from] Error),
}

impl From<ferrodon_db::Error> for TokenError {
    fn from(e: ferrodon_db::Error) -> Self {
        TokenError::Other(e.into())
    }
}

/// The body of a successful `/oauth/token` answer.
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    /// The bearer token.
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: &'static str,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Unix time of issue.
    pub created_at: i64,
}

/// Checks redirect URIs: absolute, no fragment, or the out-of-band URN.
pub fn parse_redirect_uris(raw: &[String]) -> Result<Vec<String>> {
    let uris: Vec<String> = raw
        .iter()
        .flat_map(|s| s.split('\n'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if uris.is_empty() {
        return Err(Error::validation("Redirect URI can't be blank"));
    }
    for uri in &uris {
        if uri == OOB_REDIRECT_URI {
            continue;
        }
        match url::Url::parse(uri) {
            Ok(u) if u.fragment().is_none() => {}
            Ok(_) => return Err(Error::validation("Redirect URI cannot contain a fragment.")),
            Err(_) => return Err(Error::validation("Redirect URI must be an absolute URI.")),
        }
    }
    Ok(uris)
}

/// Registers a client application (`POST /api/v1/apps`).
pub async fn create_application(
    state: &AppState,
    name: &str,
    redirect_uris: &[String],
    scopes: &str,
    website: Option<String>,
) -> Result<OAuthApplication> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::validation("Application name can't be blank"));
    }
    if name.chars().count() > 60 {
        return Err(Error::validation(
            "Application name is too long (maximum is 60 characters)",
        ));
    }
    let uris = parse_redirect_uris(redirect_uris)?;
    let scopes = ScopeSet::parse(scopes).map_err(|e| Error::Validation(e.to_string()))?;
    let website = website.filter(|w| !w.trim().is_empty());
    let mut conn = state.conn().await?;
    Ok(oauth::put_application(
        &mut conn,
        &NewOAuthApplication {
            name: name.to_owned(),
            client_id: random_token(),
            client_secret: random_token(),
            redirect_uri: uris.join("\n"),
            scopes: scopes.to_string(),
            website,
        },
    )
    .await?)
}

/// Parameters of an authorization request (`GET /oauth/authorize`).
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// Must be "code".
    pub response_type: String,
    /// The application's client_id.
    pub client_id: String,
    /// One of the application's redirect URIs.
    pub redirect_uri: String,
    /// Requested scopes (default: `read`).
    pub scope: Option<String>,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method; only S256 is accepted.
    pub code_challenge_method: Option<String>,
}

/// A validated authorization request.
#[derive(Debug, Clone)]
pub struct ValidAuthorization {
    /// The requesting application.
    pub application: OAuthApplication,
    /// The scopes to grant.
    pub scopes: ScopeSet,
    /// Where to send the code.
    pub redirect_uri: String,
}

/// Validates an authorization request before the consent page is shown.
pub async fn validate_authorization(
    state: &AppState,
    req: &AuthorizationRequest,
) -> std::result::Result<ValidAuthorization, TokenError> {
    if req.response_type != "code" {
        return Err(OAuthError::new(
            "unsupported_response_type",
            400,
            "The authorization server does not support this response type.",
        )
        .into());
    }
    let mut conn = state.conn().await?;
    let application = match oauth::get_application_by_client_id(&mut conn, &req.client_id).await {
        Ok(app) => app,
        Err(ferrodon_db::Error::NotFound) => return Err(OAuthError::invalid_client().into()),
        Err(e) => return Err(e.into()),
    };
    if !application
        .redirect_uri
        .split('\n')
        .any(|u| u == req.redirect_uri)
    {
        return Err(OAuthError::new(
            "invalid_redirect_uri",
            400,
            "The requested redirect uri is malformed or doesn't match client redirect URI.",
        )
        .into());
    }
    let scopes = ScopeSet::parse(req.scope.as_deref().unwrap_or("")).map_err(|_| {
        OAuthError::new(
            "invalid_scope",
            400,
            "The requested scope is invalid, unknown, or malformed.",
        )
    })?;
    let app_scopes = ScopeSet::parse(&application.scopes)
        .map_err(|e| TokenError::Other(Error::caused("an application's stored scopes", e)))?;
    if !scopes.is_subset_of(&app_scopes) {
        return Err(OAuthError::new(
            "invalid_scope",
            400,
            "The requested scope is invalid, unknown, or malformed.",
        )
        .into());
    }
    match (&req.code_challenge, req.code_challenge_method.as_deref()) {
        (None, _) => {}
        (Some(_), Some("S256")) => {}
        (Some(_), _) => {
            return Err(OAuthError::new(
                "invalid_request",
                400,
                "Code challenge method must be S256.",
            )
            .into());
        }
    }
    Ok(ValidAuthorization {
        application,
        scopes,
        redirect_uri: req.redirect_uri.clone(),
    })
}

/// Checks a user's credentials for the sign-in form or the password grant,
/// counting the attempt against the per-IP limit.
pub async fn sign_in(
    state: &AppState,
    login: &str,
    password: &str,
    client_ip: &str,
) -> Result<(User, Account)> {
    rate_limit::check(
        state,
        &format!("auth:{client_ip}"),
        state.config.auth_rate_limit,
        AUTH_WINDOW_SECS,
    )
    .await?;
    let invalid = || Error::Unauthorized("Invalid email or password.".into());
    let mut conn = state.conn().await?;
    let (user, account) = match users::get_user_by_login(&mut conn, login).await {
        Ok(found) => found,
        Err(ferrodon_db::Error::NotFound) => {
            // Hash anyway so that unknown logins take as long as wrong passwords.
            let _ = hash_password(password);
            return Err(invalid());
        }
        Err(e) => return Err(e.into()),
    };
    let hash = user.encrypted_password.clone();
    let password = password.to_owned();
    let (ok, rehashed) = tokio::task::spawn_blocking(move || {
        let ok = verify_password(&password, &hash);
        // A bcrypt hash imported from Mastodon is upgraded while the
        // password is at hand; it is never needed again.
        let rehashed = (ok && needs_rehash(&hash)).then(|| hash_password(&password));
        (ok, rehashed)
    })
    .await
    .map_err(|e| Error::caused("checking a password", e))?;
    if !ok {
        return Err(invalid());
    }
    if user.disabled || account.suspended_at.is_some() {
        return Err(Error::Forbidden("Your login is currently disabled".into()));
    }
    let user = match rehashed {
        Some(Ok(argon2)) => upgrade_hash(&mut conn, user, argon2).await,
        Some(Err(e)) => {
            tracing::warn!(user_id = user.id, error = %e, "could not rehash an imported password");
            user
        }
        None => user,
    };
    users::touch_sign_in(&mut conn, user.id).await?;
    Ok((user, account))
}

/// Stores the argon2id hash that replaces an imported bcrypt one; on
/// failure the old hash stays (it still verifies) and the next sign-in
/// tries again.
async fn upgrade_hash(conn: &mut Conn, user: User, argon2: String) -> User {
    let changes = UserChanges {
        encrypted_password: Some(argon2),
        ..UserChanges::default()
    };
    match users::update_user(conn, user.id, &changes).await {
        Ok(updated) => updated,
        Err(e) => {
            tracing::warn!(user_id = user.id, error = %e, "could not store the rehashed password");
            user
        }
    }
}

/// Issues an authorization code for a signed-in user who approved the request.
pub async fn issue_code(
    state: &AppState,
    valid: &ValidAuthorization,
    req: &AuthorizationRequest,
    user: &User,
) -> Result<String> {
    let code = random_token();
    let mut conn = state.conn().await?;
    oauth::put_grant(
        &mut conn,
        &NewAccessGrant {
            application_id: valid.application.id,
            user_id: user.id,
            token_digest: digest(&code),
            redirect_uri: valid.redirect_uri.clone(),
            scopes: valid.scopes.to_string(),
            code_challenge: req.code_challenge.clone(),
            code_challenge_method: req.code_challenge_method.clone(),
            expires_at: Utc::now() + Duration::minutes(CODE_LIFETIME_MINUTES),
        },
    )
    .await?;
    Ok(code)
}

/// Stores a new token and returns it with its response body.
pub async fn issue_token(
    conn: &mut Conn,
    application_id: Option<i64>,
    user_id: Option<i64>,
    scopes: &ScopeSet,
) -> Result<TokenResponse> {
    let token = random_token();
    let row = oauth::put_token(
        conn,
        &NewAccessToken {
            application_id,
            user_id,
            token_digest: digest(&token),
            scopes: scopes.to_string(),
        },
    )
    .await?;
    Ok(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        scope: scopes.to_string(),
        created_at: row.created_at.timestamp(),
    })
}

/// The form of `POST /oauth/token`.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// authorization_code, client_credentials or password.
    pub grant_type: String,
    /// Client id (from the form or HTTP Basic).
    pub client_id: Option<String>,
    /// Client secret (from the form or HTTP Basic).
    pub client_secret: Option<String>,
    /// The authorization code.
    pub code: Option<String>,
    /// Must match the one used to get the code.
    pub redirect_uri: Option<String>,
    /// PKCE verifier.
    pub code_verifier: Option<String>,
    /// Requested scopes (client_credentials, password).
    pub scope: Option<String>,
    /// Password grant: e-mail or username.
    pub username: Option<String>,
    /// Password grant: password.
    pub password: Option<String>,
}

async fn authenticate_client(
    conn: &mut Conn,
    req: &TokenRequest,
    secret_required: bool,
) -> std::result::Result<OAuthApplication, TokenError> {
    let client_id = req
        .client_id
        .as_deref()
        .ok_or_else(OAuthError::invalid_client)?;
    let app = match oauth::get_application_by_client_id(conn, client_id).await {
        Ok(app) => app,
        Err(ferrodon_db::Error::NotFound) => return Err(OAuthError::invalid_client().into()),
        Err(e) => return Err(e.into()),
    };
    match req.client_secret.as_deref() {
        Some(secret) if constant_time_eq(secret.as_bytes(), app.client_secret.as_bytes()) => {
            Ok(app)
        }
        None if !secret_required => Ok(app),
        _ => Err(OAuthError::invalid_client().into()),
    }
}

/// Handles `POST /oauth/token`.
pub async fn exchange(
    state: &AppState,
    req: &TokenRequest,
    client_ip: &str,
) -> std::result::Result<TokenResponse, TokenError> {
    match req.grant_type.as_str() {
        "authorization_code" => exchange_code(state, req).await,
        "client_credentials" => {
            let mut conn = state.conn().await?;
            let app = authenticate_client(&mut conn, req, true).await?;
            let scopes = requested_scopes(req, &app)?;
            Ok(issue_token(&mut conn, Some(app.id), None, &scopes).await?)
        }
        "password" if state.config.enable_password_grant => {
            let mut conn = state.conn().await?;
            let app = authenticate_client(&mut conn, req, true).await?;
            let scopes = requested_scopes(req, &app)?;
            drop(conn);
            let (user, _) = sign_in(
                state,
                req.username.as_deref().unwrap_or(""),
                req.password.as_deref().unwrap_or(""),
                client_ip,
            )
            .await
            .map_err(|e| match e {
                Error::Unauthorized(_) | Error::Forbidden(_) => {
                    TokenError::OAuth(OAuthError::invalid_grant())
                }
                other => TokenError::Other(other),
            })?;
            // As Mastodon: a password alone is not enough for users who
            // sign in with a second factor; they authorize in a browser.
            if super::two_factor::is_enabled(state, user.id).await? {
                return Err(OAuthError::invalid_grant().into());
            }
            let mut conn = state.conn().await?;
            Ok(issue_token(&mut conn, Some(app.id), Some(user.id), &scopes).await?)
        }
        _ => Err(OAuthError::new(
            "unsupported_grant_type",
            400,
            "The authorization grant type is not supported by the authorization server.",
        )
        .into()),
    }
}

fn requested_scopes(
    req: &TokenRequest,
    app: &OAuthApplication,
) -> std::result::Result<ScopeSet, TokenError> {
    let invalid = || {
        OAuthError::new(
            "invalid_scope",
            400,
            "The requested scope is invalid, unknown, or malformed.",
        )
    };
    let scopes = ScopeSet::parse(req.scope.as_deref().unwrap_or("")).map_err(|_| invalid())?;
    let app_scopes = ScopeSet::parse(&app.scopes).map_err(|_| invalid())?;
    if scopes.is_subset_of(&app_scopes) {
        Ok(scopes)
    } else {
        Err(invalid().into())
    }
}

async fn exchange_code(
    state: &AppState,
    req: &TokenRequest,
) -> std::result::Result<TokenResponse, TokenError> {
    let code = req.code.as_deref().ok_or_else(|| {
        OAuthError::new("invalid_request", 400, "Missing required parameter: code.")
    })?;
    let mut conn = state.conn().await?;
    let pkce = req.code_verifier.is_some();
    let app = authenticate_client(&mut conn, req, !pkce).await?;
    let grant = match oauth::consume_grant(&mut conn, &digest(code)).await {
        Ok(g) => g,
        Err(ferrodon_db::Error::NotFound) => return Err(OAuthError::invalid_grant().into()),
        Err(e) => return Err(e.into()),
    };
    if grant.application_id != app.id || grant.expires_at < Utc::now() {
        return Err(OAuthError::invalid_grant().into());
    }
    if req.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
        return Err(OAuthError::invalid_grant().into());
    }
    match (&grant.code_challenge, &req.code_verifier) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
                return Err(OAuthError::invalid_grant().into());
            }
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant().into()),
        (None, Some(_)) => return Err(OAuthError::invalid_grant().into()),
        (None, None) => {}
    }
    let scopes = ScopeSet::parse(&grant.scopes)
        .map_err(|e| TokenError::Other(Error::caused("a grant's stored scopes", e)))?;
    Ok(issue_token(&mut conn, Some(app.id), Some(grant.user_id), &scopes).await?)
}

/// Handles `POST /oauth/revoke`. Revoking an unknown token succeeds, per RFC 7009.
pub async fn revoke(
    state: &AppState,
    req: &TokenRequest,
    token: &str,
) -> std::result::Result<(), TokenError> {
    let mut conn = state.conn().await?;
    let app = authenticate_client(&mut conn, req, true).await?;
    let revoked = oauth::revoke_token(&mut conn, &digest(token), app.id).await?;
    drop(conn);
    if let Err(e) = crate::streaming::kill_token_connections(state, &revoked).await {
        tracing::warn!(error = %e, "could not close streaming connections of a revoked token");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_validated() {
        assert!(parse_redirect_uris(&["https://app.example/cb".into()]).is_ok());
        assert!(parse_redirect_uris(&[OOB_REDIRECT_URI.into()]).is_ok());
        assert!(parse_redirect_uris(&["/relative".into()]).is_err());
        assert!(parse_redirect_uris(&["https://a.example/#frag".into()]).is_err());
        assert!(parse_redirect_uris(&[]).is_err());
        assert_eq!(
            parse_redirect_uris(&["https://a.example/1\nhttps://a.example/2".into()])
                .unwrap()
                .len(),
            2
        );
    }
}
