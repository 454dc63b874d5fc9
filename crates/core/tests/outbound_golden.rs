//! The ActivityPub documents this server sends, compared with golden files
//! written from the hand-built `json!` documents they replaced
//! (`crates/apub/tests/outbound_golden/`): same keys, same values, same
//! `@context`. `FERRODON_WRITE_GOLDEN=1` rewrites the files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use ferrodon_core::apub::activitypub::outbound as ap;
use ferrodon_core::apub::activitypub::ActivityKind;
use ferrodon_core::db::models::{Account, MediaAttachment, Status};
use ferrodon_core::db::queries::custom_emojis::CustomEmoji;
use ferrodon_core::db::queries::polls::Poll;
use ferrodon_core::db::queries::status_views::{MentionedAccount, StatusView};
use ferrodon_core::federation::{documents, outbox, relays, sync};
use ferrodon_core::Config;
use serde_json::{json, Value};

fn config() -> Config {
    Config::from_vars(
        [
            ("LOCAL_DOMAIN", "social.example"),
            ("SECRET_KEY_BASE", "0123456789abcdef0123456789abcdef0123"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    )
    .unwrap()
}

fn at(day: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 34, 56).unwrap()
}

fn account(username: &str, id: i64) -> Account {
    let uri = format!("https://social.example/users/{username}");
    Account {
        id,
        username: username.into(),
        domain: None,
        display_name: format!("{username} :blob:"),
        note: "Hello, I write <b>things</b>.\n\n#rust".into(),
        locked: false,
        bot: false,
        discoverable: true,
        indexable: false,
        hide_collections: false,
        uri: uri.clone(),
        url: Some(format!("https://social.example/@{username}")),
        inbox_url: format!("{uri}/inbox"),
        shared_inbox_url: "https://social.example/inbox".into(),
        outbox_url: format!("{uri}/outbox"),
        followers_url: format!("{uri}/followers"),
        public_key: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n".into(),
        private_key: None,
        avatar_url: Some("https://social.example/system/avatars/1.png".into()),
        header_url: Some("https://social.example/system/headers/1.jpg".into()),
        fields: json!([
            { "name": "Site", "value": "https://alice.example" },
            { "name": "Pronouns", "value": "she/her" }
        ]),
        suspended_at: None,
        silenced_at: None,
        created_at: at(1),
        updated_at: at(2),
        last_status_at: None,
        statuses_count: 3,
        followers_count: 2,
        following_count: 1,
        sensitized_at: None,
    }
}

fn remote(username: &str, id: i64) -> Account {
    let uri = format!("https://remote.example/users/{username}");
    Account {
        domain: Some("remote.example".into()),
        uri: uri.clone(),
        inbox_url: format!("{uri}/inbox"),
        shared_inbox_url: "https://remote.example/inbox".into(),
        ..account(username, id)
    }
}

fn status(id: i64, visibility: i16) -> Status {
    let uri = format!("https://social.example/users/alice/statuses/{id}");
    Status {
        id,
        uri: uri.clone(),
        url: Some(format!("https://social.example/@alice/{id}")),
        account_id: 1,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog_of_id: None,
        text: "hi @bob #Rust".into(),
        content: "<p>hi @bob #Rust</p>".into(),
        spoiler_text: String::new(),
        sensitive: false,
        visibility,
        language: Some("en".into()),
        local: true,
        application_id: None,
        created_at: at(3),
        updated_at: at(3),
        edited_at: None,
        replies_count: 0,
        reblogs_count: 0,
        favourites_count: 0,
        quotes_count: 0,
        quote_approval_policy: 0,
    }
}

fn view(status: Status) -> StatusView {
    StatusView {
        status,
        account: account("alice", 1),
        mentions: vec![
            MentionedAccount {
                id: 2,
                username: "bob".into(),
                domain: Some("remote.example".into()),
                url: None,
                uri: "https://remote.example/users/bob".into(),
            },
            MentionedAccount {
                id: 3,
                username: "carol".into(),
                domain: None,
                url: None,
                uri: "https://social.example/users/carol".into(),
            },
        ],
        tags: vec!["Rust".into()],
        application: None,
        favourited: false,
        reblogged: false,
        bookmarked: false,
        pinned: false,
    }
}

fn media(id: i64, local: bool) -> MediaAttachment {
    MediaAttachment {
        id,
        account_id: 1,
        status_id: Some(10),
        kind: "image".into(),
        file_key: local.then(|| format!("media_attachments/files/{id}/original.png")),
        remote_url: (!local).then(|| "https://remote.example/m/1.jpg".into()),
        description: local.then(|| "a cat".into()),
        blurhash: local.then(|| "LEHV6nWB2yk8pyo0adR*.7kCMdnj".into()),
        meta: if local {
            json!({ "focus": { "x": -0.5, "y": 0.25 }, "original": { "width": 640, "height": 480 } })
        } else {
            json!({})
        },
        created_at: at(3),
        processing: 2,
        file_content_type: local.then(|| "image/png".into()),
        file_size: 1,
        small_key: None,
        upload_key: None,
        preview_remote_url: None,
        cached_at: None,
        accessed_at: None,
        processing_error: None,
        updated_at: at(3),
        scheduled_status_id: None,
        thumbnail_key: None,
    }
}

fn poll(multiple: bool, expires_at: Option<chrono::DateTime<Utc>>) -> Poll {
    Poll {
        id: 5,
        status_id: 10,
        account_id: 1,
        options: vec!["yes".into(), "no".into(), "maybe".into()],
        tallies: vec![3, 1],
        multiple,
        hide_totals: false,
        votes_count: 4,
        voters_count: 4,
        expires_at,
        notified_at: None,
        created_at: at(3),
        updated_at: at(3),
    }
}

fn emoji() -> CustomEmoji {
    CustomEmoji {
        id: 7,
        shortcode: "blob".into(),
        domain: None,
        uri: None,
        image_url: "https://social.example/system/custom_emojis/7.png".into(),
        visible_in_picker: true,
        disabled: false,
        image_file_key: None,
        image_content_type: Some("image/png".into()),
        category: None,
        updated_at: at(4),
    }
}

fn v<T: serde::Serialize>(document: T) -> Value {
    serde_json::to_value(document).unwrap()
}

/// Every document, by golden file name.
fn documents() -> Vec<(&'static str, Value)> {
    let config = config();
    let alice = account("alice", 1);
    let bob = remote("bob", 2);
    let mut bot = account("robot", 4);
    bot.bot = true;
    bot.locked = true;
    bot.avatar_url = None;
    bot.header_url = Some("https://social.example/system/headers/4.webp".into());
    bot.fields = json!([]);
    let mut suspended = account("gone", 6);
    suspended.suspended_at = Some(at(5));
    let mut instance = account("social.example", -99);
    instance.uri = "https://social.example/actor".into();

    let public = view(status(10, 0));
    let mut unlisted = status(11, 1);
    unlisted.spoiler_text = "cw: cats".into();
    unlisted.sensitive = true;
    unlisted.language = None;
    unlisted.edited_at = Some(at(4));
    unlisted.quote_approval_policy = 0b11 << 16;
    let unlisted = view(unlisted);
    let private = view(status(12, 2));
    let direct = view(status(13, 3));

    let note = documents::note(&config, &public, None, &[], None);
    let mut quoting = documents::note(
        &config,
        &unlisted,
        Some("https://remote.example/users/bob/statuses/1"),
        &[media(20, true), media(21, false)],
        None,
    );
    documents::add_quote(
        &mut quoting,
        Some("https://remote.example/users/bob/statuses/2"),
        Some("https://remote.example/users/bob/quote_authorizations/7"),
        &["public", "followers"],
        &alice.uri,
    );
    let mut plain = note.clone();
    documents::add_quote(&mut plain, None, None, &[], &alice.uri);
    let question_open = documents::note(
        &config,
        &private,
        None,
        &[],
        Some(&poll(
            false,
            Some(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap()),
        )),
    );
    let question_closed =
        documents::note(&config, &direct, None, &[], Some(&poll(true, Some(at(4)))));
    let question_endless = documents::note(&config, &public, None, &[], Some(&poll(true, None)));
    let person = documents::person(&config, &alice);
    let create = documents::activity(
        ActivityKind::Create,
        format!("{}/activity", public.status.uri),
        &alice.uri,
        plain.clone(),
    );
    let update = documents::activity(
        ActivityKind::Update,
        format!("{}#updates/1", public.status.uri),
        &alice.uri,
        quoting.clone(),
    );
    let follow = outbox::follow_activity(&alice, &bob);
    vec![
        ("person", v(person.clone())),
        ("service", v(documents::person(&config, &bot))),
        (
            "suspended_person",
            v(documents::suspended_person(&config, &suspended)),
        ),
        ("minimal_actor", v(documents::minimal_actor(&person))),
        (
            "instance_actor",
            v(documents::instance_actor(&config, &instance)),
        ),
        ("emoji_tag", v(documents::emoji_tag(&config, &emoji()))),
        ("note_public", v(plain)),
        ("note_unlisted_quote", v(quoting)),
        (
            "note_private",
            v(documents::note(&config, &private, None, &[], None)),
        ),
        (
            "note_direct",
            v(documents::note(&config, &direct, None, &[], None)),
        ),
        ("question_open", v(question_open)),
        ("question_closed", v(question_closed)),
        ("question_endless", v(question_endless)),
        ("create", v(create)),
        ("update", v(update)),
        (
            "ordered_collection",
            v(documents::ordered_collection::<String>(
                "https://social.example/users/alice/outbox",
                3,
                Some("https://social.example/users/alice/outbox?page=true".into()),
            )),
        ),
        (
            "ordered_collection_bare",
            v(documents::ordered_collection::<String>(
                "https://social.example/users/alice/collections/tags",
                0,
                None,
            )),
        ),
        (
            "collection_page",
            v(documents::collection_page(
                "https://social.example/users/alice/followers?page=1",
                "https://social.example/users/alice/followers",
                vec!["https://remote.example/users/bob".to_owned()],
                Some("https://social.example/users/alice/followers?page=1&max_id=5".into()),
            )),
        ),
        (
            "collection_page_last",
            v(documents::collection_page(
                "https://social.example/users/alice/statuses/10/replies?page=true",
                "https://social.example/users/alice/statuses/10/replies",
                Vec::<String>::new(),
                None,
            )),
        ),
        (
            "follow_documents",
            v(documents::follow(&alice, &bob.uri, 9)),
        ),
        ("follow", v(follow.clone())),
        ("undo_follow", v(outbox::undo(&alice, follow))),
        (
            "accept",
            v(outbox::answer_follow(
                "Accept",
                &alice,
                &bob,
                "https://remote.example/f/1",
            )),
        ),
        (
            "reject",
            v(outbox::answer_follow(
                "Reject",
                &alice,
                &bob,
                "https://remote.example/f/2",
            )),
        ),
        ("block", v(outbox::block_activity(&alice, &bob))),
        ("like", v(outbox::like(&alice, &status(30, 0)))),
        (
            "undo_like",
            v(outbox::undo(&alice, outbox::like(&alice, &status(30, 0)))),
        ),
        (
            "add",
            v(outbox::featured_change(&alice, &public.status, true)),
        ),
        (
            "remove",
            v(outbox::featured_change(&alice, &public.status, false)),
        ),
    ]
}

/// The documents built in async functions (delivery, serving), from the
/// same inputs as the `json!` literals they replaced (see this file's
/// history for the literals that wrote the golden files).
fn inline() -> Vec<(&'static str, Value)> {
    let config = config();
    let author = account("alice", 1);
    let public = view(status(10, 0));
    let status = &public.status;
    let uri = &status.uri;
    let (to, mut cc) = documents::audience(&public);
    cc.push("https://remote.example/users/bob".into());
    let original_uri = "https://remote.example/users/bob/statuses/1";
    let mentioned = [remote("bob", 2)];
    let person = documents::person(&config, &author);
    let notes = vec![documents::note(&config, &public, None, &[], None)];
    let note_standalone = ap::Note {
        context: Some(documents::context()),
        ..documents::note(&config, &public, None, &[], None)
    };
    let follow_id = "https://social.example/relays/1#follow";
    vec![
        (
            "announce",
            v(outbox::announce(status, &author, original_uri, to, cc)),
        ),
        ("undo_announce", v(outbox::undo_announce(&author, uri))),
        (
            "delete",
            v(outbox::deletion(
                &author,
                uri,
                vec![documents::PUBLIC.into()],
            )),
        ),
        (
            "delete_to_mentioned",
            v(outbox::deletion(
                &author,
                uri,
                mentioned.iter().map(|a| a.uri.clone()).collect(),
            )),
        ),
        (
            "update_actor",
            v(outbox::actor_update(&author, person, 1_700_000_000_000)),
        ),
        ("replies", v(documents::replies_collection(uri))),
        (
            "featured",
            v(documents::ordered_collection_of(
                &format!("{}/collections/featured", author.uri),
                notes,
            )),
        ),
        (
            "featured_tags",
            v(documents::ordered_collection_of::<ap::Tag>(
                &format!("{}/collections/tags", author.uri),
                Vec::new(),
            )),
        ),
        ("note_standalone", v(note_standalone)),
        (
            "followers_synchronization",
            v(sync::synchronization_collection(
                &author,
                vec!["https://remote.example/users/bob".into()],
            )),
        ),
        ("relay_follow", v(relays::follow_of(&author, follow_id))),
        (
            "relay_undo",
            v(relays::follow_of(&author, follow_id).undo(&author.uri)),
        ),
        (
            "quote_request",
            v(documents::quote_request(
                &format!("{uri}/quote_request"),
                &author.uri,
                original_uri,
                uri,
            )),
        ),
        (
            "quote_authorization",
            v(ap::QuoteAuthorization {
                context: Some(ap::Context::Quotes),
                ..documents::quote_authorization(&author.uri, 7, original_uri, uri)
            }),
        ),
    ]
}

/// Activities services send (see this file's history for the `json!`
/// literals they replaced).
fn services() -> Vec<(&'static str, Value)> {
    let account = account("alice", 1);
    let target = remote("alice", 8);
    let author = remote("bob", 2);
    let status = "https://remote.example/users/bob/statuses/3";
    vec![
        ("move", v(outbox::move_activity(&account, &target))),
        (
            "vote",
            v(outbox::poll_vote(&account, &author, 5, 1, "no", status)),
        ),
    ]
}

#[test]
fn outbound_documents_match_their_golden_files() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../apub/tests/outbound_golden");
    let write = std::env::var_os("FERRODON_WRITE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, document) in documents().into_iter().chain(inline()).chain(services()) {
        let path = dir.join(format!("{name}.json"));
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            let mut text = serde_json::to_string_pretty(&document).unwrap();
            text.push('\n');
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if golden != document {
            failures.push(format!(
                "{name}: expected\n{}\ngot\n{}",
                serde_json::to_string_pretty(&golden).unwrap(),
                serde_json::to_string_pretty(&document).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
