//! `/api/v1` and `/api/v2`, file per area.
mod accounts;
mod blocks_mutes;
mod conversations;
mod discovery;
mod filters;
mod instance;
mod lists;
mod markers;
mod notifications;
mod polls;
mod push;
mod quotes;
mod scheduled_statuses;
mod statuses;
mod timelines;
mod translations;
