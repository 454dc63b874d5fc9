//! Mastodon's pagination `Link` header.
use actix_web::HttpRequest;
use ferrodon_core::db::PageCursors;
use ferrodon_core::Config;

const PAGING_PARAMS: &[&str] = &["max_id", "since_id", "min_id"];

/// Builds `<…?max_id=OLDEST>; rel="next", <…?min_id=NEWEST>; rel="prev"`,
/// keeping the request's other query parameters. None for an empty page.
pub fn link_header(
    config: &Config,
    req: &HttpRequest,
    cursors: Option<PageCursors>,
) -> Option<String> {
    let cursors = cursors?;
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| !PAGING_PARAMS.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let link = |key: &str, value: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair(key, &value.to_string());
        format!("{}{}?{}", config.base_url(), req.path(), query.finish())
    };
    Some(format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        link("max_id", cursors.oldest),
        link("min_id", cursors.newest)
    ))
}
