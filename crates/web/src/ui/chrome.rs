//! What every page's layout shows around its content.
use actix_web::HttpRequest;
use ferrodon_core::auth::roles;
use ferrodon_core::auth::web_sessions::SignedIn;
use ferrodon_core::services::instance_settings;
use ferrodon_core::AppState;

use super::csrf;
use super::render::{take_notice, UiResult};
use super::return_to::same_origin_path;
use super::session::CurrentUser;

/// The signed-in person as the layout shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    /// Local username.
    pub username: String,
    /// Display name, or the username when empty.
    pub name: String,
    /// Whether the moderation pages are open to them.
    pub is_staff: bool,
}

/// Layout data of one page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The server's name.
    pub site_title: String,
    /// The favicon an admin uploaded, if any.
    pub favicon_url: Option<String>,
    /// Who is signed in.
    pub user: Option<ChromeUser>,
    /// The token forms on this page carry.
    pub csrf_token: String,
    /// A one-time message from the previous action.
    pub notice: Option<String>,
    /// This page's path and query: where its forms send the browser back to.
    pub here: String,
    /// An anonymous CSRF token the response must set as a cookie.
    pub(crate) new_csrf_cookie: Option<String>,
    /// Whether the notice cookie must be cleared.
    pub(crate) clear_notice: bool,
    /// Whether cookies are sent only over HTTPS.
    pub(crate) secure_cookies: bool,
}

impl Chrome {
    /// The layout data for `req`, seen by `current`.
    pub async fn new(req: &HttpRequest, state: &AppState, current: &CurrentUser) -> UiResult<Self> {
        Self::for_user(req, state, current.0.as_ref()).await
    }

    /// The layout data for a page seen by `signed_in` (or nobody).
    pub async fn for_user(
        req: &HttpRequest,
        state: &AppState,
        signed_in: Option<&SignedIn>,
    ) -> UiResult<Self> {
        let site_title = instance_settings::site_title(state).await?;
        let favicon_url = ferrodon_core::services::site_settings::favicon_url(state).await?;
        let (csrf_token, new_csrf_cookie) = match signed_in {
            Some(s) => (s.session.csrf_token.clone(), None),
            None => {
                let (token, is_new) = csrf::anonymous_token(req);
                let cookie = is_new.then(|| token.clone());
                (token, cookie)
            }
        };
        let notice = take_notice(req);
        let here = req
            .uri()
            .path_and_query()
            .and_then(|pq| same_origin_path(Some(pq.as_str())))
            .unwrap_or_else(|| "/".to_owned());
        Ok(Chrome {
            site_title,
            favicon_url,
            user: signed_in.map(|s| ChromeUser {
                username: s.account.username.clone(),
                name: if s.account.display_name.trim().is_empty() {
                    s.account.username.clone()
                } else {
                    s.account.display_name.clone()
                },
                is_staff: roles::is_staff(&s.user),
            }),
            csrf_token,
            clear_notice: notice.is_some(),
            notice,
            here,
            new_csrf_cookie,
            secure_cookies: !state.config.dev_allow_http,
        })
    }
}
