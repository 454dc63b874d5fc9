//! Request extractors: bearer-token authentication, Mastodon-style
//! parameters (query, JSON, form, multipart), the client IP and paging.
mod auth;
mod client_ip;
mod page;
mod params;

pub(crate) use auth::bearer;
pub use auth::{
    Auth, MaybeAuth, PendingAuth, Read, ReadAccounts, ReadFollows, ReadScope, ReadStatuses,
};
pub(crate) use client_ip::client_ip;
pub use client_ip::ClientIp;
pub use page::page_from;
pub use params::{value_as_bool as params_bool, Params};
