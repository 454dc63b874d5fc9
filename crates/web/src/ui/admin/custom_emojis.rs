//! `/admin/custom_emojis`: the server's own emoji, uploaded, enabled,
//! disabled and deleted through the functions `ferrodonctl emoji` uses.
use actix_web::{web, HttpResponse};
use ferrodon_core::auth::roles::Permission;
use ferrodon_core::db::queries::custom_emojis::{self as emoji_queries, CustomEmoji};
use ferrodon_core::services::admin::custom_emojis::{self as service, Change};
use ferrodon_core::{AppState, Error};

use super::{actor, field, path_id, require_form};
use crate::extract::Params;
use crate::ui::{redirect_with_notice, SignedInUser, UiResult};

const PAGE: &str = "/admin/custom_emojis";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PAGE, web::get().to(index))
        .route(PAGE, web::post().to(upload))
        .route("/admin/custom_emojis/{id}/{change}", web::post().to(change));
}

listing_page!(
    index, EmojisPage("admin/custom_emojis.html"),
    ManageCustomEmojis, "custom_emojis",
    emojis: Vec<CustomEmoji> = async |conn: &mut ferrodon_core::db::Conn| {
        emoji_queries::list_local_emojis(conn, false).await
    },
);

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
