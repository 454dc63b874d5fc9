//! The ActivityPub documents this server publishes about its own accounts
//! and statuses, shaped as Mastodon shapes them (so that every server that
//! federates with Mastodon reads them): actors, notes, activities and
//! collections.
use ferrodon_db::models::{Account, MediaAttachment, Visibility};
use ferrodon_db::queries::status_views::StatusView;
use serde_json::{json, Value};

use crate::entities::{account as account_entity, timestamp};
use crate::{media, urls, Config};

/// The public collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The `@context` Mastodon sends with actors and objects.
pub fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "featured": { "@id": "toot:featured", "@type": "@id" },
            "featuredTags": { "@id": "toot:featuredTags", "@type": "@id" },
            "alsoKnownAs": { "@id": "as:alsoKnownAs", "@type": "@id" },
            "movedTo": { "@id": "as:movedTo", "@type": "@id" },
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "memorial": "toot:memorial",
            "suspended": "toot:suspended",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "Emoji": "toot:Emoji",
            "focalPoint": { "@container": "@list", "@id": "toot:focalPoint" },
            "blurhash": "toot:blurhash",
            "quote": { "@id": "https://w3id.org/fep/044f#quote", "@type": "@id" },
            "quoteUri": "http://fedibird.com/ns#quoteUri",
            "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
            "gts": "https://gotosocial.org/ns#",
            "interactionPolicy": { "@id": "gts:interactionPolicy", "@type": "@id" },
            "canQuote": { "@id": "gts:canQuote", "@type": "@id" },
            "automaticApproval": { "@id": "gts:automaticApproval", "@type": "@id" },
            "manualApproval": { "@id": "gts:manualApproval", "@type": "@id" }
        }
    ])
}

/// The key id of an actor's RSA key.
pub fn key_id(actor_uri: &str) -> String {
    format!("{actor_uri}#main-key")
}

/// The shared inbox of this server.
pub fn shared_inbox(config: &Config) -> String {
    format!("{}/inbox", config.base_url())
}

fn image(url: &str) -> Value {
    let media_type = match url.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/jpeg",
    };
    json!({ "type": "Image", "mediaType": media_type, "url": url })
}

/// A local account as an actor (`Person`, or `Service` for bots).
pub fn person(config: &Config, account: &Account) -> Value {
    let entity = account_entity::render(config, account);
    let uri = &account.uri;
    let fields: Vec<Value> = entity
        .fields
        .iter()
        .map(|f| json!({ "type": "PropertyValue", "name": f.name, "value": f.value }))
        .collect();
    let mut actor = json!({
        "@context": context(),
        "id": uri,
        "type": if account.bot { "Service" } else { "Person" },
        "following": format!("{uri}/following"),
        "followers": format!("{uri}/followers"),
        "inbox": format!("{uri}/inbox"),
        "outbox": format!("{uri}/outbox"),
        "featured": format!("{uri}/collections/featured"),
        "featuredTags": format!("{uri}/collections/tags"),
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": entity.note,
        "url": urls::account_url(config, &account.username),
        "manuallyApprovesFollowers": account.locked,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "published": timestamp(&account.created_at.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        "memorial": false,
        "publicKey": {
            "id": key_id(uri),
            "owner": uri,
            "publicKeyPem": account.public_key,
        },
        "tag": [],
        "attachment": fields,
        "endpoints": { "sharedInbox": shared_inbox(config) },
    });
    if let Some(obj) = actor.as_object_mut() {
        if let Some(avatar) = &account.avatar_url {
            obj.insert("icon".into(), image(avatar));
        }
        if let Some(header) = &account.header_url {
            obj.insert("image".into(), image(header));
        }
    }
    actor
}

/// The actor of a suspended local account, as Mastodon serves it: the
/// identity and key (so its signed `Update` still verifies) with
/// `suspended: true` and nothing of the profile.
pub fn suspended_person(config: &Config, account: &Account) -> Value {
    let mut actor = person(config, account);
    if let Some(obj) = actor.as_object_mut() {
        obj.insert("name".into(), json!(""));
        obj.insert("summary".into(), json!(""));
        obj.insert("attachment".into(), json!([]));
        obj.insert("tag".into(), json!([]));
        obj.insert("suspended".into(), json!(true));
        obj.remove("icon");
        obj.remove("image");
    }
    actor
}

/// An actor cut down to what verifying its signatures needs, served to
/// unsigned fetches in authorized-fetch mode (as Mastodon does).
pub fn minimal_actor(actor: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for field in [
        "@context",
        "id",
        "type",
        "preferredUsername",
        "inbox",
        "outbox",
        "publicKey",
        "endpoints",
    ] {
        if let Some(value) = actor.get(field) {
            out.insert(field.into(), value.clone());
        }
    }
    Value::Object(out)
}

/// The instance actor (`Application`), which signs fetches made for the
/// server rather than for one of its users.
pub fn instance_actor(config: &Config, account: &Account) -> Value {
    let uri = &account.uri;
    json!({
        "@context": context(),
        "id": uri,
        "type": "Application",
        "inbox": format!("{uri}/inbox"),
        "outbox": format!("{uri}/outbox"),
        "preferredUsername": account.username,
        "url": format!("{}/about/more?instance_actor=true", config.base_url()),
        "manuallyApprovesFollowers": true,
        "publicKey": {
            "id": key_id(uri),
            "owner": uri,
            "publicKeyPem": account.public_key,
        },
        "endpoints": { "sharedInbox": shared_inbox(config) },
    })
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

fn attachment(config: &Config, media: &MediaAttachment) -> Value {
    let url = match (&media.file_key, &media.remote_url) {
        (Some(key), _) => media::public_url(config, key),
        (None, Some(remote)) => remote.clone(),
        (None, None) => String::new(),
    };
    let mut doc = json!({
        "type": "Document",
        "mediaType": media.file_content_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
        "url": url,
        "name": media.description,
        "blurhash": media.blurhash,
    });
    if let Some(obj) = doc.as_object_mut() {
        if let Some(focus) = media.meta.get("focus") {
            obj.insert("focalPoint".into(), json!([focus["x"], focus["y"]]));
        }
        if let Some(original) = media.meta.get("original") {
            obj.insert("width".into(), original["width"].clone());
            obj.insert("height".into(), original["height"].clone());
        }
    }
    doc
}

/// Adds to a local status's note the status it quotes (FEP-044f `quote`,
/// with Fedibird's and Misskey's older names) and who may quote it
/// (`interactionPolicy.canQuote`, from the policy's automatic keys).
pub fn add_quote(note: &mut Value, quoted_uri: Option<&str>, automatic: &[&str], author_uri: &str) {
    let Some(obj) = note.as_object_mut() else {
        return;
    };
    if let Some(uri) = quoted_uri {
        for key in ["quote", "quoteUri", "_misskey_quote"] {
            obj.insert(key.into(), json!(uri));
        }
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
    obj.insert(
        "interactionPolicy".into(),
        json!({ "canQuote": { "automaticApproval": allowed, "manualApproval": [] } }),
    );
}

/// A local status as a `Note`. `parent_uri` is the status it replies to.
pub fn note(
    config: &Config,
    view: &StatusView,
    parent_uri: Option<&str>,
    media: &[MediaAttachment],
    poll: Option<&ferrodon_db::queries::polls::Poll>,
) -> Value {
    let status = &view.status;
    let (to, cc) = audience(view);
    let mut tags: Vec<Value> = view
        .mentions
        .iter()
        .map(|m| {
            let acct = match &m.domain {
                Some(domain) => format!("@{}@{domain}", m.username),
                None => format!("@{}", m.username),
            };
            json!({ "type": "Mention", "href": m.uri, "name": acct })
        })
        .collect();
    tags.extend(view.tags.iter().map(|t| {
        json!({ "type": "Hashtag", "href": urls::tag_url(config, &t.to_lowercase()), "name": format!("#{t}") })
    }));
    let mut note = json!({
        "id": status.uri,
        "type": "Note",
        "summary": (!status.spoiler_text.is_empty()).then_some(&status.spoiler_text),
        "inReplyTo": parent_uri,
        "published": timestamp(&status.created_at),
        "url": status.url,
        "attributedTo": view.account.uri,
        "to": to,
        "cc": cc,
        "sensitive": status.sensitive,
        "content": status.content,
        "attachment": media.iter().map(|m| attachment(config, m)).collect::<Vec<_>>(),
        "tag": tags,
        "replies": {
            "id": format!("{}/replies", status.uri),
            "type": "Collection",
            "first": {
                "type": "CollectionPage",
                "next": format!("{}/replies?page=true", status.uri),
                "partOf": format!("{}/replies", status.uri),
                "items": []
            }
        },
    });
    if let Some(obj) = note.as_object_mut() {
        if let Some(language) = &status.language {
            obj.insert("contentMap".into(), json!({ language: status.content }));
        }
        if let Some(edited) = &status.edited_at {
            obj.insert("updated".into(), json!(timestamp(edited)));
        }
        if let Some(poll) = poll {
            // A poll makes the note a Question, as Mastodon sends it.
            obj.insert("type".into(), json!("Question"));
            let options: Vec<Value> = poll
                .options
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    json!({
                        "type": "Note",
                        "name": name,
                        "replies": { "type": "Collection", "totalItems": poll.tallies.get(i).copied().unwrap_or(0) },
                    })
                })
                .collect();
            obj.insert(
                (if poll.multiple { "anyOf" } else { "oneOf" }).into(),
                Value::Array(options),
            );
            if let Some(end) = &poll.expires_at {
                obj.insert("endTime".into(), json!(timestamp(end)));
                if poll.expired() {
                    obj.insert("closed".into(), json!(timestamp(end)));
                }
            }
            obj.insert("votersCount".into(), json!(poll.voters_count));
        }
    }
    note
}

/// Wraps an object in an activity of `kind` (`Create`, `Update`, …) by
/// `actor`, with the object's audience.
pub fn activity(kind: &str, id: String, actor: &str, object: Value) -> Value {
    json!({
        "@context": context(),
        "id": id,
        "type": kind,
        "actor": actor,
        "published": object.get("published").cloned().unwrap_or(Value::Null),
        "to": object.get("to").cloned().unwrap_or_else(|| json!([])),
        "cc": object.get("cc").cloned().unwrap_or_else(|| json!([])),
        "object": object,
    })
}

/// An `OrderedCollection` with its size and, optionally, a first page.
pub fn ordered_collection(id: &str, total: i64, first: Option<Value>) -> Value {
    let mut doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollection",
        "totalItems": total,
    });
    if let (Some(first), Some(obj)) = (first, doc.as_object_mut()) {
        obj.insert("first".into(), first);
    }
    doc
}

/// An `OrderedCollectionPage` of `items`.
pub fn collection_page(id: &str, part_of: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "OrderedCollectionPage",
        "partOf": part_of,
        "orderedItems": items,
    });
    if let (Some(next), Some(obj)) = (next, doc.as_object_mut()) {
        obj.insert("next".into(), json!(next));
    }
    doc
}

/// The user's `Follow` of `target`, with a stable id.
pub fn follow(actor: &Account, target_uri: &str, follow_id: i64) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/{follow_id}", actor.uri),
        "type": "Follow",
        "actor": actor.uri,
        "object": target_uri,
    })
}
