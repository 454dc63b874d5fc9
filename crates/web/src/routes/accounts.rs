//! `/api/v1/accounts…`: sign-up, own profile, profiles, follows, relationships.
use crate::routes::table::{on, Routes};
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::auth::oauth::issue_token;
use ferrodon_core::auth::roles::Role;
use ferrodon_core::auth::Scope;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::queries::accounts;
use ferrodon_core::db::queries::blocks_mutes;
use ferrodon_core::db::queries::favourites_bookmarks;
use ferrodon_core::db::queries::follows::{self, load_relationships};
use ferrodon_core::db::queries::profile_images::ProfileImage;
use ferrodon_core::db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_core::db::AccountId;
use ferrodon_core::entities::{account, relationship};
use ferrodon_core::error::{FieldError, FieldErrors};
use ferrodon_core::filters::FilterContext;
use ferrodon_core::media::profile;
use ferrodon_core::services::block::{block, unblock};
use ferrodon_core::services::follow::{follow, unfollow, FollowOptions};
use ferrodon_core::services::follow_requests::{authorize_follow_request, reject_follow_request};
use ferrodon_core::services::mute::{mute, unmute};
use ferrodon_core::services::register_account::{
    register_account_checked, Origin, Registration, AGREEMENT,
};
use ferrodon_core::services::update_credentials::{update_credentials, ProfileUpdate};
use ferrodon_core::{rate_limit, views, AppState, Error};
use serde_json::{json, Value};

use super::{accounts_page, path_id, statuses_page};
use crate::error::{ApiError, ApiResult};
use crate::extract::{page_from, Auth, ClientIp, MaybeAuth, Params, ReadAccounts, ReadStatuses};

pub fn configure(cfg: &mut Routes<'_>) {
    cfg.route("/api/v1/accounts", on::post().to(create))
        .route("/api/v1/accounts", on::get().to(index))
        .route(
            "/api/v1/accounts/verify_credentials",
            on::get().to(verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            on::patch().to(update),
        )
        .route(
            "/api/v1/profile/avatar",
            on::delete().to(|s, a| remove_profile_image(s, a, ProfileImage::Avatar)),
        )
        .route(
            "/api/v1/profile/header",
            on::delete().to(|s, a| remove_profile_image(s, a, ProfileImage::Header)),
        )
        .route(
            "/api/v1/accounts/relationships",
            on::get().to(relationships),
        )
        .route(
            "/api/v1/accounts/familiar_followers",
            on::get().to(familiar_followers),
        )
        .route(
            "/api/v1/accounts/{id}/remove_from_followers",
            on::post().to(remove_follower),
        )
        .route("/api/v1/accounts/lookup", on::get().to(lookup))
        .route("/api/v1/accounts/search", on::get().to(search))
        .route("/api/v1/accounts/{id}", on::get().to(show))
        .route("/api/v1/accounts/{id}/statuses", on::get().to(statuses))
        .route("/api/v1/accounts/{id}/followers", on::get().to(followers))
        .route("/api/v1/accounts/{id}/following", on::get().to(following))
        .route(
            "/api/v1/accounts/{id}/follow",
            on::post().to(follow_account),
        )
        .route(
            "/api/v1/accounts/{id}/unfollow",
            on::post().to(|s, a, p| relationship_action(s, a, p, RelationshipAction::Unfollow)),
        )
        .route(
            "/api/v1/accounts/{id}/block",
            on::post().to(|s, a, p| relationship_action(s, a, p, RelationshipAction::Block)),
        )
        .route(
            "/api/v1/accounts/{id}/unblock",
            on::post().to(|s, a, p| relationship_action(s, a, p, RelationshipAction::Unblock)),
        )
        .route("/api/v1/accounts/{id}/mute", on::post().to(mute_account))
        .route(
            "/api/v1/accounts/{id}/unmute",
            on::post().to(|s, a, p| relationship_action(s, a, p, RelationshipAction::Unmute)),
        )
        .route("/api/v1/blocks", on::get().to(blocked_accounts))
        .route("/api/v1/mutes", on::get().to(muted_accounts))
        .route("/api/v1/follow_requests", on::get().to(follow_requests))
        .route(
            "/api/v1/follow_requests/{id}/authorize",
            on::post()
                .to(|s, a, p| relationship_action(s, a, p, RelationshipAction::AuthorizeRequest)),
        )
        .route(
            "/api/v1/follow_requests/{id}/reject",
            on::post()
                .to(|s, a, p| relationship_action(s, a, p, RelationshipAction::RejectRequest)),
        )
        .route("/api/v1/preferences", on::get().to(preferences));
}

async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
    ip: ClientIp,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    rate_limit::check(
        &state,
        &format!("signup:{}", ip.0),
        state.config.auth_rate_limit,
        1800,
    )
    .await?;
    // Every invalid field is answered at once, the agreement's too
    // (Mastodon's ValidationErrorFormatter).
    let mut errors = FieldErrors::default();
    if params.bool("agreement") != Some(true) {
        errors.push(FieldError::new(AGREEMENT, "ACCEPTED", "must be accepted"));
    }
    let (user, _) = register_account_checked(
        &state,
        Registration {
            username: params.str("username").unwrap_or_default(),
            email: params.str("email").unwrap_or_default(),
            password: params.str("password").unwrap_or_default(),
            role: Role::User,
            confirmed: false,
            approved: false,
            locale: params.nonempty("locale").unwrap_or_else(|| "en".into()),
            reason: params.nonempty("reason"),
            application_id: auth.0.application_id,
        },
        Origin::Api,
        Some(&ip.0),
        errors,
    )
    .await?;
    let mut conn = state.conn().await?;
    let scopes: ScopeSet = [Scope::Read, Scope::Write, Scope::Follow, Scope::Push]
        .into_iter()
        .collect();
    let token = issue_token(&mut conn, auth.0.application_id, Some(user.id), &scopes).await?;
    Ok(HttpResponse::Ok().json(token))
}

async fn index(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let ids = params.id_list("id")?;
    let mut conn = state.conn().await?;
    let rows = accounts::get_accounts_by_ids(&mut conn, &ids).await?;
    let body: Vec<account::Account> = ids
        .iter()
        .filter_map(|id| rows.iter().find(|a| a.id == *id))
        .map(|a| account::render(&state.config, a))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn verify_credentials(state: web::Data<AppState>, auth: Auth) -> ApiResult<HttpResponse> {
    auth.0
        .require_scope(&[Scope::ReadAccounts, Scope::Profile])?;
    let (user, account) = auth.0.require_user()?;
    credential_response(&state, user, account).await
}

/// The signed-in user's CredentialAccount, with the emojis its profile uses.
async fn credential_response(
    state: &AppState,
    user: &ferrodon_core::db::models::User,
    account: &ferrodon_core::db::models::Account,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let requests = follows::count_follow_requests(&mut conn, account.id).await?;
    let mut body = account::render_credential(&state.config, user, account, requests);
    views::attach_account_emojis(&mut conn, &mut body.account).await?;
    Ok(HttpResponse::Ok().json(body))
}

fn profile_fields(params: &Params) -> Option<Vec<(String, String)>> {
    let raw = params.get("fields_attributes")?;
    let entries: Vec<&Value> = match raw {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => {
            let mut keyed: Vec<(&String, &Value)> = map.iter().collect();
            keyed.sort_by_key(|(k, _)| k.parse::<usize>().unwrap_or(usize::MAX));
            keyed.into_iter().map(|(_, v)| v).collect()
        }
        _ => return None,
    };
    Some(
        entries
            .into_iter()
            .map(|e| {
                let get = |k: &str| {
                    e.get(k)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                (get("name"), get("value"))
            })
            .collect(),
    )
}

async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    mut params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (user, account) = auth.0.require_user()?;
    // Images first: they are the likeliest to be refused, and a refusal
    // should leave the rest of the profile as it was.
    for (field, which) in [
        ("avatar", ProfileImage::Avatar),
        ("header", ProfileImage::Header),
    ] {
        if let Some(bytes) = params.take_file(field) {
            profile::set_local_image(&state, account, which, bytes).await?;
        }
    }
    let source = params.get("source").cloned().unwrap_or(Value::Null);
    let source_str = |k: &str| source.get(k).and_then(Value::as_str).map(str::to_owned);
    let update = ProfileUpdate {
        display_name: params.str("display_name"),
        note: params.str("note"),
        locked: params.bool("locked"),
        bot: params.bool("bot"),
        discoverable: params.bool("discoverable"),
        indexable: params.bool("indexable"),
        hide_collections: params.bool("hide_collections"),
        fields: profile_fields(&params),
        privacy: source_str("privacy"),
        sensitive: source
            .get("sensitive")
            .and_then(crate::extract::params_bool),
        language: source_str("language"),
    };
    let (user, account) = update_credentials(&state, user, account, update).await?;
    credential_response(&state, &user, &account).await
}

/// `DELETE /api/v1/profile/avatar` and `/header`: back to the default image.
async fn remove_profile_image(
    state: web::Data<AppState>,
    auth: Auth,
    which: ProfileImage,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteAccounts])?;
    let (user, account) = auth.0.require_user()?;
    profile::remove_local_image(&state, account, which).await?;
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, account.id).await?;
    drop(conn);
    ferrodon_core::services::update_credentials::announce_profile(&state, &account).await;
    credential_response(&state, user, &account).await
}

async fn relationships(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadFollows])?;
    let (_, me) = auth.0.require_user()?;
    let ids = params.id_list("id")?;
    let mut conn = state.conn().await?;
    let facts = load_relationships(&mut conn, me.id, &ids).await?;
    let body: Vec<relationship::Relationship> = facts
        .iter()
        .map(|(id, f)| relationship::render(*id, f))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn lookup(state: web::Data<AppState>, params: Params) -> ApiResult<HttpResponse> {
    let acct = params.str("acct").unwrap_or_default();
    let acct = acct.trim().trim_start_matches('@');
    let (username, domain) = match acct.split_once('@') {
        Some((u, d))
            if d.eq_ignore_ascii_case(&state.config.local_domain)
                || d.eq_ignore_ascii_case(&state.config.web_domain) =>
        {
            (u, None)
        }
        Some((u, d)) => (u, Some(d)),
        None => (acct, None),
    };
    if username.is_empty() {
        return Err(Error::NotFound.into());
    }
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_acct(&mut conn, username, domain).await?;
    let mut body = account::render(&state.config, &account);
    views::attach_account_emojis(&mut conn, &mut body).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn search(state: web::Data<AppState>, auth: Auth, params: Params) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadAccounts])?;
    let q = params.str("q").unwrap_or_default();
    let q = q.trim().trim_start_matches('@');
    let limit = params.i64("limit")?.unwrap_or(40).clamp(1, 80);
    let offset = params.i64("offset")?.unwrap_or(0).max(0);
    let (term, domain) = match q.split_once('@') {
        Some((u, d)) if d.eq_ignore_ascii_case(&state.config.local_domain) => (u, None),
        Some((u, d)) => (u, Some(d)),
        None => (q, None),
    };
    if term.is_empty() {
        return Ok(HttpResponse::Ok().json(json!([])));
    }
    let followed_by = if params.bool("following") == Some(true) {
        Some(auth.0.require_user()?.1.id)
    } else {
        None
    };
    let mut conn = state.conn().await?;
    let rows = accounts::search_accounts(
        &mut conn,
        term,
        domain,
        followed_by.map(AccountId::new),
        limit,
        offset,
    )
    .await?;
    let body: Vec<account::Account> = rows
        .iter()
        .map(|a| account::render(&state.config, a))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

async fn show(
    state: web::Data<AppState>,
    _auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let mut conn = state.conn().await?;
    let row = accounts::get_account_by_id(&mut conn, id).await?;
    let mut body = account::render(&state.config, &row);
    views::attach_account_emojis(&mut conn, &mut body).await?;
    Ok(HttpResponse::Ok().json(body))
}

async fn statuses(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadStatuses>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    let id = path_id(&path)?;
    let page = page_from(&params, 20, 40)?;
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, id).await?;
    if account.suspended_at.is_some() {
        return statuses_page(&state, &req, &[], auth.account_id(), FilterContext::Account).await;
    }
    if params.bool("pinned") == Some(true) {
        // Pins are few (at most 5) and not paged: the first page has them all.
        if page.max_id.is_some() || page.lower_bound().is_some() {
            return statuses_page(&state, &req, &[], auth.account_id(), FilterContext::Account)
                .await;
        }
        let pinned = favourites_bookmarks::list_pinned_status_ids(&mut conn, account.id).await?;
        let visible = views::VisibleStatuses::check(&mut conn, &pinned, auth.account_id()).await?;
        let statuses =
            views::render_statuses_in(&mut conn, &state.config, &visible, FilterContext::Account)
                .await?;
        return Ok(HttpResponse::Ok().json(statuses));
    }
    let filter = AccountStatusesFilter {
        exclude_replies: params.bool("exclude_replies").unwrap_or(false),
        exclude_reblogs: params.bool("exclude_reblogs").unwrap_or(false),
        exclude_direct: params.bool("exclude_direct").unwrap_or(false),
        tagged: params.nonempty("tagged"),
        only_media: params.bool("only_media").unwrap_or(false),
    };
    let ids = list_account_statuses(
        &mut conn,
        AccountId::new(account.id),
        auth.account_id().map(AccountId::new),
        &filter,
        &page,
    )
    .await?;
    drop(conn);
    statuses_page(
        &state,
        &req,
        &ids,
        auth.account_id(),
        FilterContext::Account,
    )
    .await
}

async fn collection(
    state: &AppState,
    req: &HttpRequest,
    auth: &MaybeAuth<ReadAccounts>,
    raw_id: &str,
    params: &Params,
    followers: bool,
) -> ApiResult<HttpResponse> {
    let id = path_id(raw_id)?;
    let page = page_from(params, 40, 80)?;
    let mut conn = state.conn().await?;
    let account = accounts::get_account_by_id(&mut conn, id).await?;
    if account.hide_collections && auth.account_id() != Some(account.id) {
        return Ok(accounts_page(state, req, &[]));
    }
    let rows = if followers {
        follows::list_followers(&mut conn, account.id, &page).await?
    } else {
        follows::list_following(&mut conn, account.id, &page).await?
    };
    Ok(accounts_page(state, req, &rows))
}

async fn followers(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    collection(&state, &req, &auth, &path, &params, true).await
}

async fn following(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: MaybeAuth<ReadAccounts>,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    collection(&state, &req, &auth, &path, &params, false).await
}

pub(crate) async fn relationship_with(
    state: &AppState,
    me: i64,
    target: i64,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let facts = load_relationships(&mut conn, me, &[target]).await?;
    let (id, f) = facts.first().ok_or(ApiError::Core(Error::NotFound))?;
    Ok(HttpResponse::Ok().json(relationship::render(*id, f)))
}

/// For each `id[]`, the accounts the user follows that follow it.
async fn familiar_followers(
    state: web::Data<AppState>,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadFollows])?;
    let (_, me) = auth.0.require_user()?;
    let mut conn = state.conn().await?;
    let mut body = Vec::new();
    for id in params.id_list("id")?.into_iter().take(80) {
        let found = follows::list_familiar_followers(
            &mut conn,
            AccountId::new(me.id),
            AccountId::new(id),
            40,
        )
        .await?;
        let rendered: Vec<account::Account> = found
            .iter()
            .map(|a| account::render(&state.config, a))
            .collect();
        body.push(json!({"id": id.to_string(), "accounts": rendered}));
    }
    Ok(HttpResponse::Ok().json(body))
}

async fn remove_follower(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteFollows])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    ferrodon_core::services::follow::remove_from_followers(&state, me, target).await?;
    relationship_with(&state, me.id, target).await
}

async fn follow_account(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteFollows])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    let languages = params.get("languages").map(|_| params.list("languages"));
    follow(
        &state,
        me,
        target,
        FollowOptions {
            uri: None,
            reblogs: params.bool("reblogs"),
            notify: params.bool("notify"),
            languages,
        },
    )
    .await?;
    relationship_with(&state, me.id, target).await
}

async fn follow_requests(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadFollows])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = follows::list_follow_requests(&mut conn, me.id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

async fn preferences(auth: Auth) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadAccounts])?;
    let (user, _) = auth.0.require_user()?;
    Ok(HttpResponse::Ok().json(json!({
        "posting:default:visibility": user.default_privacy,
        "posting:default:sensitive": user.default_sensitive,
        "posting:default:language": user.default_language,
        "posting:default:quote_policy": "public",
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
        "reading:autoplay:gifs": false
    })))
}

/// Account actions that take no parameters and answer with the relationship.
#[derive(Clone, Copy)]
enum RelationshipAction {
    Unfollow,
    AuthorizeRequest,
    RejectRequest,
    Block,
    Unblock,
    Unmute,
}

async fn relationship_action(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    action: RelationshipAction,
) -> ApiResult<HttpResponse> {
    let scope = match action {
        RelationshipAction::Block | RelationshipAction::Unblock => Scope::WriteBlocks,
        RelationshipAction::Unmute => Scope::WriteMutes,
        _ => Scope::WriteFollows,
    };
    auth.0.require_scope(&[scope])?;
    let (_, me) = auth.0.require_user()?;
    let other = path_id(&path)?;
    match action {
        RelationshipAction::Block => block(&state, me, other).await?,
        RelationshipAction::Unblock => unblock(&state, me, other).await?,
        RelationshipAction::Unmute => unmute(&state, me, other).await?,
        RelationshipAction::Unfollow => unfollow(&state, me, other).await?,
        RelationshipAction::AuthorizeRequest => authorize_follow_request(&state, me, other).await?,
        RelationshipAction::RejectRequest => reject_follow_request(&state, me, other).await?,
    }
    relationship_with(&state, me.id, other).await
}

async fn mute_account(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<String>,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::WriteMutes])?;
    let (_, me) = auth.0.require_user()?;
    let target = path_id(&path)?;
    let notifications = params.bool("notifications").unwrap_or(true);
    mute(&state, me, target, notifications, params.i64("duration")?).await?;
    relationship_with(&state, me.id, target).await
}

async fn blocked_accounts(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadBlocks])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = blocks_mutes::list_blocked(&mut conn, me.id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}

async fn muted_accounts(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    params: Params,
) -> ApiResult<HttpResponse> {
    auth.0.require_scope(&[Scope::ReadMutes])?;
    let (_, me) = auth.0.require_user()?;
    let page = page_from(&params, 40, 80)?;
    let mut conn = state.conn().await?;
    let rows = blocks_mutes::list_muted(&mut conn, me.id, &page).await?;
    Ok(accounts_page(&state, &req, &rows))
}
