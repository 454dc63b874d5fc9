//! Web Push: subscriptions (one per access token), and delivery of
//! notifications to the push services browsers and apps registered, as
//! Mastodon does it. A new notification queues one [`crate::jobs::Job::WebPush`]
//! on the `push` queue per subscription that wants it ([`queue_for`]);
//! the job renders Mastodon's payload, encrypts it ([`crypto`], RFC 8291)
//! and posts it with a VAPID signature ([`vapid`], RFC 8292) through the
//! remote HTTP client. A push service answering 404 or 410 has forgotten
//! the subscription, which is then deleted.
pub mod crypto;
pub mod deliver;
pub mod subscriptions;

pub use deliver::{deliver, queue_for};
