//! `/settings/profile`: display name, bio, avatar and header, up to four
//! profile fields and the locked / bot / discoverable switches, through
//! the same services as the API.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::web_sessions::{require_csrf, SignedIn};
use ferrodon_core::db::queries::profile_images::ProfileImage;
use ferrodon_core::entities::account::stored_fields;
use ferrodon_core::media::profile;
use ferrodon_core::services::update_credentials::{update_credentials, ProfileUpdate, MAX_FIELDS};
use ferrodon_core::{AppState, Error};

use super::chrome::Chrome;
use super::render::{html_with_status, redirect_with_notice};
use super::session::SignedInUser;
use super::UiResult;
use crate::extract::Params;

const PATH: &str = "/settings/profile";

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(submit));
}

/// What the form shows.
struct ProfileForm {
    display_name: String,
    note: String,
    fields: Vec<(usize, String, String)>,
    locked: bool,
    bot: bool,
    discoverable: bool,
}

#[derive(Template)]
#[template(path = "settings/profile.html")]
struct ProfilePage<'a> {
    chrome: &'a Chrome,
    current_tab: &'a str,
    form: &'a ProfileForm,
    error: Option<&'a str>,
}

fn current(signed_in: &SignedIn) -> ProfileForm {
    let mut fields: Vec<(usize, String, String)> = stored_fields(&signed_in.account)
        .into_iter()
        .take(MAX_FIELDS)
        .enumerate()
        .map(|(i, f)| (i, f.name, f.value))
        .collect();
    while fields.len() < MAX_FIELDS {
        fields.push((fields.len(), String::new(), String::new()));
    }
    ProfileForm {
        display_name: signed_in.account.display_name.clone(),
        note: signed_in.account.note.clone(),
        fields,
        locked: signed_in.account.locked,
        bot: signed_in.account.bot,
        discoverable: signed_in.account.discoverable,
    }
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    form: &ProfileForm,
    error: Option<&str>,
) -> UiResult<HttpResponse> {
    let chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    html_with_status(
        status,
        &chrome,
        &ProfilePage {
            chrome: &chrome,
            current_tab: "profile",
            form,
            error,
        },
    )
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
) -> UiResult<HttpResponse> {
    render(
        &req,
        &state,
        &user.0,
        StatusCode::OK,
        &current(&user.0),
        None,
    )
    .await
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    mut form: Params,
) -> UiResult<HttpResponse> {
    let get = |name: &str| form.str(name).unwrap_or_default();
    require_csrf(&user.0.session, &get("authenticity_token"))?;
    let entered = ProfileForm {
        display_name: get("display_name"),
        note: get("note"),
        fields: (0..MAX_FIELDS)
            .map(|i| {
                (
                    i,
                    get(&format!("field_name_{i}")),
                    get(&format!("field_value_{i}")),
                )
            })
            .collect(),
        locked: form.get("locked").is_some(),
        bot: form.get("bot").is_some(),
        discoverable: form.get("discoverable").is_some(),
    };
    // Images first, as the API does: a refused image leaves the profile as it was.
    for (field, which) in [
        ("avatar", ProfileImage::Avatar),
        ("header", ProfileImage::Header),
    ] {
        let Some(bytes) = form.take_file(field).filter(|b| !b.is_empty()) else {
            continue;
        };
        match profile::set_local_image(&state, &user.0.account, which, bytes).await {
            Ok(_) => {}
            Err(Error::Validation(message)) => {
                return render(
                    &req,
                    &state,
                    &user.0,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &entered,
                    Some(&format!("{field}: {message}")),
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let update = ProfileUpdate {
        display_name: Some(entered.display_name.clone()),
        note: Some(entered.note.clone()),
        locked: Some(entered.locked),
        bot: Some(entered.bot),
        discoverable: Some(entered.discoverable),
        fields: Some(
            entered
                .fields
                .iter()
                .map(|(_, n, v)| (n.clone(), v.clone()))
                .collect(),
        ),
        ..Default::default()
    };
    match update_credentials(&state, &user.0.user, &user.0.account, update).await {
        Ok(_) => Ok(redirect_with_notice(PATH, "Your profile has been saved.")),
        Err(Error::Validation(message)) => {
            let message = message.trim_start_matches("Validation failed: ");
            render(
                &req,
                &state,
                &user.0,
                StatusCode::UNPROCESSABLE_ENTITY,
                &entered,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
