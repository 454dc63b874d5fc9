//! The admin services (`services::admin`) against a real PostgreSQL, one
//! database per test: each checks the actor's permission (and, against
//! accounts, the role hierarchy), refuses a duplicate with one validation
//! error, and writes one audit entry per change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrodon_core::db::models::{Account, Role, User, UserChanges};
use ferrodon_core::db::queries::domain_blocks::NewDomainBlock;
use ferrodon_core::db::queries::ip_blocks::IpBlockFields;
use ferrodon_core::db::queries::moderation::{self, AccountFlag};
use ferrodon_core::db::queries::reports::{self, NewReport};
use ferrodon_core::db::queries::users;
use ferrodon_core::services::admin::accounts::{self, AccountAction, ActionKind};
use ferrodon_core::services::admin::canonical_email_blocks::{self, Blocked};
use ferrodon_core::services::admin::reports::{self as report_actions, Change};
use ferrodon_core::services::admin::{
    domain_allows, domain_blocks, email_domain_blocks, ip_blocks, rules, Actor,
};
use ferrodon_core::{AppState, Config, Error};
use ferrodon_testkit::factories::local_user;
use ferrodon_testkit::{app::instance_env, TestDb};

async fn state(db: &TestDb) -> AppState {
    let ns = format!("admin_{}", ferrodon_testkit::random_suffix());
    AppState::new(Config::from_vars(instance_env(&db.url, 1, &ns)).unwrap()).unwrap()
}

/// A local user with `role`.
async fn staff(state: &AppState, username: &str, role: Role) -> (User, Account) {
    let (user, account, _) = local_user(state, username).await;
    let mut conn = state.conn().await.unwrap();
    users::update_user(
        &mut conn,
        user.id,
        &UserChanges {
            role: Some(role),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let user = users::get_user_by_account_id(&mut conn, account.id)
        .await
        .unwrap();
    (user, account)
}

/// The audit log, oldest first: (account id, action, target type, name).
async fn log(state: &AppState) -> Vec<(Option<i64>, String, String, String)> {
    let mut conn = state.conn().await.unwrap();
    let mut entries: Vec<_> = moderation::recent_log(&mut conn, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(e, _)| (e.account_id, e.action, e.target_type, e.human_identifier))
        .collect();
    entries.reverse();
    entries
}

fn entry(
    who: Option<i64>,
    action: &str,
    kind: &str,
    name: &str,
) -> (Option<i64>, String, String, String) {
    (who, action.into(), kind.into(), name.into())
}

fn is_taken(result: Result<impl std::fmt::Debug, Error>, attribute: &str) -> bool {
    matches!(result, Err(Error::Validation(m)) if m == format!("Validation failed: {attribute} has already been taken"))
}

#[tokio::test]
async fn email_domain_blocks_refuse_duplicates_and_need_manage_blocks() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (admin_user, admin) = staff(&state, "boss", Role::Admin).await;
    let (mod_user, moderator) = staff(&state, "moddy", Role::Moderator).await;
    let boss = Actor::staff(&admin_user, &admin);

    let block = email_domain_blocks::create(&state, boss, " @Spam.Example. ", false)
        .await
        .unwrap();
    assert_eq!(block.domain, "spam.example");
    assert!(is_taken(
        email_domain_blocks::create(&state, boss, "spam.example", true).await,
        "Domain"
    ));
    assert!(is_taken(
        email_domain_blocks::create(&state, Actor::System, "SPAM.example", false).await,
        "Domain"
    ));
    let refused = email_domain_blocks::create(
        &state,
        Actor::staff(&mod_user, &moderator),
        "x.example",
        false,
    )
    .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    email_domain_blocks::create(&state, Actor::System, "other.example", false)
        .await
        .unwrap();
    email_domain_blocks::delete(&state, boss, block.id)
        .await
        .unwrap();
    assert!(matches!(
        email_domain_blocks::delete_domain(&state, Actor::System, "spam.example").await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        log(&state).await,
        vec![
            entry(Some(admin.id), "create", "EmailDomainBlock", "spam.example"),
            entry(None, "create", "EmailDomainBlock", "other.example"),
            entry(
                Some(admin.id),
                "destroy",
                "EmailDomainBlock",
                "spam.example"
            ),
        ]
    );
}

#[tokio::test]
async fn canonical_email_blocks_and_domain_allows() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, admin) = staff(&state, "boss", Role::Admin).await;
    let boss = Actor::staff(&user, &admin);

    let block = canonical_email_blocks::create(&state, boss, Blocked::Email("Me+x@Example.com"))
        .await
        .unwrap();
    assert!(is_taken(
        canonical_email_blocks::create(&state, boss, Blocked::Hash(&block.canonical_email_hash))
            .await,
        "Canonical email hash"
    ));
    assert!(matches!(
        canonical_email_blocks::create(&state, boss, Blocked::Hash("nope")).await,
        Err(Error::Validation(_))
    ));
    canonical_email_blocks::delete(&state, boss, block.id)
        .await
        .unwrap();

    // Allowing twice answers the existing allow and records nothing more,
    // as Mastodon's admin API does.
    let first = domain_allows::create(&state, boss, "Friends.Example")
        .await
        .unwrap();
    let again = domain_allows::create(&state, boss, "friends.example")
        .await
        .unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.allow.id, again.allow.id);
    domain_allows::delete(&state, boss, first.allow.id)
        .await
        .unwrap();

    let kinds: Vec<(String, String)> = log(&state)
        .await
        .into_iter()
        .map(|(_, action, kind, _)| (action, kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("create", "CanonicalEmailBlock"),
            ("destroy", "CanonicalEmailBlock"),
            ("create", "DomainAllow"),
            ("destroy", "DomainAllow"),
        ]
        .map(|(a, k)| (a.to_owned(), k.to_owned()))
    );
}

#[tokio::test]
async fn domain_and_ip_blocks_refuse_duplicates_and_are_changed_in_place() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, admin) = staff(&state, "boss", Role::Admin).await;
    let boss = Actor::staff(&user, &admin);

    let new = |domain: &str| NewDomainBlock {
        domain: domain.to_owned(),
        severity: "silence".into(),
        reject_media: false,
        reject_reports: false,
        private_comment: None,
        public_comment: None,
    };
    let applied = domain_blocks::create(&state, boss, new("Noisy.Example"))
        .await
        .unwrap();
    assert_eq!(applied.block.domain, "noisy.example");
    let again = domain_blocks::create(&state, Actor::System, new("noisy.example")).await;
    assert!(
        matches!(&again, Err(Error::Validation(m)) if m.contains("already blocked")),
        "{:?}",
        again.as_ref().err()
    );
    let updated = domain_blocks::update(&state, boss, applied.block.id, |current| NewDomainBlock {
        severity: "suspend".into(),
        ..new(&current.domain)
    })
    .await
    .unwrap();
    assert_eq!(updated.block.severity, "suspend");
    domain_blocks::delete_domain(&state, Actor::System, "noisy.example")
        .await
        .unwrap();

    let fields = IpBlockFields {
        ip: "192.0.2.0/24".into(),
        severity: "sign_up_block".into(),
        comment: String::new(),
        expires_at: None,
    };
    let blocked = ip_blocks::create(&state, boss, &fields, false)
        .await
        .unwrap();
    assert!(!blocked.replaced);
    assert!(is_taken(
        ip_blocks::create(&state, boss, &fields, false).await,
        "Ip"
    ));
    let forced = ip_blocks::create(&state, Actor::System, &fields, true)
        .await
        .unwrap();
    assert!(forced.replaced);
    assert_eq!(forced.block.id, blocked.block.id);
    ip_blocks::delete_range(&state, boss, "192.0.2.7/24")
        .await
        .unwrap();

    let actions: Vec<String> = log(&state)
        .await
        .into_iter()
        .map(|(who, action, kind, name)| format!("{} {action} {kind} {name}", who.is_some()))
        .collect();
    assert_eq!(
        actions,
        [
            "true create DomainBlock noisy.example",
            "true update DomainBlock noisy.example",
            "false destroy DomainBlock noisy.example",
            "true create IpBlock 192.0.2.0/24",
            "false create IpBlock 192.0.2.0/24",
            "true destroy IpBlock 192.0.2.0/24",
        ]
    );
}

#[tokio::test]
async fn rules_need_text_and_manage_settings() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, admin) = staff(&state, "boss", Role::Admin).await;
    let (mod_user, moderator) = staff(&state, "moddy", Role::Moderator).await;
    let boss = Actor::staff(&user, &admin);
    assert!(matches!(
        rules::create(&state, boss, "  ", "").await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        rules::create(&state, Actor::staff(&mod_user, &moderator), "Be kind", "").await,
        Err(Error::Forbidden(_))
    ));
    let rule = rules::create(&state, boss, "Be kind", "").await.unwrap();
    rules::update(&state, boss, rule.id, "Be very kind", "really")
        .await
        .unwrap();
    rules::delete(&state, boss, rule.id).await.unwrap();
    assert!(matches!(
        rules::delete(&state, boss, rule.id).await,
        Err(Error::NotFound)
    ));
    assert_eq!(log(&state).await.len(), 3);
}

#[tokio::test]
async fn account_actions_respect_the_hierarchy_and_resolve_reports() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (admin_user, admin) = staff(&state, "boss", Role::Admin).await;
    let (mod_user, moderator) = staff(&state, "moddy", Role::Moderator).await;
    let (_, troll, _) = local_user(&state, "troll").await;
    let (_, victim, _) = local_user(&state, "victim").await;
    let moddy = Actor::staff(&mod_user, &moderator);
    let report = {
        let mut conn = state.conn().await.unwrap();
        reports::put_report(
            &mut conn,
            &NewReport {
                account_id: victim.id,
                target_account_id: troll.id,
                status_ids: vec![],
                comment: "rude".into(),
                category: "other".into(),
                forward: false,
            },
        )
        .await
        .unwrap()
    };
    let silence = AccountAction {
        kind: ActionKind::Silence,
        text: String::new(),
        report_id: Some(report.id),
        send_email_notification: false,
    };

    // A moderator may not act on an admin, nor "the system" warn anyone.
    let refused =
        accounts::act_on_account(&state, moddy, &admin, Some(&admin_user), &silence).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let refused = accounts::act_on_account(&state, Actor::System, &troll, None, &silence).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");

    report_actions::change(&state, moddy, report.id, Change::AssignToSelf)
        .await
        .unwrap();
    accounts::act_on_account(&state, moddy, &troll, None, &silence)
        .await
        .unwrap();
    let (troll, _) = {
        let mut conn = state.conn().await.unwrap();
        moderation::get_account_with_user(&mut conn, troll.id)
            .await
            .unwrap()
    };
    assert!(troll.silenced_at.is_some());
    accounts::lift(&state, moddy, &troll, AccountFlag::Silenced)
        .await
        .unwrap();
    report_actions::change(&state, moddy, report.id, Change::Reopen)
        .await
        .unwrap();
    assert!(matches!(
        report_actions::update(&state, moddy, report.id, Some("nonsense"), None).await,
        Err(Error::Validation(_))
    ));

    let report_name = report.id.to_string();
    assert_eq!(
        log(&state).await,
        vec![
            entry(
                Some(moderator.id),
                "assigned_to_self",
                "Report",
                &report_name
            ),
            entry(Some(moderator.id), "silence", "Account", "troll"),
            entry(Some(moderator.id), "resolve", "Report", &report_name),
            entry(Some(moderator.id), "unsilence", "Account", "troll"),
            entry(Some(moderator.id), "reopen", "Report", &report_name),
        ]
    );
}

#[tokio::test]
async fn roles_are_given_only_below_ones_own() {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (admin_user, admin) = staff(&state, "boss", Role::Admin).await;
    let (mod_user, moderator) = staff(&state, "moddy", Role::Moderator).await;
    let (user, account, _) = local_user(&state, "newbie").await;
    let boss = Actor::staff(&admin_user, &admin);

    let refused = accounts::change_role(
        &state,
        Actor::staff(&mod_user, &moderator),
        &account,
        &user,
        Role::Moderator,
    )
    .await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let refused = accounts::change_role(&state, boss, &account, &user, Role::Admin).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    accounts::change_role(&state, boss, &account, &user, Role::Moderator)
        .await
        .unwrap();
    accounts::change_role(&state, Actor::System, &admin, &admin_user, Role::Owner)
        .await
        .unwrap();
    assert_eq!(
        log(&state).await,
        vec![
            entry(Some(admin.id), "change_role", "User", "newbie"),
            entry(None, "change_role", "User", "boss"),
        ]
    );
}
