//! Writing a post: the form on `/home` and `/compose` (`?in_reply_to=ID`
//! prefills a reply; `/share?text=` starts with the text given), and `POST /statuses`, which uploads the attached
//! files through the media pipeline and posts through `post_status`, as
//! the API does. A refused post comes back as the form, filled in as it
//! was sent, with the reason and the character count.
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use ferrodon_core::auth::tokens::random_token;
use ferrodon_core::auth::web_sessions::SignedIn;
use ferrodon_core::db::models::Visibility;
use ferrodon_core::media::upload::{upload_media, Upload, Wait};
use ferrodon_core::services::compose::weighted_length;
use ferrodon_core::services::post_status::{post_status, NewPost, PollInput, MAX_POLL_OPTIONS};
use ferrodon_core::{views, AppState, Error};
use serde::Deserialize;

use super::{back_to, checked_form, HOME};
use crate::extract::Params;
use crate::ui::public::posts::PostView;
use crate::ui::render::{html_with_status, redirect_with_notice};
use crate::ui::{Chrome, SignedInUser, UiResult};

/// Files a post may carry.
pub const MAX_MEDIA: usize = 4;

/// Poll durations offered, in seconds, with their labels.
pub const POLL_DURATIONS: [(i64, &str); 5] = [
    (300, "5 minutes"),
    (3600, "1 hour"),
    (86_400, "1 day"),
    (259_200, "3 days"),
    (604_800, "7 days"),
];

/// Registers the routes of this module.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/compose", web::get().to(show))
        .route("/share", web::get().to(show))
        .route("/statuses", web::post().to(submit));
}

/// What the compose form shows: a new post, a reply, or a refused draft.
#[derive(Debug, Clone)]
pub struct ComposeForm {
    /// The text.
    pub text: String,
    /// The content warning.
    pub spoiler_text: String,
    /// public, unlisted, private or direct.
    pub visibility: String,
    /// ISO 639 code ("" for the account's default).
    pub language: String,
    /// Media marked sensitive.
    pub sensitive: bool,
    /// The status replied to.
    pub in_reply_to_id: Option<String>,
    /// Alt texts typed for the files.
    pub descriptions: Vec<String>,
    /// The poll's choices typed (empty ones for the blank inputs).
    pub poll_options: Vec<String>,
    /// The poll's duration.
    pub poll_expires_in: i64,
    /// Several poll choices allowed.
    pub poll_multiple: bool,
    /// Why the post was refused.
    pub error: Option<String>,
    /// A refused file: its position and why.
    pub media_error: Option<(usize, String)>,
    /// The text's length as the limit counts it (shown after an error).
    pub length: Option<usize>,
    /// The limit.
    pub max_chars: usize,
    /// Where to go once posted.
    pub return_to: String,
    /// Makes a submitted form post once, however often it is sent.
    pub idempotency_key: String,
}

impl ComposeForm {
    /// An empty form with the account's defaults.
    pub fn new_post(signed_in: &SignedIn, max_chars: usize) -> ComposeForm {
        ComposeForm {
            text: String::new(),
            spoiler_text: String::new(),
            visibility: signed_in.user.default_privacy.clone(),
            language: signed_in.user.default_language.clone().unwrap_or_default(),
            sensitive: signed_in.user.default_sensitive,
            in_reply_to_id: None,
            descriptions: vec![String::new(); MAX_MEDIA],
            poll_options: vec![String::new(); MAX_POLL_OPTIONS],
            poll_expires_in: 86_400,
            poll_multiple: false,
            error: None,
            media_error: None,
            length: None,
            max_chars,
            return_to: HOME.into(),
            idempotency_key: random_token(),
        }
    }

    /// The alt text typed for file `i`.
    pub fn description(&self, i: usize) -> &str {
        self.descriptions.get(i).map_or("", String::as_str)
    }

    /// Why file `i` was refused, if it was.
    pub fn media_error_for(&self, i: usize) -> Option<&str> {
        self.media_error
            .as_ref()
            .filter(|(at, _)| *at == i)
            .map(|(_, why)| why.as_str())
    }

    /// Whether a poll was being written (its part of the form opens).
    pub fn has_poll(&self) -> bool {
        self.poll_options.iter().any(|o| !o.trim().is_empty())
    }

    /// The visibilities offered, with their labels.
    pub fn visibilities(&self) -> [(&'static str, &'static str); 4] {
        [
            ("public", "Public"),
            ("unlisted", "Quiet public"),
            ("private", "Followers only"),
            ("direct", "Mentioned people only"),
        ]
    }

    /// The poll durations offered.
    pub fn durations(&self) -> &'static [(i64, &'static str)] {
        &POLL_DURATIONS
    }
}

/// `/compose`: the form alone, or a reply under the post it answers.
#[derive(Template)]
#[template(path = "client/compose.html")]
struct ComposePage<'a> {
    chrome: &'a Chrome,
    compose: ComposeForm,
    replying_to: Option<PostView>,
}

#[derive(Deserialize)]
struct ComposeQuery {
    in_reply_to: Option<String>,
    /// Text to start with (`/share?text=`, as Mastodon's share page).
    text: Option<String>,
}

/// The reply's starting text: `@acct ` for the author and everyone the
/// post mentions, but not the person replying.
fn reply_mentions(post: &ferrodon_core::entities::status::Status, me: &str) -> String {
    let mut accts: Vec<&str> = vec![post.account.acct.as_str()];
    accts.extend(post.mentions.iter().map(|m| m.acct.as_str()));
    let mut text = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for acct in accts {
        if acct.eq_ignore_ascii_case(me) || seen.iter().any(|s| s.eq_ignore_ascii_case(acct)) {
            continue;
        }
        seen.push(acct);
        text.push('@');
        text.push_str(acct);
        text.push(' ');
    }
    text
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    query: web::Query<ComposeQuery>,
) -> UiResult<HttpResponse> {
    let me = &user.0;
    let mut compose = ComposeForm::new_post(me, state.config.max_status_chars);
    let mut replying_to = None;
    if let Some(raw) = query.in_reply_to.as_deref() {
        let id = ferrodon_core::services::status_access::parse_id(raw)?;
        let mut conn = state.conn().await?;
        let visible = views::VisibleStatuses::one(&mut conn, id, Some(me.account.id)).await?;
        let status = views::render_status(&mut conn, &state.config, &visible).await?;
        drop(conn);
        // A reply is never more public than what it answers (as
        // Mastodon's client picks the more private of the two).
        let default = Visibility::parse(&compose.visibility).unwrap_or(Visibility::Public);
        let parent = Visibility::parse(status.visibility).unwrap_or(Visibility::Public);
        compose.visibility = default.max(parent).as_str().into();
        compose.text = reply_mentions(&status, &me.account.username);
        compose.spoiler_text = status.spoiler_text.clone();
        compose.in_reply_to_id = Some(status.id.clone());
        compose.return_to = format!("/statuses/{}", status.id);
        replying_to = Some(PostView::for_viewer(&status, me.account.id));
    }
    if let Some(text) = query.text.as_deref() {
        compose.text.push_str(text);
    }
    let chrome = Chrome::for_user(&req, &state, Some(me)).await?;
    html_with_status(
        StatusCode::OK,
        &chrome,
        &ComposePage {
            chrome: &chrome,
            compose,
            replying_to,
        },
    )
}

/// The form as it was sent, to show again if the post is refused.
fn draft(form: &Params, max_chars: usize) -> ComposeForm {
    let get = |name: &str| form.str(name).unwrap_or_default();
    let mut poll_options: Vec<String> = form.list("poll_options");
    poll_options.resize(MAX_POLL_OPTIONS, String::new());
    poll_options.truncate(MAX_POLL_OPTIONS);
    ComposeForm {
        text: get("status"),
        spoiler_text: get("spoiler_text"),
        visibility: get("visibility"),
        language: get("language"),
        sensitive: form.get("sensitive").is_some(),
        in_reply_to_id: form.nonempty("in_reply_to_id"),
        descriptions: (0..MAX_MEDIA)
            .map(|i| get(&format!("description_{i}")))
            .collect(),
        poll_options,
        poll_expires_in: get("poll_expires_in").trim().parse().unwrap_or(86_400),
        poll_multiple: form.get("poll_multiple").is_some(),
        error: None,
        media_error: None,
        length: None,
        max_chars,
        return_to: get("return_to"),
        idempotency_key: random_token(),
    }
}

/// The poll of a form: None when no choice was typed.
fn poll_of(draft: &ComposeForm) -> Option<PollInput> {
    let options: Vec<String> = draft
        .poll_options
        .iter()
        .map(|o| o.trim().to_owned())
        .filter(|o| !o.is_empty())
        .collect();
    (!options.is_empty()).then_some(PollInput {
        options,
        expires_in: draft.poll_expires_in,
        multiple: draft.poll_multiple,
        hide_totals: false,
    })
}

async fn refused(
    req: &HttpRequest,
    state: &AppState,
    signed_in: &SignedIn,
    mut compose: ComposeForm,
) -> UiResult<HttpResponse> {
    compose.length = Some(weighted_length(&compose.text) + compose.spoiler_text.chars().count());
    let mut chrome = Chrome::for_user(req, state, Some(signed_in)).await?;
    // The page is the answer to a POST: actions on it come back to the form's page.
    chrome.here = back_to(req, Some(&compose.return_to));
    html_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &chrome,
        &ComposePage {
            chrome: &chrome,
            compose,
            replying_to: None,
        },
    )
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: SignedInUser,
    mut form: Params,
) -> UiResult<HttpResponse> {
    let me = &user.0;
    let back = checked_form(&req, me, &form)?;
    let mut compose = draft(&form, state.config.max_status_chars);
    let visibility = match compose.visibility.as_str() {
        "" => None,
        name => match Visibility::parse(name) {
            Some(v) => Some(v),
            None => {
                compose.error = Some("Visibility is not included in the list".into());
                return refused(&req, &state, me, compose).await;
            }
        },
    };
    let in_reply_to_id = match compose.in_reply_to_id.as_deref() {
        None => None,
        Some(raw) => Some(ferrodon_core::services::status_access::parse_id(raw)?),
    };
    // Files first, through the same pipeline as the API's uploads.
    let mut media_ids = Vec::new();
    for i in 0..MAX_MEDIA {
        let Some(bytes) = form
            .take_file(&format!("media_{i}"))
            .filter(|b| !b.is_empty())
        else {
            continue;
        };
        let description = compose.descriptions[i].trim();
        let upload = Upload {
            bytes,
            description: (!description.is_empty()).then(|| description.to_owned()),
            focus: None,
            thumbnail: None,
        };
        match upload_media(&state, &me.account, upload, Wait::UntilProcessed).await {
            Ok(row) => media_ids.push(row.id),
            Err(Error::Validation(message)) => {
                compose.media_error = Some((i, message));
                compose.error = Some(format!("Attachment {} was refused.", i + 1));
                return refused(&req, &state, me, compose).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let post = NewPost {
        text: compose.text.clone(),
        spoiler_text: compose.spoiler_text.clone(),
        visibility,
        sensitive: Some(compose.sensitive),
        language: Some(compose.language.trim().to_owned()).filter(|l| !l.is_empty()),
        in_reply_to_id,
        media_ids,
        poll: poll_of(&compose),
        ..NewPost::default()
    };
    let key = form.nonempty("idempotency_key");
    match post_status(&state, &me.user, &me.account, post, key.as_deref()).await {
        Ok(_) => Ok(redirect_with_notice(&back, "Your post has been published.")),
        Err(Error::Validation(message)) => {
            compose.error = Some(message);
            refused(&req, &state, me, compose).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_needs_a_typed_choice() {
        let mut form = ComposeForm {
            text: String::new(),
            spoiler_text: String::new(),
            visibility: "public".into(),
            language: String::new(),
            sensitive: false,
            in_reply_to_id: None,
            descriptions: Vec::new(),
            poll_options: vec![String::new(), " ".into()],
            poll_expires_in: 300,
            poll_multiple: true,
            error: None,
            media_error: None,
            length: None,
            max_chars: 500,
            return_to: String::new(),
            idempotency_key: String::new(),
        };
        assert!(poll_of(&form).is_none());
        assert!(!form.has_poll());
        form.poll_options = vec!["tea ".into(), String::new(), "coffee".into()];
        let poll = poll_of(&form).unwrap();
        assert_eq!(poll.options, ["tea", "coffee"]);
        assert!(poll.multiple);
        assert_eq!(poll.expires_in, 300);
    }
}
