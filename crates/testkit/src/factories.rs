//! Small builders for the minimum valid rows a test needs.
use ferrodon_core::auth::oauth::issue_token;
use ferrodon_core::auth::ScopeSet;
use ferrodon_core::db::models::{Account, Role, User};
use ferrodon_core::services::register_account::{register_account, Origin, Registration};
use ferrodon_core::AppState;

/// The password every factory user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A confirmed local user with a `read write follow push` token.
pub async fn local_user(state: &AppState, username: &str) -> (User, Account, String) {
    let (user, account) = register_account(
        state,
        Registration {
            username: username.to_owned(),
            email: format!("{username}@example.com"),
            password: PASSWORD.to_owned(),
            role: Role::User,
            confirmed: true,
            approved: true,
            locale: "en".into(),
            reason: None,
            application_id: None,
        },
        Origin::Admin,
    )
    .await
    .expect("create user");
    let token = token_for(state, &user, "read write follow push").await;
    (user, account, token)
}

/// A token for a user with the given scopes.
pub async fn token_for(state: &AppState, user: &User, scopes: &str) -> String {
    let mut conn = state.conn().await.expect("db connection");
    issue_token(
        &mut conn,
        None,
        Some(user.id),
        &ScopeSet::parse(scopes).expect("scopes"),
    )
    .await
    .expect("token")
    .access_token
}

/// A remote account on `domain`, stored as federation would store it
/// (no keys, no inbox: nothing is delivered to it).
pub async fn remote_account(state: &AppState, username: &str, domain: &str) -> Account {
    let mut conn = state.conn().await.expect("db connection");
    ferrodon_core::db::queries::accounts::put_account(
        &mut conn,
        &ferrodon_core::db::models::NewAccount {
            username: username.to_owned(),
            domain: Some(domain.to_owned()),
            display_name: username.to_owned(),
            note: String::new(),
            locked: false,
            bot: false,
            uri: format!("https://{domain}/users/{username}"),
            url: Some(format!("https://{domain}/@{username}")),
            inbox_url: String::new(),
            shared_inbox_url: String::new(),
            outbox_url: String::new(),
            followers_url: String::new(),
            public_key: String::new(),
            private_key: None,
        },
    )
    .await
    .expect("remote account")
}
