//! `/@user.rss` and `/users/user.rss`: the RSS 2.0 feed of an account's
//! public and unlisted posts (not replies or boosts), shaped as Mastodon's,
//! attachments as `media:content`.
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use ferrodon_core::db::queries::timelines::{list_account_statuses, AccountStatusesFilter};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::entities::account;
use ferrodon_core::entities::status::Status;
use ferrodon_core::text::escape_html;
use ferrodon_core::{views, AppState};

use super::posts::{name_of, plain_text, truncate, MediaView, PostView};
use super::profile::shown_account;
use crate::ui::UiResult;

/// Registers the routes of this module (before `/@{username}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/@{username}.rss", web::get().to(feed))
        .route("/users/{username}.rss", web::get().to(feed));
}

/// Posts in a feed.
const FEED_LENGTH: i64 = 20;

async fn feed(state: web::Data<AppState>, path: web::Path<String>) -> UiResult<HttpResponse> {
    let row = shown_account(&state, &path).await?;
    let entity = account::render(&state.config, &row);
    let mut conn = state.conn().await?;
    let page = Page::new(
        None,
        None,
        None,
        Some(FEED_LENGTH),
        FEED_LENGTH,
        FEED_LENGTH,
    );
    let filter = AccountStatusesFilter {
        exclude_replies: true,
        exclude_reblogs: true,
        exclude_direct: true,
        ..Default::default()
    };
    let ids =
        list_account_statuses(&mut conn, AccountId::new(row.id), None, &filter, &page).await?;
    let visible = views::VisibleStatuses::check(&mut conn, &ids, None).await?;
    let rendered = views::render_statuses(&mut conn, &state.config, &visible).await?;
    drop(conn);
    let posts: Vec<&Status> = rendered
        .iter()
        .filter(|s| matches!(s.visibility, "public" | "unlisted"))
        .collect();
    let channel = Channel {
        title: name_of(&entity.display_name, &entity.username),
        description: format!(
            "Public posts from @{}@{}",
            entity.username, state.config.local_domain
        ),
        link: entity.url.clone(),
        image: entity.avatar.clone(),
        last_build: posts.first().map(|s| rfc2822(&s.created_at)),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/rss+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "max-age=60, public"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(render(&channel, &posts)))
}

/// The feed's own description.
struct Channel {
    title: String,
    description: String,
    link: String,
    image: String,
    last_build: Option<String>,
}

/// XML text (the same five characters as HTML).
fn x(text: &str) -> String {
    escape_html(text)
}

/// An ISO 8601 time as RSS's RFC 2822 date.
fn rfc2822(iso: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(iso)
        .map(|t| t.to_rfc2822())
        .unwrap_or_else(|_| iso.to_owned())
}

/// The MIME type of an attachment, from its file's extension.
fn mime_of(url: &str) -> Option<&'static str> {
    let ext = url.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => return None,
    })
}

fn media_item(media: &MediaView) -> String {
    let medium = match media.kind.as_str() {
        "video" | "gifv" => "video",
        "audio" => "audio",
        _ => "image",
    };
    let mime = mime_of(&media.url)
        .map(|m| format!(" type=\"{m}\""))
        .unwrap_or_default();
    let description = if media.description.is_empty() {
        String::new()
    } else {
        format!(
            "<media:description type=\"plain\">{}</media:description>",
            x(&media.description)
        )
    };
    format!(
        "<media:content url=\"{}\"{mime} medium=\"{medium}\"><media:rating scheme=\"urn:simple\">nonadult</media:rating>{description}</media:content>",
        x(&media.url)
    )
}

fn item(status: &Status) -> String {
    let post = PostView::new(status);
    let title = if post.spoiler_text.is_empty() {
        truncate(&plain_text(&post.content_html), 80)
    } else {
        post.spoiler_text.clone()
    };
    let media: String = post.media.iter().map(media_item).collect();
    let categories: String = status
        .tags
        .iter()
        .map(|t| format!("<category>{}</category>", x(&t.name)))
        .collect();
    format!(
        "<item><title>{}</title><guid isPermaLink=\"true\">{url}</guid><link>{url}</link><pubDate>{}</pubDate><description>{}</description>{media}{categories}</item>",
        x(&title),
        x(&rfc2822(&post.created_at)),
        x(&post.content_html),
        url = x(&post.url),
    )
}

fn render(channel: &Channel, posts: &[&Status]) -> String {
    let items: String = posts.iter().map(|s| item(s)).collect();
    let last_build = channel
        .last_build
        .as_deref()
        .map(|d| format!("<lastBuildDate>{}</lastBuildDate>", x(d)))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:webfeeds=\"http://webfeeds.org/rss/1.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>{title}</title><description>{}</description><link>{link}</link><image><url>{}</url><title>{title}</title><link>{link}</link></image>{last_build}<webfeeds:icon>{}</webfeeds:icon><generator>Ferrodon</generator>{items}</channel></rss>\n",
        x(&channel.description),
        x(&channel.image),
        x(&channel.image),
        title = x(&channel.title),
        link = x(&channel.link),
    )
}

#[cfg(test)]
mod tests {
    use super::{mime_of, rfc2822};

    #[test]
    fn dates_and_types() {
        assert_eq!(
            rfc2822("2026-11-24T10:00:00.000Z"),
            "Tue, 24 Nov 2026 10:00:00 +0000"
        );
        assert_eq!(mime_of("https://x.example/a/b.PNG"), Some("image/png"));
        assert_eq!(mime_of("https://x.example/a/b"), None);
    }
}
