//! The ActivityPub documents this server publishes about its own accounts
//! and statuses, shaped as Mastodon shapes them (so that every server that
//! federates with Mastodon reads them): actors, notes, activities and
//! collections, as the typed documents of [`ferrodon_apub::activitypub::outbound`].
use std::collections::BTreeMap;

use ferrodon_apub::activitypub::outbound::{self as ap, Context, PageRef};
use ferrodon_apub::activitypub::{ActivityKind, ActorKind, CollectionKind, ObjectKind};
use ferrodon_db::models::{Account, MediaAttachment, Visibility};
use ferrodon_db::queries::custom_emojis::CustomEmoji;
use ferrodon_db::queries::status_views::StatusView;

use crate::entities::{account as account_entity, timestamp};
use crate::{media, urls, Config};

/// The public collection.
pub const PUBLIC: &str = ferrodon_apub::activitypub::PUBLIC_COLLECTION;

/// The `@context` Mastodon sends with actors and objects.
pub fn context() -> Context {
    Context::Mastodon
}

/// The key id of an actor's RSA key.
pub fn key_id(actor_uri: &str) -> String {
    format!("{actor_uri}#main-key")
}

/// The shared inbox of this server.
pub fn shared_inbox(config: &Config) -> String {
    format!("{}/inbox", config.base_url())
}

/// An avatar or header, its media type guessed from the extension.
fn image(url: &str) -> ap::Image {
    let media_type = match url.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/jpeg",
    };
    ap::Image {
        media_type: media_type.into(),
        url: url.into(),
    }
}

fn public_key(account: &Account) -> ap::PublicKey {
    ap::PublicKey {
        id: key_id(&account.uri),
        owner: account.uri.clone(),
        public_key_pem: account.public_key.clone(),
    }
}

fn endpoints(config: &Config) -> ap::Endpoints {
    ap::Endpoints {
        shared_inbox: shared_inbox(config),
    }
}

/// A local account as an actor (`Person`, or `Service` for bots).
pub fn person(config: &Config, account: &Account) -> ap::Actor {
    let entity = account_entity::render(config, account);
    let uri = &account.uri;
    let fields = entity
        .fields
        .into_iter()
        .map(|f| ap::PropertyValue {
            name: f.name,
            value: f.value,
        })
        .collect();
    let created = account
        .created_at
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    ap::Actor {
        context: Some(Context::Mastodon),
        id: uri.clone(),
        kind: if account.bot {
            ActorKind::Service
        } else {
            ActorKind::Person
        },
        following: Some(format!("{uri}/following")),
        followers: Some(format!("{uri}/followers")),
        inbox: format!("{uri}/inbox"),
        outbox: format!("{uri}/outbox"),
        featured: Some(format!("{uri}/collections/featured")),
        featured_tags: Some(format!("{uri}/collections/tags")),
        preferred_username: account.username.clone(),
        name: Some(account.display_name.clone()),
        summary: Some(entity.note),
        url: Some(urls::account_url(config, &account.username)),
        manually_approves_followers: Some(account.locked),
        discoverable: Some(account.discoverable),
        indexable: Some(account.indexable),
        published: Some(timestamp(&created)),
        memorial: Some(false),
        public_key: public_key(account),
        tag: Some(Vec::new()),
        attachment: Some(fields),
        endpoints: endpoints(config),
        icon: account.avatar_url.as_deref().map(image),
        image: account.header_url.as_deref().map(image),
        ..ap::Actor::default()
    }
}

/// The actor of a suspended local account, as Mastodon serves it: the
/// identity and key (so its signed `Update` still verifies) with
/// `suspended: true` and nothing of the profile.
pub fn suspended_person(config: &Config, account: &Account) -> ap::Actor {
    ap::Actor {
        name: Some(String::new()),
        summary: Some(String::new()),
        attachment: Some(Vec::new()),
        tag: Some(Vec::new()),
        suspended: Some(true),
        icon: None,
        image: None,
        ..person(config, account)
    }
}

/// An actor cut down to what verifying its signatures needs, served to
/// unsigned fetches in authorized-fetch mode (as Mastodon does).
pub fn minimal_actor(actor: &ap::Actor) -> ap::Actor {
    actor.minimal()
}

/// The instance actor (`Application`), which signs fetches made for the
/// server rather than for one of its users.
pub fn instance_actor(config: &Config, account: &Account) -> ap::Actor {
    let uri = &account.uri;
    ap::Actor {
        context: Some(Context::Mastodon),
        id: uri.clone(),
        kind: ActorKind::Application,
        inbox: format!("{uri}/inbox"),
        outbox: format!("{uri}/outbox"),
        preferred_username: account.username.clone(),
        url: Some(format!(
            "{}/about/more?instance_actor=true",
            config.base_url()
        )),
        manually_approves_followers: Some(true),
        public_key: public_key(account),
        endpoints: endpoints(config),
        ..ap::Actor::default()
    }
}

/// The `Emoji` tag of a local custom emoji.
pub fn emoji_tag(config: &Config, emoji: &CustomEmoji) -> ap::Tag {
    ap::Tag::Emoji {
        id: format!("{}/emojis/{}", config.base_url(), emoji.id),
        name: format!(":{}:", emoji.shortcode),
        updated: timestamp(&emoji.updated_at),
        icon: ap::Image {
            media_type: emoji
                .image_content_type
                .clone()
                .unwrap_or_else(|| "image/png".into()),
            url: emoji.image_url.clone(),
        },
    }
}

/// `to` and `cc` of a status, by visibility, as Mastodon addresses them.
pub fn audience(view: &StatusView) -> (Vec<String>, Vec<String>) {
    let followers = format!("{}/followers", view.account.uri);
    let mentioned: Vec<String> = view.mentions.iter().map(|m| m.uri.clone()).collect();
    match view.status.visibility() {
        Visibility::Public => (vec![PUBLIC.into()], [vec![followers], mentioned].concat()),
        Visibility::Unlisted => (vec![followers], [vec![PUBLIC.into()], mentioned].concat()),
        Visibility::Private => (vec![followers], mentioned),
        Visibility::Direct => (mentioned, Vec::new()),
    }
}

fn attachment(config: &Config, media: &MediaAttachment) -> ap::Attachment {
    let url = match (&media.file_key, &media.remote_url) {
        (Some(key), _) => media::public_url(config, key),
        (None, Some(remote)) => remote.clone(),
        (None, None) => String::new(),
    };
    let coordinate = |focus: &serde_json::Value, axis: &str| focus[axis].as_f64().unwrap_or(0.0);
    let original = media.meta.get("original");
    let size = |dimension: &str| original.and_then(|o| o[dimension].as_u64());
    ap::Attachment {
        media_type: media
            .file_content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into()),
        url,
        name: media.description.clone(),
        blurhash: media.blurhash.clone(),
        focal_point: media
            .meta
            .get("focus")
            .map(|focus| [coordinate(focus, "x"), coordinate(focus, "y")]),
        width: size("width"),
        height: size("height"),
    }
}

/// Adds to a local status's note the status it quotes (FEP-044f `quote`,
/// with Fedibird's and Misskey's older names) and who may quote it
/// (`interactionPolicy.canQuote`, from the policy's automatic keys).
/// The approval of the quote, once given, is `quoteAuthorization`.
pub fn add_quote(
    note: &mut ap::Note,
    quoted_uri: Option<&str>,
    authorization: Option<&str>,
    automatic: &[&str],
    author_uri: &str,
) {
    if let Some(uri) = quoted_uri {
        note.set_quote(uri);
        note.quote_authorization = authorization.map(str::to_owned);
    }
    let allowed: Vec<String> = automatic
        .iter()
        .filter_map(|key| match *key {
            "public" => Some(PUBLIC.to_owned()),
            "followers" => Some(format!("{author_uri}/followers")),
            _ => None,
        })
        .chain(std::iter::once(author_uri.to_owned()))
        .collect();
    note.interaction_policy = Some(ap::InteractionPolicy {
        can_quote: ap::Approval {
            automatic_approval: allowed,
            manual_approval: Vec::new(),
        },
    });
}

/// The id of a local author's approval of quote `quote_id` of one of
/// their posts, where it is served (as Mastodon's
/// `/users/:name/quote_authorizations/:id`).
pub fn quote_authorization_id(quoted_author_uri: &str, quote_id: i64) -> String {
    format!("{quoted_author_uri}/quote_authorizations/{quote_id}")
}

/// A local author's approval of a quote of one of their posts.
pub fn quote_authorization(
    quoted_author_uri: &str,
    quote_id: i64,
    quoting_uri: &str,
    quoted_uri: &str,
) -> ap::QuoteAuthorization {
    ap::QuoteAuthorization {
        context: None,
        id: quote_authorization_id(quoted_author_uri, quote_id),
        attributed_to: quoted_author_uri.to_owned(),
        interacting_object: quoting_uri.to_owned(),
        interaction_target: quoted_uri.to_owned(),
    }
}

/// The `QuoteRequest` `actor` sends for its post `instrument` quoting
/// `object`, with id `id`.
pub fn quote_request(id: &str, actor: &str, object: &str, instrument: &str) -> ap::Activity {
    ap::Activity {
        context: Some(Context::Quotes),
        instrument: Some(instrument.to_owned()),
        ..ap::Activity::new(ActivityKind::QuoteRequest, id, actor, object)
    }
}

/// The `replies` of a note: the collection with an empty first page.
fn replies(status_uri: &str) -> ap::Collection<String> {
    let id = format!("{status_uri}/replies");
    let first = ap::Collection {
        kind: CollectionKind::CollectionPage,
        next: Some(format!("{id}?page=true")),
        part_of: Some(id.clone()),
        items: Some(Vec::new()),
        ..ap::Collection::default()
    };
    ap::Collection {
        id: Some(id),
        kind: CollectionKind::Collection,
        first: Some(PageRef::Page(Box::new(first))),
        ..ap::Collection::default()
    }
}

/// A poll option with its tally.
fn poll_option(name: &str, votes: i32) -> ap::PollOption {
    ap::PollOption {
        name: name.to_owned(),
        replies: ap::Collection {
            kind: CollectionKind::Collection,
            total_items: Some(i64::from(votes)),
            ..ap::Collection::default()
        },
    }
}

/// A local status as a `Note`. `parent_uri` is the status it replies to.
pub fn note(
    config: &Config,
    view: &StatusView,
    parent_uri: Option<&str>,
    media: &[MediaAttachment],
    poll: Option<&ferrodon_db::queries::polls::Poll>,
) -> ap::Note {
    let status = &view.status;
    let (to, cc) = audience(view);
    let mentions = view.mentions.iter().map(|m| {
        let name = match &m.domain {
            Some(domain) => format!("@{}@{domain}", m.username),
            None => format!("@{}", m.username),
        };
        ap::Tag::Mention {
            href: m.uri.clone(),
            name,
        }
    });
    let hashtags = view.tags.iter().map(|t| ap::Tag::Hashtag {
        href: urls::tag_url(config, &t.to_lowercase()),
        name: format!("#{t}"),
    });
    let mut note = ap::Note {
        id: status.uri.clone(),
        kind: ObjectKind::Note,
        summary: (!status.spoiler_text.is_empty()).then(|| status.spoiler_text.clone()),
        in_reply_to: parent_uri.map(str::to_owned),
        published: timestamp(&status.created_at),
        updated: status.edited_at.as_ref().map(timestamp),
        url: status.url.clone(),
        attributed_to: view.account.uri.clone(),
        to,
        cc,
        sensitive: status.sensitive,
        content: status.content.clone(),
        content_map: status
            .language
            .as_ref()
            .map(|language| BTreeMap::from([(language.clone(), status.content.clone())])),
        attachment: media.iter().map(|m| attachment(config, m)).collect(),
        tag: mentions.chain(hashtags).collect(),
        replies: replies(&status.uri),
        ..ap::Note::default()
    };
    if let Some(poll) = poll {
        // A poll makes the note a Question, as Mastodon sends it.
        note.kind = ObjectKind::Question;
        let options = poll
            .options
            .iter()
            .enumerate()
            .map(|(i, name)| poll_option(name, poll.tallies.get(i).copied().unwrap_or(0)))
            .collect();
        if poll.multiple {
            note.any_of = Some(options);
        } else {
            note.one_of = Some(options);
        }
        if let Some(end) = &poll.expires_at {
            note.end_time = Some(timestamp(end));
            if poll.expired() {
                note.closed = Some(timestamp(end));
            }
        }
        note.voters_count = Some(i64::from(poll.voters_count));
    }
    note
}

/// Wraps a note in an activity of `kind` (`Create`, `Update`) by `actor`,
/// with the note's audience and date.
pub fn activity(kind: ActivityKind, id: String, actor: &str, note: ap::Note) -> ap::Activity {
    ap::Activity {
        context: Some(Context::Mastodon),
        id,
        kind,
        actor: actor.to_owned(),
        published: Some(note.published.clone()),
        to: Some(note.to.clone()),
        cc: Some(note.cc.clone()),
        object: Some(note.into()),
        ..ap::Activity::default()
    }
}

/// An `OrderedCollection` with its size and, optionally, its first page's URL.
pub fn ordered_collection<T>(id: &str, total: i64, first: Option<String>) -> ap::Collection<T> {
    ap::Collection::ordered(id, total, first)
}

/// An `OrderedCollection` of all its `items`, without pages (featured
/// statuses and hashtags).
pub fn ordered_collection_of<T>(id: &str, items: Vec<T>) -> ap::Collection<T> {
    ap::Collection {
        total_items: Some(items.len() as i64),
        ordered_items: Some(items),
        ..ap::Collection::ordered(id, 0, None)
    }
}

/// The replies collection of the status `status_uri`, served on its own:
/// a link to its first page.
pub fn replies_collection(status_uri: &str) -> ap::Collection<String> {
    let id = format!("{status_uri}/replies");
    ap::Collection {
        context: Some(Context::ActivityStreams),
        first: Some(PageRef::Url(format!("{id}?page=true"))),
        id: Some(id),
        kind: CollectionKind::Collection,
        ..ap::Collection::default()
    }
}

/// An `OrderedCollectionPage` of `items`.
pub fn collection_page<T>(
    id: &str,
    part_of: &str,
    items: Vec<T>,
    next: Option<String>,
) -> ap::Collection<T> {
    ap::Collection::ordered_page(id, part_of, items, next)
}

/// The user's `Follow` of `target`, with a stable id.
pub fn follow(actor: &Account, target_uri: &str, follow_id: i64) -> ap::Activity {
    ap::Activity::new(
        ActivityKind::Follow,
        format!("{}#follows/{follow_id}", actor.uri),
        &actor.uri,
        target_uri,
    )
}
