//! Authentication: password hashing, bearer tokens, OAuth scopes and flows.
pub mod oauth;
pub mod passwords;
pub mod roles;
pub mod scope;
pub mod scopes;
pub mod tokens;
pub mod totp;
pub mod two_factor;
pub mod web_sessions;

pub use scope::Scope;
pub use scopes::ScopeSet;
pub use tokens::{authenticate, authenticate_pending, Authenticated};
