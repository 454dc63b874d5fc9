//! `/admin/custom_emojis`: the server's own emoji, uploaded, enabled,
//! disabled and deleted through the functions `ferrodonctl emoji` uses.
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::custom_emojis::{self, Added};
use ferrodon_core::db::queries::custom_emojis::{self as emoji_queries, CustomEmoji};
use ferrodon_core::moderation::actions;
use ferrodon_core::{AppState, Error};

use super::{field, me, path_id, require, require_form, Nav};
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
    let added = custom_emojis::add_local(&state, &shortcode, image, Some(&category), false).await?;
    if added == Added::Skipped {
        return Err(Error::validation(format!(":{shortcode}: already exists")).into());
    }
    let mut conn = state.conn().await?;
    if let Some(emoji) = emoji_queries::find_local_emoji(&mut conn, &shortcode).await? {
        actions::log(
            &mut conn,
            me(&user.0),
            "create",
            "CustomEmoji",
            emoji.id,
            &emoji.shortcode,
        )
        .await?;
    }
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
    let mut conn = state.conn().await?;
    let emoji = emoji_queries::list_local_emojis(&mut conn, false)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(Error::NotFound)?;
    let (logged, notice) = match change.as_str() {
        "enable" => {
            emoji_queries::set_emoji_disabled(&mut conn, id, false).await?;
            ("enable", "enabled")
        }
        "disable" => {
            emoji_queries::set_emoji_disabled(&mut conn, id, true).await?;
            ("disable", "disabled")
        }
        "delete" => {
            drop(conn);
            custom_emojis::remove(&state, std::slice::from_ref(&emoji)).await?;
            conn = state.conn().await?;
            ("destroy", "deleted")
        }
        _ => return Err(Error::NotFound.into()),
    };
    actions::log(
        &mut conn,
        me(&user.0),
        logged,
        "CustomEmoji",
        id,
        &emoji.shortcode,
    )
    .await?;
    Ok(redirect_with_notice(
        PAGE,
        &format!(":{}: was {notice}.", emoji.shortcode),
    ))
}
