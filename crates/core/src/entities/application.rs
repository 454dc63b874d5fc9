//! `Application` and `CredentialApplication`.
use ferrodon_db::models::OAuthApplication;
use serde::Serialize;

/// An application as `POST /api/v1/apps` and `verify_credentials` return it.
#[derive(Debug, Clone, Serialize)]
#[allow(missing_docs)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    /// Deprecated single string form (newline-joined), still read by older clients.
    pub redirect_uri: String,
    pub vapid_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
}

/// Renders an application; `with_secret` adds the credentials (only right after creation).
pub fn render(app: &OAuthApplication, with_secret: bool) -> Application {
    let uris: Vec<String> = app.redirect_uri.split('\n').map(str::to_owned).collect();
    Application {
        id: app.id.to_string(),
        name: app.name.clone(),
        website: app.website.clone(),
        scopes: app.scopes.split(' ').map(str::to_owned).collect(),
        redirect_uri: app.redirect_uri.clone(),
        redirect_uris: uris,
        vapid_key: String::new(),
        client_id: with_secret.then(|| app.client_id.clone()),
        client_secret: with_secret.then(|| app.client_secret.clone()),
        client_secret_expires_at: with_secret.then_some(0),
    }
}

/// The application a local status was posted with (`Status.application`).
#[derive(Debug, Clone, Serialize)]
pub struct StatusApplication {
    /// The application's name.
    pub name: String,
    /// Its website, if it gave one.
    pub website: Option<String>,
}
