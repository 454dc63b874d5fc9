//! Inbound activities handled in process (`inbox::process`), one database
//! per test: each activity type accepted when valid, and refused (or
//! ignored) when hostile: an id on another server, someone else's object,
//! an unknown target. Duplicate deliveries change nothing. No network: the
//! objects are embedded in the activities, and the one fetch a handler
//! would make (a `Move` to a remote account) goes to a loopback address,
//! which the HTTP client refuses outside the dev setting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ferrodon_core::db::models::{Account, Status, Visibility};
use ferrodon_core::db::queries::{
    account_aliases, accounts, blocks_mutes, domain_blocks, favourites_bookmarks, follows,
    moderation, reports, statuses,
};
use ferrodon_core::db::AccountId;
use ferrodon_core::db::Page;
use ferrodon_core::inbox::process;
use ferrodon_core::services::follow::{follow, FollowOptions};
use ferrodon_core::services::post_status::{post_status, NewPost};
use ferrodon_core::{AppState, Config};
use ferrodon_testkit::factories::{local_user, remote_account};
use ferrodon_testkit::{app::instance_env, TestDb};
use serde_json::{json, Value};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// The sender's server.
const REMOTE: &str = "remote.example";
/// Another server.
const OTHER: &str = "other.example";

async fn state(db: &TestDb) -> AppState {
    let ns = format!("inbox_{}", ferrodon_testkit::random_suffix());
    AppState::new(Config::from_vars(instance_env(&db.url, 1, &ns)).unwrap()).unwrap()
}

/// A test's instance with a local account `alice` and a remote `bob`.
struct World {
    _db: TestDb,
    state: AppState,
    user: ferrodon_core::db::models::User,
    alice: Account,
    bob: Account,
}

async fn world() -> World {
    let db = TestDb::new().await;
    let state = state(&db).await;
    let (user, alice, _) = local_user(&state, "alice").await;
    let bob = remote_account(&state, "bob", REMOTE).await;
    World {
        _db: db,
        state,
        user,
        alice,
        bob,
    }
}

impl World {
    /// Delivers `activity` as signed by `signer`; the handler must not fail.
    async fn deliver(&self, signer: &Account, activity: Value) {
        process(&self.state, signer.id, &activity)
            .await
            .unwrap_or_else(|e| panic!("processing {activity}: {e}"));
    }

    /// Bob's `Follow` of alice.
    fn bob_follows_alice(&self) -> Value {
        activity("Follow", &self.bob, "follows/1", json!(self.alice.uri))
    }

    async fn account(&self, id: i64) -> Account {
        let mut conn = self.state.conn().await.unwrap();
        accounts::get_account_by_id(&mut conn, id).await.unwrap()
    }

    async fn status(&self, uri: &str) -> Option<Status> {
        let mut conn = self.state.conn().await.unwrap();
        statuses::find_status_by_uri(&mut conn, uri).await.unwrap()
    }

    async fn status_by_id(&self, id: i64) -> Status {
        let mut conn = self.state.conn().await.unwrap();
        statuses::get_status_by_id(&mut conn, id).await.unwrap()
    }

    async fn follows(&self, follower: &Account, target: &Account) -> bool {
        let mut conn = self.state.conn().await.unwrap();
        follows::get_follow(
            &mut conn,
            AccountId::new(follower.id),
            AccountId::new(target.id),
        )
        .await
        .unwrap()
        .is_some()
    }

    async fn post(&self, text: &str, visibility: Visibility) -> Status {
        post_status(
            &self.state,
            &self.user,
            &self.alice,
            NewPost {
                text: text.into(),
                visibility: Some(visibility),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap()
    }

    /// A public note by `author`, delivered in a `Create`; returns its id.
    async fn remote_note(&self, author: &Account, n: u32, content: &str) -> String {
        let note = note(author, n, content);
        let id = note["id"].as_str().unwrap().to_owned();
        self.deliver(author, create(author, n, note)).await;
        id
    }
}

/// `https://{host of account}/{path}`.
fn on_host(account: &Account, path: &str) -> String {
    format!("https://{}/{path}", account.domain.as_deref().unwrap())
}

fn note(author: &Account, n: u32, content: &str) -> Value {
    json!({
        "id": on_host(author, &format!("notes/{n}")),
        "type": "Note",
        "attributedTo": author.uri,
        "content": content,
        "to": [PUBLIC],
        "published": "2026-12-01T10:00:00Z",
    })
}

/// An activity by `actor` about `object`, its id `path` on the actor's host.
fn activity(kind: &str, actor: &Account, path: &str, object: Value) -> Value {
    activity_with_id(kind, actor, &on_host(actor, path), object)
}

fn activity_with_id(kind: &str, actor: &Account, id: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": kind,
        "actor": actor.uri,
        "object": object,
        "to": [PUBLIC],
    })
}

fn create(actor: &Account, n: u32, object: Value) -> Value {
    activity("Create", actor, &format!("notes/{n}/activity"), object)
}

async fn other(state: &AppState) -> Account {
    remote_account(state, "carol", OTHER).await
}

#[tokio::test]
async fn follow_of_a_local_account() {
    let w = world().await;
    let f = w.bob_follows_alice();
    w.deliver(&w.bob, f.clone()).await;
    assert!(w.follows(&w.bob, &w.alice).await);
    // A duplicate delivery changes nothing.
    w.deliver(&w.bob, f).await;
    assert_eq!(w.account(w.alice.id).await.followers_count, 1);

    // Hostile: an activity id on another server, a remote or unknown target.
    let carol = other(&w.state).await;
    let squat = activity_with_id(
        "Follow",
        &carol,
        &on_host(&w.bob, "follows/2"),
        json!(w.alice.uri),
    );
    w.deliver(&carol, squat).await;
    assert!(!w.follows(&carol, &w.alice).await);
    let remote_target = activity("Follow", &carol, "f/3", json!(w.bob.uri));
    w.deliver(&carol, remote_target).await;
    assert!(!w.follows(&carol, &w.bob).await);
    let unknown = activity(
        "Follow",
        &carol,
        "f/4",
        json!("http://127.0.0.1:1/users/nobody"),
    );
    w.deliver(&carol, unknown).await;
    assert_eq!(w.account(carol.id).await.following_count, 0);
}

#[tokio::test]
async fn accept_and_reject_of_a_local_follow() {
    let w = world().await;
    follow(&w.state, &w.alice, w.bob.id, FollowOptions::default())
        .await
        .unwrap();
    assert!(
        !w.follows(&w.alice, &w.bob).await,
        "requested, not yet following"
    );
    let our_follow = json!({
        "id": format!("{}#follows/{}", w.alice.uri, w.bob.id),
        "type": "Follow",
        "actor": w.alice.uri,
        "object": w.bob.uri,
    });

    // Hostile: someone else than the followed account accepts.
    let carol = other(&w.state).await;
    let forged = activity("Accept", &carol, "accepts/1", our_follow.clone());
    w.deliver(&carol, forged).await;
    assert!(!w.follows(&w.alice, &w.bob).await);
    assert!(!w.follows(&w.alice, &carol).await);

    let accept = activity("Accept", &w.bob, "accepts/1", our_follow.clone());
    w.deliver(&w.bob, accept.clone()).await;
    assert!(w.follows(&w.alice, &w.bob).await);
    w.deliver(&w.bob, accept).await;
    assert_eq!(w.account(w.alice.id).await.following_count, 1);

    // A Reject (after an Accept: the follow ends), the follow id bare.
    let reject = activity("Reject", &w.bob, "rejects/1", our_follow["id"].clone());
    w.deliver(&w.bob, reject.clone()).await;
    assert!(!w.follows(&w.alice, &w.bob).await);
    w.deliver(&w.bob, reject).await;
    assert_eq!(w.account(w.alice.id).await.following_count, 0);
}

#[tokio::test]
async fn undo_of_the_senders_own_activities() {
    let w = world().await;
    let f = w.bob_follows_alice();
    w.deliver(&w.bob, f.clone()).await;
    assert!(w.follows(&w.bob, &w.alice).await);

    // Hostile: carol undoes bob's follow (embedded as bob's).
    let carol = other(&w.state).await;
    let forged = activity("Undo", &carol, "undo/1", f.clone());
    w.deliver(&carol, forged).await;
    assert!(w.follows(&w.bob, &w.alice).await);

    let undo = activity("Undo", &w.bob, "undo/1", f);
    w.deliver(&w.bob, undo.clone()).await;
    assert!(!w.follows(&w.bob, &w.alice).await);
    w.deliver(&w.bob, undo).await;
    assert_eq!(w.account(w.alice.id).await.followers_count, 0);

    // Undo of a Like, and of an Announce by its id alone.
    let status = w.post("liked", Visibility::Public).await;
    let like = activity("Like", &w.bob, "likes/1", json!(status.uri));
    w.deliver(&w.bob, like.clone()).await;
    assert_eq!(w.status_by_id(status.id).await.favourites_count, 1);
    w.deliver(&w.bob, activity("Undo", &w.bob, "undo/2", like))
        .await;
    assert_eq!(w.status_by_id(status.id).await.favourites_count, 0);
    let boost_id = on_host(&w.bob, "boosts/1");
    w.deliver(
        &w.bob,
        activity_with_id("Announce", &w.bob, &boost_id, json!(status.uri)),
    )
    .await;
    assert_eq!(w.status_by_id(status.id).await.reblogs_count, 1);
    // Hostile: carol names bob's boost by its id.
    w.deliver(&carol, activity("Undo", &carol, "undo/3", json!(boost_id)))
        .await;
    assert!(w.status(&boost_id).await.is_some());
    w.deliver(&w.bob, activity("Undo", &w.bob, "undo/3", json!(boost_id)))
        .await;
    assert!(w.status(&boost_id).await.is_none());
    assert_eq!(w.status_by_id(status.id).await.reblogs_count, 0);
}

#[tokio::test]
async fn create_stores_a_note_once() {
    let w = world().await;
    let uri = w.remote_note(&w.bob, 1, "<p>hello</p>").await;
    let stored = w.status(&uri).await.expect("stored");
    assert_eq!(stored.account_id, w.bob.id);
    assert!(stored.content.contains("hello"));
    w.remote_note(&w.bob, 1, "<p>hello</p>").await;
    assert_eq!(w.account(w.bob.id).await.statuses_count, 1);

    // Hostile: a note on another server, a note attributed to someone
    // else, remote HTML sanitised, no embedded object.
    let carol = other(&w.state).await;
    let mut foreign = note(&carol, 2, "not bob's host");
    foreign["attributedTo"] = json!(w.bob.uri);
    w.deliver(&w.bob, create(&w.bob, 2, foreign)).await;
    assert!(w.status(&on_host(&carol, "notes/2")).await.is_none());
    let mut misattributed = note(&w.bob, 3, "by carol?");
    misattributed["attributedTo"] = json!(carol.uri);
    w.deliver(&w.bob, create(&w.bob, 3, misattributed)).await;
    assert!(w.status(&on_host(&w.bob, "notes/3")).await.is_none());
    let bare = create(&w.bob, 4, json!(on_host(&w.bob, "notes/4")));
    w.deliver(&w.bob, bare).await;
    assert!(w.status(&on_host(&w.bob, "notes/4")).await.is_none());
    let script = w
        .remote_note(&w.bob, 5, "<p>hi</p><script>alert(1)</script>")
        .await;
    assert!(!w.status(&script).await.unwrap().content.contains("script"));
    assert_eq!(w.account(w.bob.id).await.statuses_count, 2);
}

#[tokio::test]
async fn update_edits_the_senders_own_note() {
    let w = world().await;
    let uri = w.remote_note(&w.bob, 1, "<p>first</p>").await;
    let update = |content: &str| {
        let mut edited = note(&w.bob, 1, content);
        edited["updated"] = json!("2026-12-01T11:00:00Z");
        activity("Update", &w.bob, "notes/1/edit", edited)
    };
    w.deliver(&w.bob, update("<p>second</p>")).await;
    let edited = w.status(&uri).await.unwrap();
    assert!(edited.content.contains("second"));
    assert!(edited.edited_at.is_some());
    w.deliver(&w.bob, update("<p>second</p>")).await;
    assert_eq!(w.status(&uri).await.unwrap().edited_at, edited.edited_at);

    // Hostile: carol updates bob's note; carol updates bob's profile.
    let carol = other(&w.state).await;
    let forged = activity(
        "Update",
        &carol,
        "updates/1",
        note(&w.bob, 1, "<p>forged</p>"),
    );
    w.deliver(&carol, forged).await;
    assert!(w.status(&uri).await.unwrap().content.contains("second"));
    let profile = json!({
        "id": w.bob.uri,
        "type": "Person",
        "preferredUsername": "bob",
        "name": "Forged",
        "inbox": on_host(&w.bob, "users/bob/inbox"),
    });
    w.deliver(&carol, activity("Update", &carol, "updates/2", profile))
        .await;
    assert_eq!(w.account(w.bob.id).await.display_name, "bob");
    // An unknown note: nothing is created by an Update.
    w.deliver(
        &w.bob,
        activity(
            "Update",
            &w.bob,
            "updates/3",
            note(&w.bob, 9, "<p>never created</p>"),
        ),
    )
    .await;
    assert!(w.status(&on_host(&w.bob, "notes/9")).await.is_none());
}

#[tokio::test]
async fn delete_of_the_senders_own_status_or_self() {
    let w = world().await;
    let uri = w.remote_note(&w.bob, 1, "<p>bye</p>").await;
    let local = w.post("mine", Visibility::Public).await;

    // Hostile: carol deletes bob's note; bob deletes alice's status.
    let carol = other(&w.state).await;
    w.deliver(&carol, activity("Delete", &carol, "deletes/1", json!(uri)))
        .await;
    assert!(w.status(&uri).await.is_some());
    w.deliver(
        &w.bob,
        activity("Delete", &w.bob, "deletes/2", json!(local.uri)),
    )
    .await;
    assert!(w.status(&local.uri).await.is_some());

    let delete = activity(
        "Delete",
        &w.bob,
        "deletes/3",
        json!({"id": uri, "type": "Tombstone"}),
    );
    w.deliver(&w.bob, delete.clone()).await;
    assert!(w.status(&uri).await.is_none());
    w.deliver(&w.bob, delete).await;

    // Carol deletes herself: suspended here; bob is not.
    w.deliver(
        &carol,
        activity("Delete", &carol, "deletes/4", json!(carol.uri)),
    )
    .await;
    assert!(w.account(carol.id).await.suspended_at.is_some());
    assert!(w.account(w.bob.id).await.suspended_at.is_none());
}

#[tokio::test]
async fn like_of_a_known_status() {
    let w = world().await;
    let status = w.post("like me", Visibility::Public).await;
    let like = activity("Like", &w.bob, "likes/1", json!(status.uri));
    w.deliver(&w.bob, like.clone()).await;
    w.deliver(&w.bob, like).await;
    assert_eq!(w.status_by_id(status.id).await.favourites_count, 1);

    // Hostile: an unknown status; a status bob may not see; a Like whose
    // id squats another server.
    w.deliver(
        &w.bob,
        activity(
            "Like",
            &w.bob,
            "likes/2",
            json!("http://127.0.0.1:1/statuses/1"),
        ),
    )
    .await;
    let private = w.post("followers only", Visibility::Private).await;
    w.deliver(
        &w.bob,
        activity("Like", &w.bob, "likes/3", json!(private.uri)),
    )
    .await;
    assert_eq!(w.status_by_id(private.id).await.favourites_count, 0);
    let carol = other(&w.state).await;
    w.deliver(
        &carol,
        activity_with_id(
            "Like",
            &carol,
            &on_host(&w.bob, "likes/4"),
            json!(status.uri),
        ),
    )
    .await;
    let mut conn = w.state.conn().await.unwrap();
    let by = favourites_bookmarks::list_favourited_by(
        &mut conn,
        status.id,
        &Page::new(None, None, None, None, 20, 40),
    )
    .await
    .unwrap();
    assert_eq!(by.len(), 1);
}

#[tokio::test]
async fn announce_of_a_public_status() {
    let w = world().await;
    let status = w.post("boost me", Visibility::Public).await;
    let boost_id = on_host(&w.bob, "boosts/1");
    let boost = activity_with_id("Announce", &w.bob, &boost_id, json!(status.uri));
    w.deliver(&w.bob, boost.clone()).await;
    w.deliver(&w.bob, boost).await;
    assert_eq!(w.status_by_id(status.id).await.reblogs_count, 1);
    let reblog = w.status(&boost_id).await.expect("reblog stored");
    assert_eq!(reblog.reblog_of_id, Some(status.id));
    assert_eq!(reblog.account_id, w.bob.id);

    // Hostile: a private status, an unknown one (no fetch: bob is no
    // relay), an id on another server.
    let private = w.post("not for boosting", Visibility::Private).await;
    let b2 = on_host(&w.bob, "boosts/2");
    w.deliver(
        &w.bob,
        activity_with_id("Announce", &w.bob, &b2, json!(private.uri)),
    )
    .await;
    assert!(w.status(&b2).await.is_none());
    let b3 = on_host(&w.bob, "boosts/3");
    w.deliver(
        &w.bob,
        activity_with_id(
            "Announce",
            &w.bob,
            &b3,
            json!(on_host(&w.bob, "notes/unknown")),
        ),
    )
    .await;
    assert!(w.status(&b3).await.is_none());
    assert!(w.status(&on_host(&w.bob, "notes/unknown")).await.is_none());
    let carol = other(&w.state).await;
    let b4 = on_host(&w.bob, "boosts/4");
    w.deliver(
        &carol,
        activity_with_id("Announce", &carol, &b4, json!(status.uri)),
    )
    .await;
    assert!(w.status(&b4).await.is_none());
    assert_eq!(w.status_by_id(status.id).await.reblogs_count, 1);
}

#[tokio::test]
async fn block_of_a_local_account() {
    let w = world().await;
    follow(&w.state, &w.alice, w.bob.id, FollowOptions::default())
        .await
        .unwrap();
    let block = activity("Block", &w.bob, "blocks/1", json!(w.alice.uri));
    w.deliver(&w.bob, block.clone()).await;
    w.deliver(&w.bob, block).await;
    let mut conn = w.state.conn().await.unwrap();
    assert!(blocks_mutes::blocked_either_way(
        &mut conn,
        AccountId::new(w.bob.id),
        AccountId::new(w.alice.id)
    )
    .await
    .unwrap());
    drop(conn);

    // Hostile: a remote target is not ours to record.
    let carol = other(&w.state).await;
    w.deliver(
        &w.bob,
        activity("Block", &w.bob, "blocks/2", json!(carol.uri)),
    )
    .await;
    let mut conn = w.state.conn().await.unwrap();
    assert!(!blocks_mutes::blocked_either_way(
        &mut conn,
        AccountId::new(w.bob.id),
        AccountId::new(carol.id)
    )
    .await
    .unwrap());
}

async fn reports_about(w: &World, target: &Account) -> Vec<reports::Report> {
    let mut conn = w.state.conn().await.unwrap();
    moderation::list_reports(
        &mut conn,
        &moderation::ReportFilter {
            target_account_id: Some(target.id),
            ..Default::default()
        },
        &Page::new(None, None, None, None, 20, 40),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn flag_of_a_local_account() {
    let w = world().await;
    let status = w.post("reported", Visibility::Public).await;
    let mut flag = activity("Flag", &w.bob, "flags/1", json!([w.alice.uri, status.uri]));
    flag["content"] = json!("<p>spam</p>");
    w.deliver(&w.bob, flag).await;
    let reports = reports_about(&w, &w.alice).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].account_id, w.bob.id);
    assert_eq!(reports[0].status_ids, vec![status.id]);
    assert_eq!(reports[0].comment, "spam");

    // Statuses alone name their author.
    let only_status = activity("Flag", &w.bob, "flags/2", json!([status.uri]));
    w.deliver(&w.bob, only_status).await;
    assert_eq!(reports_about(&w, &w.alice).await.len(), 2);

    // Hostile: a remote account is no one's to report here; a server whose
    // reports are rejected.
    let carol = other(&w.state).await;
    w.deliver(
        &w.bob,
        activity("Flag", &w.bob, "flags/3", json!([carol.uri])),
    )
    .await;
    assert!(reports_about(&w, &carol).await.is_empty());
    let mut conn = w.state.conn().await.unwrap();
    domain_blocks::put_domain_block(
        &mut conn,
        &domain_blocks::NewDomainBlock {
            domain: OTHER.into(),
            severity: "noop".into(),
            reject_media: false,
            reject_reports: true,
            private_comment: None,
            public_comment: None,
        },
    )
    .await
    .unwrap();
    drop(conn);
    w.deliver(
        &carol,
        activity("Flag", &carol, "flags/4", json!([w.alice.uri])),
    )
    .await;
    assert_eq!(reports_about(&w, &w.alice).await.len(), 2);
}

#[tokio::test]
async fn move_to_an_account_that_names_the_sender() {
    let w = world().await;
    // Alice follows bob (bob accepted); bob moves to a local account `dave`.
    follow(&w.state, &w.alice, w.bob.id, FollowOptions::default())
        .await
        .unwrap();
    let accepted = json!(format!("{}#follows/{}", w.alice.uri, w.bob.id));
    w.deliver(&w.bob, activity("Accept", &w.bob, "accepts/1", accepted))
        .await;
    assert!(w.follows(&w.alice, &w.bob).await);
    let (_, dave, _) = local_user(&w.state, "dave").await;
    let move_to = |target: &str, id: &str| {
        let mut m = activity("Move", &w.bob, id, json!(w.bob.uri));
        m["target"] = json!(target);
        m
    };

    // Hostile: dave does not name bob yet; a Move of someone else; a
    // remote new account would be fetched, and a loopback one is refused.
    w.deliver(&w.bob, move_to(&dave.uri, "moves/1")).await;
    let mut conn = w.state.conn().await.unwrap();
    assert_eq!(accounts::moved_to(&mut conn, w.bob.id).await.unwrap(), None);
    drop(conn);
    let carol = other(&w.state).await;
    let mut of_bob = activity("Move", &carol, "moves/2", json!(w.bob.uri));
    of_bob["target"] = json!(dave.uri);
    w.deliver(&carol, of_bob).await;
    w.deliver(&w.bob, move_to("http://127.0.0.1:9/users/bob2", "moves/3"))
        .await;
    let mut conn = w.state.conn().await.unwrap();
    assert_eq!(accounts::moved_to(&mut conn, w.bob.id).await.unwrap(), None);
    assert_eq!(accounts::moved_to(&mut conn, carol.id).await.unwrap(), None);

    account_aliases::put_alias(&mut conn, dave.id, &format!("bob@{REMOTE}"), &w.bob.uri)
        .await
        .unwrap();
    drop(conn);
    w.deliver(&w.bob, move_to(&dave.uri, "moves/4")).await;
    w.deliver(&w.bob, move_to(&dave.uri, "moves/4")).await;
    let mut conn = w.state.conn().await.unwrap();
    assert_eq!(
        accounts::moved_to(&mut conn, w.bob.id).await.unwrap(),
        Some(dave.id)
    );
    drop(conn);
    assert!(w.follows(&w.alice, &dave).await);
    assert_eq!(w.account(dave.id).await.followers_count, 1);
}

#[tokio::test]
async fn add_and_remove_pin_the_senders_own_status() {
    let w = world().await;
    let uri = w.remote_note(&w.bob, 1, "<p>pinned</p>").await;
    let status = w.status(&uri).await.unwrap();
    let featured = format!("{}/collections/featured", w.bob.uri);
    let change = |kind: &str, id: &str, object: &str, target: &str| {
        let mut a = activity(kind, &w.bob, id, json!(object));
        a["target"] = json!(target);
        a
    };
    let pinned = |w: &World| {
        let state = w.state.clone();
        let bob = w.bob.id;
        async move {
            let mut conn = state.conn().await.unwrap();
            favourites_bookmarks::list_pinned_status_ids(&mut conn, bob)
                .await
                .unwrap()
        }
    };
    w.deliver(&w.bob, change("Add", "add/1", &uri, &featured))
        .await;
    w.deliver(&w.bob, change("Add", "add/1", &uri, &featured))
        .await;
    assert_eq!(pinned(&w).await, vec![status.id]);
    w.deliver(&w.bob, change("Remove", "rm/1", &uri, &featured))
        .await;
    assert!(pinned(&w).await.is_empty());

    // Hostile: a featured collection on another server, someone else's
    // status, another collection.
    let local = w.post("alice's", Visibility::Public).await;
    w.deliver(
        &w.bob,
        change(
            "Add",
            "add/2",
            &uri,
            "https://other.example/users/bob/collections/featured",
        ),
    )
    .await;
    w.deliver(&w.bob, change("Add", "add/3", &local.uri, &featured))
        .await;
    w.deliver(
        &w.bob,
        change(
            "Add",
            "add/4",
            &uri,
            &format!("{}/collections/tags", w.bob.uri),
        ),
    )
    .await;
    assert!(pinned(&w).await.is_empty());
}

#[tokio::test]
async fn unknown_types_and_unknown_signers_are_ignored() {
    let w = world().await;
    let status = w.post("react", Visibility::Public).await;
    for kind in ["EmojiReact", "Dislike", "Bite"] {
        w.deliver(&w.bob, activity(kind, &w.bob, kind, json!(status.uri)))
            .await;
    }
    assert_eq!(w.status_by_id(status.id).await.favourites_count, 0);
    // A signer deleted since the delivery was queued; a non-activity.
    process(&w.state, i64::MAX, &json!({"type": "Follow"}))
        .await
        .unwrap();
    process(&w.state, w.bob.id, &note(&w.bob, 1, "not an activity"))
        .await
        .unwrap();
    assert!(w.status(&on_host(&w.bob, "notes/1")).await.is_none());
}

#[tokio::test]
async fn answers_to_a_quote_request_count_only_from_the_quoted_author() {
    use ferrodon_core::db::models::QuoteState;
    use ferrodon_core::db::queries::quotes;
    let w = world().await;
    let carol = other(&w.state).await;
    // Bob's note lets anyone quote it.
    let mut quoted = note(&w.bob, 1, "quote me");
    quoted["interactionPolicy"] = json!({"canQuote": {"automaticApproval": [PUBLIC]}});
    let quoted_id = quoted["id"].as_str().unwrap().to_owned();
    w.deliver(&w.bob, create(&w.bob, 1, quoted)).await;
    let quoted = w.status(&quoted_id).await.unwrap();
    let quoting = post_status(
        &w.state,
        &w.user,
        &w.alice,
        NewPost {
            text: "look".into(),
            quoted_status_id: Some(quoted.id),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let quote = || async {
        let mut conn = w.state.conn().await.unwrap();
        quotes::quotes_of_statuses(&mut conn, &[quoting.id])
            .await
            .unwrap()
            .remove(0)
    };
    let pending = quote().await;
    assert_eq!(pending.state(), QuoteState::Pending);
    let request_id = pending.activity_uri.clone().expect("a QuoteRequest id");
    let request = json!({
        "id": request_id,
        "type": "QuoteRequest",
        "actor": w.alice.uri,
        "object": quoted_id,
        "instrument": quoting.uri,
    });
    let accept = |by: &Account, result: String| {
        let mut accept = activity("Accept", by, "accepts/1", request.clone());
        accept["result"] = json!(result);
        accept
    };

    // Someone else's Accept, and bob's naming an authorization on another
    // server, change nothing.
    w.deliver(&carol, accept(&carol, on_host(&carol, "authorizations/1")))
        .await;
    w.deliver(&w.bob, accept(&w.bob, on_host(&carol, "authorizations/1")))
        .await;
    assert_eq!(quote().await.state(), QuoteState::Pending);
    // Bob's own is the approval.
    let approval = on_host(&w.bob, "users/bob/quote_authorizations/1");
    w.deliver(&w.bob, accept(&w.bob, approval.clone())).await;
    let accepted = quote().await;
    assert_eq!(accepted.state(), QuoteState::Accepted);
    assert_eq!(accepted.approval_uri.as_deref(), Some(approval.as_str()));
    assert_eq!(w.status_by_id(quoted.id).await.quotes_count, 1);

    // Only bob can withdraw it.
    let withdraw = |by: &Account| {
        activity(
            "Delete",
            by,
            "deletes/1",
            json!({"id": approval, "type": "QuoteAuthorization"}),
        )
    };
    w.deliver(&carol, withdraw(&carol)).await;
    assert_eq!(quote().await.state(), QuoteState::Accepted);
    w.deliver(&w.bob, withdraw(&w.bob)).await;
    assert_eq!(quote().await.state(), QuoteState::Revoked);
    assert_eq!(w.status_by_id(quoted.id).await.quotes_count, 0);
}
