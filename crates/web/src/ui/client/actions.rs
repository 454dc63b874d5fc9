//! What a post's buttons do: `POST /statuses/:id/{favourite, unfavourite,
//! reblog, unreblog, bookmark, unbookmark, delete}` and
//! `POST /polls/:id/votes`, and following from a profile
//! (`POST /accounts/:id/{follow, unfollow}`), each checked against the session's CSRF token,
//! done by the same service as the API's endpoint, then a 303 back to the
//! page the form was on.
use actix_web::{web, HttpRequest, HttpResponse};
use ferrodon_core::services::bookmark::{bookmark, unbookmark};
use ferrodon_core::services::delete_status::delete_status;
use ferrodon_core::services::favourite::{favourite, unfavourite};
use ferrodon_core::services::follow::{follow, unfollow, FollowOptions};
use ferrodon_core::services::reblog::{reblog, unreblog};
use ferrodon_core::services::status_access::parse_id;
use ferrodon_core::services::vote::vote;
use ferrodon_core::{AppState, Error};

use super::checked_form;
use crate::extract::Params;
use crate::ui::render::{redirect, redirect_with_notice};
use crate::ui::{SignedInUser, UiResult};

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/statuses/{id}/{action}",
        web::post().to(|r, s, u, p, f| act(r, s, u, p, f, On::Status)),
    )
    .route(
        "/accounts/{id}/{action}",
        web::post().to(|r, s, u, p, f| act(r, s, u, p, f, On::Account)),
    )
    .route("/polls/{id}/votes", web::post().to(vote_in_poll));
}

/// What a button acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum On {
    Status,
    Account,
}

/// An action on a post or an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Favourite,
    Unfavourite,
    Reblog,
    Unreblog,
    Bookmark,
    Unbookmark,
    Delete,
    Follow,
    Unfollow,
}

impl Action {
    fn parse(on: On, name: &str) -> Option<Action> {
        Some(match (on, name) {
            (On::Status, "favourite") => Action::Favourite,
            (On::Status, "unfavourite") => Action::Unfavourite,
            (On::Status, "reblog") => Action::Reblog,
            (On::Status, "unreblog") => Action::Unreblog,
            (On::Status, "bookmark") => Action::Bookmark,
            (On::Status, "unbookmark") => Action::Unbookmark,
            (On::Status, "delete") => Action::Delete,
            (On::Account, "follow") => Action::Follow,
            // Also withdraws a pending request.
            (On::Account, "unfollow") => Action::Unfollow,
            _ => return None,
        })
    }
}

async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<(String, String)>,
    form: Params,
    on: On,
) -> UiResult<HttpResponse> {
    let me = &user.0;
    let back = checked_form(&req, me, &form)?;
    let (raw_id, name) = path.into_inner();
    let action = Action::parse(on, &name).ok_or(Error::NotFound)?;
    let id = parse_id(&raw_id)?;
    let account = &me.account;
    match action {
        Action::Favourite => favourite(&state, account, id).await?,
        Action::Unfavourite => unfavourite(&state, account, id).await?,
        Action::Reblog => {
            reblog(&state, account, id, None).await?;
        }
        Action::Unreblog => {
            unreblog(&state, account, id).await?;
        }
        Action::Bookmark => bookmark(&state, account, id).await?,
        Action::Unbookmark => unbookmark(&state, account, id).await?,
        Action::Delete => {
            delete_status(&state, account, id).await?;
            // Its own thread page is gone; go home instead.
            let back = if back == super::thread::path_of(id) {
                super::HOME.to_owned()
            } else {
                back
            };
            return Ok(redirect_with_notice(&back, "Your post has been deleted."));
        }
        Action::Follow => follow(&state, account, id, FollowOptions::default()).await?,
        Action::Unfollow => unfollow(&state, account, id).await?,
    }
    Ok(redirect(&back))
}

async fn vote_in_poll(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    path: web::Path<String>,
    form: Params,
) -> UiResult<HttpResponse> {
    let me = &user.0;
    let back = checked_form(&req, me, &form)?;
    let poll_id = parse_id(&path)?;
    let choices: Vec<i32> = form
        .list("choices")
        .iter()
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    match vote(&state, &me.account, poll_id, &choices).await {
        Ok(_) => Ok(redirect_with_notice(&back, "Your vote has been counted.")),
        Err(Error::Validation(message)) => Ok(redirect_with_notice(&back, &message)),
        Err(e) => Err(e.into()),
    }
}
