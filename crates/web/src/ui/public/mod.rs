//! The public pages: the landing page, about and privacy policy, profiles
//! (with their RSS feed), single posts and hashtags. Only public (and, for
//! a post's own page and the feed, unlisted) posts are shown.
pub mod landing;
pub mod posts;
pub mod profile;
pub mod rss;

use actix_web::web;

/// Registers the routes of the public pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    landing::configure(cfg);
    rss::configure(cfg);
    profile::configure(cfg);
}
