//! `/admin/custom_emojis`: the server's own emoji, uploaded, enabled,
//! disabled and deleted through the functions `ferrodonctl emoji` uses.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::custom_emojis::{self as emoji_queries, CustomEmoji};
use ferrodon_core::services::admin::custom_emojis::{self as service, Change};
use ferrodon_core::{AppState, Error};

use super::{actor, field, path_id, require, require_form, Nav};
use crate::extract::Params;
use crate::ui::{html, redirect_with_notice, Chrome, SignedInUser, UiResult};

const PAGE: &str = "/admin/custom_emojis";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE, web::get().to(index))
        .route(PAGE, web::post().to(upload))
        .route("/admin/custom_emojis/{id}/{change}", web::post().to(change));
}

#[derive(Template)]
#[template(path = "admin/custom_emojis.html")]
struct EmojisPage<'a> {
    chrome: &'a Chrome,
    nav: Nav,
    emojis: Vec<CustomEmoji>,
}

async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    require(&user.0, Permission::ManageCustomEmojis)?;
    let emojis = {
        let mut conn = state.conn().await?;
        emoji_queries::list_local_emojis(&mut conn, false).await?
    };
    let chrome = Chrome::for_user(&req, &state, Some(&user.0)).await?;
    html(
        &chrome,
        &EmojisPage {
            chrome: &chrome,
            nav: Nav::new(&user.0, "custom_emojis"),
            emojis,
        },
    )
}

async fn upload(
    state: web::Data<AppState>,
    user: SignedInUser,
    mut form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageCustomEmojis, &form)?;
    let shortcode = field(&form, "shortcode");
    let category = field(&form, "category");
    let image = form
        .take_file("image")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Error::validation("Choose an image"))?;
    service::create(&state, actor(&user.0), &shortcode, image, Some(&category)).await?;
    Ok(redirect_with_notice(
        PAGE,
        &format!(":{shortcode}: was added."),
    ))
}

/// `enable`, `disable` or `delete` an emoji, logged as Mastodon logs them.
async fn change(
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<(String, String)>,
    form: Params,
) -> UiResult<HttpResponse> {
    require_form(&user.0, Permission::ManageCustomEmojis, &form)?;
    let (raw_id, change) = path.into_inner();
    let id = path_id(&raw_id)?;
    let (change, notice) = match change.as_str() {
        "enable" => (Change::Enable, "enabled"),
        "disable" => (Change::Disable, "disabled"),
        "delete" => (Change::Delete, "deleted"),
        _ => return Err(Error::NotFound.into()),
    };
    let emoji = service::change(&state, actor(&user.0), id, change).await?;
    Ok(redirect_with_notice(
        PAGE,
        &format!(":{}: was {notice}.", emoji.shortcode),
    ))
}
