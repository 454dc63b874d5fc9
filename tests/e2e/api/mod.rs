//! `/api/v1` and `/api/v2`, file per area.
mod accounts;
mod announcements;
mod blocks_mutes;
mod cards;
mod conversations;
mod custom_emojis;
mod discovery;
mod filters;
mod instance;
mod lists;
mod markers;
mod notifications;
mod polls;
mod push;
mod scheduled_statuses;
mod statuses;
mod timelines;
