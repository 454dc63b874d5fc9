//! Services against a real PostgreSQL and Redis, one database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrodon_core::db::models::{Role, Visibility};
use ferrodon_core::db::queries::{accounts, notifications, statuses, timelines};
use ferrodon_core::db::Page;
use ferrodon_core::services::edit_status::{edit_status, StatusEditInput};
use ferrodon_core::services::favourite::{favourite, unfavourite};
use ferrodon_core::services::follow::{follow, unfollow, FollowOptions};
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::services::register_account::{register_account, Origin, Registration};
use ferrodon_core::services::status_access::get_visible_status;
use ferrodon_core::{AppState, Config, Error};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::{app::instance_env, TestDb};

async fn state(db: &TestDb) -> AppState {
    let ns = format!("svc_{}", ferrodon_testkit::random_suffix());
    AppState::new(Config::from_vars(instance_env(&db.url, 1, &ns)).unwrap()).unwrap()
}

fn post(text: &str) -> NewPost {
    NewPost {
        text: text.into(),
        ..Default::default()
    }
}

fn opts() -> FollowOptions {
    FollowOptions {
        uri: None,
        reblogs: None,
        notify: None,
        languages: None,
    }
}

#[tokio::test]
async fn idempotency_key_posts_once() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, alice, _) = local_user(&state, "alice").await;
    let first = post_status(&state, &user, &alice, post("once"), Some("key-1"))
        .await
        .unwrap();
    let second = post_status(&state, &user, &alice, post("once"), Some("key-1"))
        .await
        .unwrap();
    assert_eq!(first.id, second.id);
    let third = post_status(&state, &user, &alice, post("once"), Some("key-2"))
        .await
        .unwrap();
    assert_ne!(first.id, third.id);
    let mut conn = state.conn().await.unwrap();
    assert_eq!(
        accounts::get_account_by_id(&mut conn, alice.id)
            .await
            .unwrap()
            .statuses_count,
        2
    );
}

#[tokio::test]
async fn private_and_direct_statuses_are_hidden_from_others() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (ua, alice, _) = local_user(&state, "alice").await;
    let (_, bob, _) = local_user(&state, "bob").await;
    let (_, carol, _) = local_user(&state, "carol").await;
    let private = post_status(
        &state,
        &ua,
        &alice,
        NewPost {
            visibility: Some(Visibility::Private),
            ..post("followers only")
        },
        None,
    )
    .await
    .unwrap();
    let direct = post_status(
        &state,
        &ua,
        &alice,
        NewPost {
            visibility: Some(Visibility::Direct),
            ..post("hi @carol")
        },
        None,
    )
    .await
    .unwrap();
    let mut conn = state.conn().await.unwrap();
    assert!(matches!(
        get_visible_status(&mut conn, private.id, Some(bob.id)).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        get_visible_status(&mut conn, private.id, None).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        get_visible_status(&mut conn, direct.id, Some(bob.id)).await,
        Err(Error::NotFound)
    ));
    assert!(get_visible_status(&mut conn, direct.id, Some(carol.id))
        .await
        .is_ok());
    drop(conn);
    follow(&state, &bob, alice.id, opts()).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    assert!(get_visible_status(&mut conn, private.id, Some(bob.id))
        .await
        .is_ok());
    let page = Page::new(None, None, None, None, 20, 40);
    let bob_home = timelines::list_home_timeline(&mut conn, bob.id, &page)
        .await
        .unwrap();
    assert_eq!(
        bob_home,
        vec![private.id],
        "bob sees the private status but not the DM to carol"
    );
    let carol_home = timelines::list_home_timeline(&mut conn, carol.id, &page)
        .await
        .unwrap();
    assert!(carol_home.is_empty(), "carol does not follow alice");
}

#[tokio::test]
async fn home_timeline_pages_by_id() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (ua, alice, _) = local_user(&state, "alice").await;
    let (ub, bob, _) = local_user(&state, "bob").await;
    follow(&state, &bob, alice.id, opts()).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            post_status(&state, &ua, &alice, post(&format!("post {i}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    ids.push(
        post_status(&state, &ub, &bob, post("mine"), None)
            .await
            .unwrap()
            .id,
    );
    ids.reverse();
    let mut conn = state.conn().await.unwrap();
    let first = timelines::list_home_timeline(
        &mut conn,
        bob.id,
        &Page::new(None, None, None, Some(2), 20, 40),
    )
    .await
    .unwrap();
    assert_eq!(first, ids[0..2]);
    let next = timelines::list_home_timeline(
        &mut conn,
        bob.id,
        &Page::new(Some(first[1]), None, None, Some(2), 20, 40),
    )
    .await
    .unwrap();
    assert_eq!(next, ids[2..4]);
    let prev = timelines::list_home_timeline(
        &mut conn,
        bob.id,
        &Page::new(None, None, Some(ids[4]), Some(2), 20, 40),
    )
    .await
    .unwrap();
    assert_eq!(
        prev,
        ids[2..4],
        "min_id returns the rows just newer than it, newest first"
    );
    drop(conn);
    unfollow(&state, &bob, alice.id).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    let after = timelines::list_home_timeline(
        &mut conn,
        bob.id,
        &Page::new(None, None, None, None, 20, 40),
    )
    .await
    .unwrap();
    assert_eq!(after, vec![ids[0]]);
}

#[tokio::test]
async fn locked_accounts_get_follow_requests() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (_, alice, _) = local_user(&state, "alice").await;
    let (_, bob, _) = local_user(&state, "bob").await;
    let mut conn = state.conn().await.unwrap();
    accounts::update_account(
        &mut conn,
        alice.id,
        &ferrodon_core::db::models::AccountChanges {
            locked: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    let alice = {
        let mut conn = state.conn().await.unwrap();
        accounts::get_account_by_id(&mut conn, alice.id)
            .await
            .unwrap()
    };
    follow(&state, &bob, alice.id, opts()).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    let facts =
        ferrodon_core::db::queries::follows::load_relationships(&mut conn, bob.id, &[alice.id])
            .await
            .unwrap();
    assert!(facts[0].1.requested);
    assert!(facts[0].1.following.is_none());
    let notes = notifications::list_notifications(
        &mut conn,
        alice.id,
        &Default::default(),
        &Page::new(None, None, None, None, 40, 80),
    )
    .await
    .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].kind,
        ferrodon_core::db::models::NotificationKind::FollowRequest
    );
    drop(conn);
    unfollow(&state, &bob, alice.id).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    let facts =
        ferrodon_core::db::queries::follows::load_relationships(&mut conn, bob.id, &[alice.id])
            .await
            .unwrap();
    assert!(!facts[0].1.requested);
    let notes = notifications::list_notifications(
        &mut conn,
        alice.id,
        &Default::default(),
        &Page::new(None, None, None, None, 40, 80),
    )
    .await
    .unwrap();
    assert!(notes.is_empty(), "withdrawn request leaves no notification");
}

#[tokio::test]
async fn favourites_count_once_and_notify() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (ua, alice, _) = local_user(&state, "alice").await;
    let (_, bob, _) = local_user(&state, "bob").await;
    let s = post_status(&state, &ua, &alice, post("like me"), None)
        .await
        .unwrap();
    favourite(&state, &bob, s.id).await.unwrap();
    favourite(&state, &bob, s.id).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    assert_eq!(
        statuses::get_status_by_id(&mut conn, s.id)
            .await
            .unwrap()
            .favourites_count,
        1
    );
    let notes = notifications::list_notifications(
        &mut conn,
        alice.id,
        &Default::default(),
        &Page::new(None, None, None, None, 40, 80),
    )
    .await
    .unwrap();
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.kind == ferrodon_core::db::models::NotificationKind::Favourite)
            .count(),
        1
    );
    drop(conn);
    unfavourite(&state, &bob, s.id).await.unwrap();
    let mut conn = state.conn().await.unwrap();
    assert_eq!(
        statuses::get_status_by_id(&mut conn, s.id)
            .await
            .unwrap()
            .favourites_count,
        0
    );
}

#[tokio::test]
async fn edits_keep_history() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (ua, alice, _) = local_user(&state, "alice").await;
    let (_, bob, _) = local_user(&state, "bob").await;
    let s = post_status(&state, &ua, &alice, post("first"), None)
        .await
        .unwrap();
    edit_status(
        &state,
        &alice,
        s.id,
        StatusEditInput {
            text: "second".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let edited = edit_status(
        &state,
        &alice,
        s.id,
        StatusEditInput {
            text: "third".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(edited.edited_at.is_some());
    assert_eq!(edited.content, "<p>third</p>");
    let mut conn = state.conn().await.unwrap();
    let history: Vec<String> = statuses::list_status_edits(&mut conn, s.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.text)
        .collect();
    assert_eq!(history, vec!["first", "second", "third"]);
    drop(conn);
    let err = edit_status(
        &state,
        &bob,
        s.id,
        StatusEditInput {
            text: "hijack".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(err, Err(Error::NotFound)));
}

#[tokio::test]
async fn registration_rejects_duplicates_and_reserved_names() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    local_user(&state, "alice").await;
    let reg = |username: &str, email: &str| Registration {
        username: username.into(),
        email: email.into(),
        password: "long enough password".into(),
        role: Role::User,
        confirmed: true,
        approved: true,
        locale: "en".into(),
        reason: None,
        application_id: None,
    };
    let dup_name = register_account(&state, reg("ALICE", "other@example.com"), Origin::Api).await;
    assert!(
        matches!(&dup_name, Err(e @ Error::FieldInvalid(_)) if e.to_string().contains("Username has already been taken"))
    );
    let dup_mail = register_account(&state, reg("alice2", "Alice@Example.com"), Origin::Api).await;
    assert!(
        matches!(&dup_mail, Err(e @ Error::FieldInvalid(_)) if e.to_string().contains("E-mail address has already been taken"))
    );
    let reserved = register_account(&state, reg("admin", "admin@example.com"), Origin::Api).await;
    assert!(
        matches!(&reserved, Err(e @ Error::FieldInvalid(_)) if e.to_string().contains("reserved"))
    );
    let short = register_account(
        &state,
        Registration {
            password: "short".into(),
            ..reg("dave", "dave@example.com")
        },
        Origin::Api,
    )
    .await;
    assert!(
        matches!(&short, Err(e @ Error::FieldInvalid(_)) if e.to_string().contains("too short"))
    );
    let bad_name = register_account(&state, reg("no spaces", "x@example.com"), Origin::Api).await;
    assert!(matches!(bad_name, Err(Error::FieldInvalid(_))));
}

#[tokio::test]
async fn bcrypt_password_from_mastodon_signs_in() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, _, _) = local_user(&state, "imported").await;
    let hash = bcrypt::hash("from-mastodon-pass", 4).unwrap();
    let mut conn = state.conn().await.unwrap();
    ferrodon_core::db::queries::users::update_user(
        &mut conn,
        user.id,
        &ferrodon_core::db::models::UserChanges {
            encrypted_password: Some(hash),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    let ok = ferrodon_core::auth::oauth::sign_in(
        &state,
        "imported@example.com",
        "from-mastodon-pass",
        "127.0.0.9",
    )
    .await;
    assert!(ok.is_ok());
    let bad =
        ferrodon_core::auth::oauth::sign_in(&state, "imported", "wrong-password", "127.0.0.9")
            .await;
    assert!(matches!(bad, Err(Error::Unauthorized(_))));
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_ip() {
    let db = TestDb::new().await;
    let mut vars = instance_env(
        &db.url,
        1,
        &format!("rl_{}", ferrodon_testkit::random_suffix()),
    );
    vars.push(("FERRODON_AUTH_RATE_LIMIT".into(), "3".into()));
    let state = AppState::new(Config::from_vars(vars).unwrap()).unwrap();
    local_user(&state, "alice").await;
    for _ in 0..3 {
        let r = ferrodon_core::auth::oauth::sign_in(&state, "alice", "nope-nope", "10.9.9.9").await;
        assert!(matches!(r, Err(Error::Unauthorized(_))));
    }
    let limited = ferrodon_core::auth::oauth::sign_in(
        &state,
        "alice",
        ferrodon_testkit::factories::PASSWORD,
        "10.9.9.9",
    )
    .await;
    assert!(matches!(limited, Err(Error::RateLimited)));
    let other_ip = ferrodon_core::auth::oauth::sign_in(
        &state,
        "alice",
        ferrodon_testkit::factories::PASSWORD,
        "10.9.9.10",
    )
    .await;
    assert!(other_ip.is_ok());
}

#[tokio::test]
async fn file_mailer_writes_a_parseable_eml_and_the_link_confirms_once() {
    use ferrodon_core::mail::{deliver, MailJob};
    use ferrodon_core::services::confirm_email::confirm_email;

    let db = TestDb::new().await;
    let state = state(&db).await;
    assert!(state.config.smtp.server.is_none());
    let dir = state.config.smtp.mail_dir.clone();
    let (user, _) = register_account(
        &state,
        Registration {
            username: "carol".into(),
            email: "carol@example.com".into(),
            password: "long enough password".into(),
            role: Role::User,
            confirmed: false,
            approved: true,
            locale: "en".into(),
            reason: None,
            application_id: None,
        },
        Origin::Admin,
    )
    .await
    .unwrap();
    assert!(user.confirmed_at.is_none());
    // The worker would run this job; run it here.
    deliver(&state, &MailJob::Confirmation { user_id: user.id })
        .await
        .unwrap();
    let mails = ferrodon_testkit::mail::read_dir(&dir);
    assert_eq!(mails.len(), 1, "one .eml in {}", dir.display());
    let mail = &mails[0];
    assert!(mail.to.contains("carol@example.com"));
    assert!(mail.from.contains("notifications@ferrodon.test"));
    assert!(mail.subject.starts_with("Confirmation instructions"));
    assert_eq!(mail.content_type, "multipart/alternative");
    assert!(mail.html.as_deref().unwrap().contains("Hello @carol"));
    let link = mail.link_containing("confirmation_token=").unwrap();
    let token = link.split("confirmation_token=").nth(1).unwrap();

    // Only the digest is stored.
    let mut conn = state.conn().await.unwrap();
    let stored =
        ferrodon_core::db::queries::users::get_user_by_email(&mut conn, "carol@example.com")
            .await
            .unwrap();
    assert_eq!(
        stored.confirmation_token_digest.as_deref(),
        Some(ferrodon_core::auth::tokens::digest(token).as_str())
    );

    let confirmed = confirm_email(&state, token).await.unwrap();
    assert!(confirmed.confirmed_at.is_some());
    assert!(matches!(
        confirm_email(&state, token).await,
        Err(Error::NotFound)
    ));

    // Jobs whose subject is gone or settled send nothing and succeed.
    deliver(&state, &MailJob::Confirmation { user_id: user.id })
        .await
        .unwrap();
    deliver(&state, &MailJob::PasswordReset { user_id: i64::MAX })
        .await
        .unwrap();
    deliver(
        &state,
        &MailJob::Notification {
            notification_id: i64::MAX,
        },
    )
    .await
    .unwrap();
    assert_eq!(ferrodon_testkit::mail::read_dir(&dir).len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
