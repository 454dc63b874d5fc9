//! OAuth endpoints: the sign-in + consent page, token exchange, revocation
//! and RFC 8414 discovery.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use ferrodon_core::auth::oauth::{
    self, AuthorizationRequest, TokenRequest, ValidAuthorization, OOB_REDIRECT_URI,
};
use ferrodon_core::auth::Scope;
use ferrodon_core::text::escape_html;
use ferrodon_core::{AppState, Error};
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, Params};
use crate::ui::oauth_consent;
use crate::ui::session::{sign_in_path_returning_to, CurrentUser};
use ferrodon_core::auth::web_sessions;

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/oauth/authorize", on::get().to(authorize_form))
        .route("/oauth/authorize", on::post().to(authorize_submit))
        .route("/oauth/token", on::post().to(token))
        .route("/oauth/revoke", on::post().to(revoke))
        .route(
            "/.well-known/oauth-authorization-server",
            on::get().to(discovery),
        );
}

fn authorization_request(params: &Params) -> AuthorizationRequest {
    AuthorizationRequest {
        response_type: params.str("response_type").unwrap_or_default(),
        client_id: params.str("client_id").unwrap_or_default(),
        redirect_uri: params.str("redirect_uri").unwrap_or_default(),
        scope: params.nonempty("scope"),
        code_challenge: params.nonempty("code_challenge"),
        code_challenge_method: params.nonempty("code_challenge_method"),
    }
}

fn page(title: &str, body: &str) -> HttpResponse {
    super::form_page::form_page(actix_web::http::StatusCode::OK, title, body)
}

fn form(
    valid: &ValidAuthorization,
    req: &AuthorizationRequest,
    state_param: Option<&str>,
    error: Option<&str>,
) -> HttpResponse {
    let hidden = [
        ("response_type", Some(req.response_type.as_str())),
        ("client_id", Some(req.client_id.as_str())),
        ("redirect_uri", Some(req.redirect_uri.as_str())),
        ("scope", Some(&valid.scopes.to_string()[..])),
        ("state", state_param),
        ("code_challenge", req.code_challenge.as_deref()),
        (
            "code_challenge_method",
            req.code_challenge_method.as_deref(),
        ),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape_html(v)
            )
        })
    })
    .collect::<String>();
    let scopes: String = valid
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape_html(s.as_str())))
        .collect();
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape_html(e)))
        .unwrap_or_default();
    page(
        "Authorize",
        &format!(
            "<h1>Authorization required</h1><p><strong>{}</strong> would like to access your account with these permissions:</p><ul>{scopes}</ul>{error}\
             <form method=\"post\" action=\"/oauth/authorize\">{hidden}\
             <label>E-mail address or username<input name=\"login\" autocomplete=\"username\" required></label>\
             <label>Password<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></form>",
            escape_html(&valid.application.name)
        ),
    )
}

/// A page result as a response (its error page on failure).
fn page_response(result: crate::ui::UiResult<HttpResponse>) -> HttpResponse {
    result.unwrap_or_else(|e| actix_web::ResponseError::error_response(&e))
}

/// A signed-in browser sees the consent page; anyone else signs in first
/// and comes back here.
async fn authorize_form(
    http: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    params: Params,
) -> ApiResult<HttpResponse> {
    let req = authorization_request(&params);
    let valid = oauth::validate_authorization(&state, &req).await?;
    match &current.0 {
        Some(signed_in) => Ok(page_response(
            oauth_consent::consent(
                &http,
                &state,
                signed_in,
                &valid,
                &req,
                params.str("state").as_deref(),
            )
            .await,
        )),
        None => Ok(crate::ui::redirect(&sign_in_path_returning_to(&http))),
    }
}

fn redirect_with(uri: &str, pairs: &[(&str, &str)]) -> HttpResponse {
    let mut url = match url::Url::parse(uri) {
        Ok(u) => u,
        Err(_) => return HttpResponse::BadRequest().finish(),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    HttpResponse::Found()
        .insert_header(("Location", url.to_string()))
        .finish()
}

async fn authorize_submit(
    http: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    let req = authorization_request(&params);
    let valid = oauth::validate_authorization(&state, &req).await?;
    let state_param = params.str("state");
    let mut extra: Vec<(&str, &str)> = Vec::new();
    if let Some(s) = state_param.as_deref() {
        extra.push(("state", s));
    }
    if let Some(submitted) = params.str("authenticity_token") {
        // The consent page of a signed-in browser.
        let Some(signed_in) = &current.0 else {
            return Ok(crate::ui::redirect("/auth/sign_in"));
        };
        web_sessions::require_csrf(&signed_in.session, &submitted)?;
        let approved = params.str("decision").as_deref() == Some("approve");
        let code = if approved {
            Some(oauth::issue_code(&state, &valid, &req, &signed_in.user).await?)
        } else {
            None
        };
        if valid.redirect_uri == OOB_REDIRECT_URI {
            return Ok(page_response(
                oauth_consent::out_of_band(&http, &state, Some(signed_in), code.as_deref()).await,
            ));
        }
        let mut pairs = match &code {
            Some(code) => vec![("code", code.as_str())],
            None => vec![("error", "access_denied")],
        };
        pairs.extend(extra);
        return Ok(redirect_with(&valid.redirect_uri, &pairs));
    }
    if params.str("decision").as_deref() == Some("deny") {
        if valid.redirect_uri == OOB_REDIRECT_URI {
            return Ok(page("Denied", "<h1>Authorization denied</h1>"));
        }
        let mut pairs = vec![("error", "access_denied")];
        pairs.extend(extra);
        return Ok(redirect_with(&valid.redirect_uri, &pairs));
    }
    let login = params.str("login").unwrap_or_default();
    let password = params.str("password").unwrap_or_default();
    let user = match oauth::sign_in(&state, &login, &password, &ip.0).await {
        Ok((user, _)) => user,
        Err(Error::Unauthorized(msg)) | Err(Error::Forbidden(msg)) => {
            return Ok(form(&valid, &req, state_param.as_deref(), Some(&msg)));
        }
        Err(Error::RateLimited) => {
            return Ok(form(
                &valid,
                &req,
                state_param.as_deref(),
                Some("Too many attempts. Try again later."),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if ferrodon_core::auth::two_factor::is_enabled(&state, user.id).await? {
        return Ok(form(
            &valid,
            &req,
            state_param.as_deref(),
            Some("Your account uses two-factor authentication: sign in on this server's sign-in page first, then authorize."),
        ));
    }
    if user.confirmed_at.is_none() || !user.approved {
        return Ok(form(
            &valid,
            &req,
            state_param.as_deref(),
            Some("Your account is not confirmed or not approved yet."),
        ));
    }
    let code = oauth::issue_code(&state, &valid, &req, &user).await?;
    if valid.redirect_uri == OOB_REDIRECT_URI {
        return Ok(page(
            "Authorization code",
            &format!("<h1>Authorization code</h1><p>Copy this code and paste it into the application.</p><p><code id=\"code\">{}</code></p>", escape_html(&code)),
        ));
    }
    let mut pairs = vec![("code", code.as_str())];
    pairs.extend(extra);
    Ok(redirect_with(&valid.redirect_uri, &pairs))
}

fn token_request(req: &HttpRequest, params: &Params) -> TokenRequest {
    let mut t = TokenRequest {
        grant_type: params.str("grant_type").unwrap_or_default(),
        client_id: params.nonempty("client_id"),
        client_secret: params.nonempty("client_secret"),
        code: params.nonempty("code"),
        redirect_uri: params.nonempty("redirect_uri"),
        code_verifier: params.nonempty("code_verifier"),
        scope: params.nonempty("scope"),
        username: params.nonempty("username"),
        password: params.str("password"),
    };
    if let Some((id, secret)) = basic_auth(req) {
        t.client_id = t.client_id.or(Some(id));
        t.client_secret = t.client_secret.or(Some(secret));
    }
    t
}

fn basic_auth(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get("Authorization")?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    ferrodon_core::rate_limit::check(
        &state,
        &format!("token:{}", ip.0),
        state.config.auth_rate_limit,
        300,
    )
    .await?;
    let request = token_request(&req, &params);
    let response = oauth::exchange(&state, &request, &ip.0).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(response))
}

async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: Params,
) -> ApiResult<HttpResponse> {
    let request = token_request(&req, &params);
    let token = params.nonempty("token").ok_or_else(|| {
        ApiError::Core(Error::BadRequest(
            "Missing required parameter: token.".into(),
        ))
    })?;
    oauth::revoke(&state, &request, &token).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}

async fn discovery(state: web::Data<AppState>) -> HttpResponse {
    let base = state.config.base_url();
    HttpResponse::Ok().json(json!({
        "issuer": format!("{base}/"),
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": Scope::ALL,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": if state.config.enable_password_grant {
            vec!["authorization_code", "client_credentials", "password"]
        } else {
            vec!["authorization_code", "client_credentials"]
        },
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"]
    }))
}
