//! Moderation rules and shapes: the sign-up and access rules staff set
//! (e-mail and IP blocks), who outranks whom, and how the admin API shows
//! accounts and reports. What staff *do* is in
//! `services::admin` (a higher layer).
pub mod email_rules;
pub mod entities;
pub mod hierarchy;
pub mod ip_blocks;
