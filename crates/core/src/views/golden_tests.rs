//! The Status entity with every nested part (media, poll, card, emojis,
//! quote, filter results, application), compared with a golden file
//! written from the `serde_json::Value` builders the typed entities
//! replaced. `FERRODON_WRITE_GOLDEN=1` rewrites the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use ferrodon_db::models::{Account, MediaAttachment, Status as StatusRow};
use ferrodon_db::queries::custom_emojis::CustomEmoji;
use ferrodon_db::queries::filters::Filter;
use ferrodon_db::queries::polls::Poll;
use ferrodon_db::queries::preview_cards::PreviewCard;
use ferrodon_db::queries::status_views::{MentionedAccount, StatusView};
use serde_json::{json, Value};

use crate::entities::quote::Quote;
use crate::entities::status::{self, Status};
use crate::entities::{filter, media_attachment, poll};
use crate::Config;

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

fn account(username: &str, id: i64, domain: Option<&str>) -> Account {
    let uri = format!("https://social.example/users/{username}");
    Account {
        id,
        username: username.into(),
        domain: domain.map(str::to_owned),
        display_name: format!("{username} :blob:"),
        note: "Hello".into(),
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
        public_key: String::new(),
        private_key: None,
        avatar_url: None,
        header_url: None,
        fields: json!([]),
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

fn row(id: i64) -> StatusRow {
    StatusRow {
        id,
        uri: format!("https://social.example/users/alice/statuses/{id}"),
        url: Some(format!("https://social.example/@alice/{id}")),
        account_id: 1,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog_of_id: None,
        text: "hi :blob: https://blog.example/".into(),
        content: "<p>hi :blob: https://blog.example/</p>".into(),
        spoiler_text: String::new(),
        sensitive: false,
        visibility: 0,
        language: Some("en".into()),
        local: true,
        application_id: Some(3),
        created_at: at(3),
        updated_at: at(3),
        edited_at: Some(at(4)),
        replies_count: 1,
        reblogs_count: 2,
        favourites_count: 3,
        quotes_count: 4,
        quote_approval_policy: 0,
    }
}

fn view(status: StatusRow) -> StatusView {
    StatusView {
        status,
        account: account("alice", 1, None),
        mentions: vec![MentionedAccount {
            id: 2,
            username: "bob".into(),
            domain: Some("remote.example".into()),
            url: None,
            uri: "https://remote.example/users/bob".into(),
        }],
        tags: vec!["Rust".into()],
        application: Some(("Tusky".into(), Some("https://tusky.app".into()))),
        favourited: true,
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
        small_key: local.then(|| format!("media_attachments/files/{id}/small.png")),
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

fn a_poll(hide_totals: bool) -> Poll {
    Poll {
        id: 5,
        status_id: 10,
        account_id: 1,
        options: vec!["yes".into(), "no".into(), "maybe".into()],
        tallies: vec![3, 1],
        multiple: false,
        hide_totals,
        votes_count: 4,
        voters_count: 4,
        expires_at: Some(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap()),
        notified_at: None,
        created_at: at(3),
        updated_at: at(3),
    }
}

fn emoji(category: Option<&str>) -> CustomEmoji {
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
        category: category.map(str::to_owned),
        updated_at: at(4),
    }
}

fn card() -> PreviewCard {
    PreviewCard {
        id: 9,
        url: "https://blog.example/".into(),
        title: "A blog".into(),
        description: "Long read".into(),
        kind: "link".into(),
        author_name: "Ann".into(),
        author_url: String::new(),
        provider_name: "The Blog".into(),
        provider_url: "https://blog.example".into(),
        image_url: Some("https://blog.example/cover.png".into()),
        width: 1200,
        height: 630,
        language: None,
        published_at: Some(at(2)),
    }
}

fn a_filter(action: &str) -> Filter {
    Filter {
        id: 11,
        account_id: 2,
        title: "cats".into(),
        context: vec!["home".into(), "public".into()],
        action: action.into(),
        expires_at: Some(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap()),
    }
}

/// Renders the statuses the golden file holds.
fn statuses() -> Vec<(&'static str, Status)> {
    let config = config();
    let full = {
        let mut s = status::render(&config, &view(row(10)), Some(2), None, false);
        s.media_attachments = vec![
            media_attachment::render(&config, &media(20, true)),
            media_attachment::render(&config, &media(21, false)),
        ];
        s.poll = Some(poll::render(&a_poll(false), Some(&[0])));
        s.card = Some(crate::cards::render(&card()));
        s.emojis = vec![crate::custom_emojis::entity(&emoji(None))];
        s.account.emojis = vec![crate::custom_emojis::entity(&emoji(Some("blobs")))];
        s.filtered = vec![
            filter::render_result(&a_filter("warn"), Some(vec!["cat".into()]), None),
            filter::render_result(&a_filter("hide"), None, Some(vec![10])),
        ];
        s
    };
    let signed_out = {
        let mut s = status::render(&config, &view(row(12)), None, None, false);
        s.poll = Some(poll::render(&a_poll(true), None));
        s
    };
    let quoted = status::render(&config, &view(row(13)), Some(2), None, false);
    let shallow = {
        let mut s = quoted.clone();
        s.quote = Some(Quote::shallow("accepted", Some(14)));
        s
    };
    let quoting = {
        let mut s = status::render(&config, &view(row(15)), Some(2), None, false);
        s.quote = Some(Quote::full("accepted", Some(shallow)));
        s
    };
    let pending = {
        let mut s = status::render(&config, &view(row(16)), Some(2), None, false);
        s.quote = Some(Quote::full("pending", None));
        s
    };
    let reblog = {
        let mut r = row(17);
        r.reblog_of_id = Some(10);
        r.application_id = None;
        let mut v = view(r);
        v.application = None;
        status::render(&config, &v, Some(1), Some(full.clone()), false)
    };
    vec![
        ("full", full),
        ("signed_out", signed_out),
        ("quoting", quoting),
        ("pending_quote", pending),
        ("reblog", reblog),
    ]
}

#[test]
fn statuses_render_as_the_golden_file_says() {
    let rendered: Value = statuses()
        .into_iter()
        .map(|(name, s)| (name.to_owned(), serde_json::to_value(s).unwrap()))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/rest_golden/statuses.json"
    );
    if std::env::var_os("FERRODON_WRITE_GOLDEN").is_some() {
        std::fs::write(
            path,
            serde_json::to_string_pretty(&rendered).unwrap() + "\n",
        )
        .unwrap();
    }
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(rendered, golden);
}
