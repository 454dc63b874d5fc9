//! Real documents from Mastodon, GoToSocial, Pleroma, Akkoma, Misskey,
//! Sharkey, Lemmy and PeerTube (see `fixtures/README.md` for where each one
//! comes from), read through [`parse_document`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use ferrodon_apub::activitypub::{
    parse_document, Activity, ActivityKind, Actor, ActorKind, AttachmentKind, Collection,
    CollectionKind, Document, DocumentClass, Limits, Object, ObjectKind, TagKind, Visibility,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(name: &str) -> Document {
    let path = fixtures_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_document(&bytes, Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Loads a fixture that must be of the kind `pick` selects.
fn load_as<T: Clone>(name: &str, pick: impl Fn(&Document) -> Option<&T>) -> T {
    let document = load(name);
    pick(&document)
        .cloned()
        .unwrap_or_else(|| panic!("{name}: unexpected {:?}", document.class()))
}

fn actor(name: &str) -> Actor {
    load_as(name, Document::as_actor)
}

fn object(name: &str) -> Object {
    load_as(name, Document::as_object)
}

fn activity(name: &str) -> Activity {
    load_as(name, Document::as_activity)
}

fn collection(name: &str) -> Collection {
    load_as(name, Document::as_collection)
}

/// The object a Create (or Announce of a Create) carries.
fn created(activity: &Activity) -> &Object {
    activity
        .embedded_object()
        .and_then(Document::as_object)
        .unwrap_or_else(|| panic!("{}: no embedded object", activity.id))
}

#[test]
fn every_fixture_parses_into_a_known_class() {
    let mut count = 0;
    for software in std::fs::read_dir(fixtures_dir()).unwrap() {
        let software = software.unwrap().path();
        if !software.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&software).unwrap() {
            let path = file.unwrap().path();
            let name = path.strip_prefix(fixtures_dir()).unwrap().to_str().unwrap();
            let document = load(name);
            assert_ne!(document.class(), DocumentClass::Other, "{name}");
            count += 1;
        }
    }
    assert!(count >= 40, "only {count} fixtures");
}

/// Checks what every actor fixture must have for federation to work.
fn assert_federatable(actor: &Actor) {
    assert!(
        actor
            .inbox
            .as_deref()
            .is_some_and(|i| i.starts_with("http")),
        "{}",
        actor.id
    );
    let key = actor
        .main_key()
        .unwrap_or_else(|| panic!("{}: no key", actor.id));
    let key_id = key.id.as_deref().unwrap();
    assert!(key_id.starts_with(&actor.id), "{key_id}");
    assert_eq!(actor.public_key(key_id), Some(key));
    assert!(key
        .public_key_pem
        .as_deref()
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));
}

#[test]
fn mastodon_actor() {
    let a = actor("mastodon/person.json");
    assert_federatable(&a);
    assert_eq!(a.id, "https://mastodon.social/users/Gargron");
    assert_eq!(a.kind, ActorKind::Person);
    assert_eq!(a.preferred_username.as_deref(), Some("Gargron"));
    assert_eq!(a.name.as_deref(), Some("Eugen Rochko"));
    assert_eq!(
        a.inbox.as_deref(),
        Some("https://mastodon.social/users/Gargron/inbox")
    );
    assert_eq!(a.shared_inbox(), Some("https://mastodon.social/inbox"));
    assert_eq!(
        a.featured_tags.as_deref(),
        Some("https://mastodon.social/users/Gargron/collections/tags")
    );
    assert_eq!(a.profile_url(), Some("https://mastodon.social/@Gargron"));
    assert!(a.avatar_url().unwrap().ends_with(".png"));
    assert!(a.header_url().unwrap().contains("/headers/"));
    assert_eq!(a.manually_approves_followers, Some(false));
    assert_eq!(a.discoverable, Some(true));
    assert!(a.indexable.is_some());
    assert!(a.published.is_some());
    let fields: Vec<_> = a.fields().map(|(name, _)| name).collect();
    assert_eq!(fields, ["Patreon", "GitHub"]);
    assert!(a.fields().all(|(_, value)| value.contains("<a href=")));
    assert!(!a.is_bot());
}

#[test]
fn mastodon_note_with_attachment() {
    let n = object("mastodon/note_attachment.json");
    assert_eq!(n.kind, ObjectKind::Note);
    assert_eq!(n.attributed_to_id(), Some("https://floss.social/users/kde"));
    assert_eq!(
        n.visibility(Some("https://floss.social/users/kde/followers")),
        Visibility::Public
    );
    assert_eq!(n.language(), Some("en"));
    assert!(n.content_for(Some("en")).unwrap().contains("donation"));
    let attachment = n.attachment.first().unwrap();
    assert_eq!(attachment.kind, AttachmentKind::Document);
    assert!(attachment.url().unwrap().ends_with("c8d906a2f2ab2334.jpg"));
    assert_eq!(attachment.media_type(), Some("image/jpeg"));
    assert!(attachment
        .description()
        .unwrap()
        .starts_with("The KDE dragons Katie and Konqi"));
    assert_eq!(
        attachment.blurhash.as_deref(),
        Some("USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc")
    );
    assert_eq!(
        (attachment.width, attachment.height),
        (Some(1500), Some(1095))
    );
    assert_eq!(attachment.focal_point, Some([0.0, 0.0]));
    assert_eq!(n.mentioned_ids(), ["https://lemmy.kde.social/c/kde"]);
    assert_eq!(
        n.in_reply_to.as_deref(),
        Some("https://floss.social/users/kde/statuses/113306824627995724")
    );
    let replies = n.replies.as_ref().unwrap();
    assert!(replies.object().unwrap().first.is_some());
}

#[test]
fn mastodon_create_unlisted_reply() {
    let create = activity("mastodon/create_note.json");
    assert_eq!(create.kind, ActivityKind::Create);
    assert_eq!(
        create.actor_id(),
        Some("https://mastodon.madrid/users/felix")
    );
    let note = created(&create);
    assert_eq!(create.object_id(), note.id.as_deref());
    let followers = Some("https://mastodon.madrid/users/felix/followers");
    assert_eq!(note.visibility(followers), Visibility::Unlisted);
    assert_eq!(note.mentioned_ids(), ["https://mamot.fr/users/retiolus"]);
    assert!(note.content.as_deref().unwrap().contains("thinkpad"));
    assert_eq!(note.sensitive, Some(false));
    assert_eq!(note.content_warning(), None);
}

#[test]
fn mastodon_create_with_attachment_without_alt_text() {
    let create = activity("mastodon/create_note_attachment.json");
    let note = created(&create);
    assert_eq!(note.visibility(None), Visibility::Public);
    let attachment = note.attachment.first().unwrap();
    assert!(attachment.url().unwrap().ends_with("334ce029e7bfb920.jpg"));
    assert_eq!(attachment.description(), None);
}

#[test]
fn mastodon_content_warning_hashtag_and_mention() {
    let note = created(&activity("mastodon/create_note_cw_hashtag.json")).clone();
    assert_eq!(note.content_warning(), Some("cw"));
    assert_eq!(note.sensitive, Some(true));
    assert_eq!(note.hashtags().collect::<Vec<_>>(), ["moo"]);
    assert_eq!(
        note.mentioned_ids(),
        ["http://localtesting.pleroma.lol/users/lain"]
    );
    assert_eq!(note.visibility(None), Visibility::Public);
}

#[test]
fn mastodon_poll() {
    let question = created(&activity("mastodon/create_question.json")).clone();
    assert_eq!(question.kind, ObjectKind::Question);
    let (options, multiple) = question.poll_options().unwrap();
    assert!(!multiple);
    let names: Vec<_> = options.iter().map(|o| o.name.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Dunno",
            "Everyone knows that!",
            "25 char limit is dumb",
            "I can't even fit a funny"
        ]
    );
    assert_eq!(options.iter().map(|o| o.votes()).sum::<u64>(), 2);
    assert!(question.end_time.is_some());
}

#[test]
fn mastodon_follow_and_undo() {
    let follow = activity("mastodon/follow.json");
    assert_eq!(follow.kind, ActivityKind::Follow);
    assert_eq!(follow.object_id(), Some("https://ds9.lemmy.ml/c/testcom"));
    assert!(follow.embedded_object().is_none());

    let undo = activity("mastodon/undo_follow.json");
    assert_eq!(undo.kind, ActivityKind::Undo);
    let inner = undo
        .embedded_object()
        .and_then(Document::as_activity)
        .unwrap();
    assert_eq!(inner.kind, ActivityKind::Follow);
    assert_eq!(inner.id, follow.id);
    assert_eq!(inner.object_id(), follow.object_id());
}

#[test]
fn mastodon_announce_and_undo() {
    let announce = activity("mastodon/announce.json");
    assert_eq!(announce.kind, ActivityKind::Announce);
    assert_eq!(
        announce.object_id(),
        Some("http://mastodon.example.org/@admin/99541947525187367")
    );
    assert_eq!(announce.visibility(None), Visibility::Public);
    assert!(announce.published.is_some());

    let undo = activity("mastodon/undo_announce.json");
    let inner = undo
        .embedded_object()
        .and_then(Document::as_activity)
        .unwrap();
    assert_eq!(inner.kind, ActivityKind::Announce);
    assert_eq!(inner.id, announce.id);
}

#[test]
fn mastodon_delete_note_and_actor() {
    let delete = activity("mastodon/delete_note.json");
    assert_eq!(delete.kind, ActivityKind::Delete);
    let tombstone = delete
        .embedded_object()
        .and_then(Document::as_tombstone)
        .unwrap();
    assert_eq!(
        tombstone.id.as_deref(),
        Some("https://mastodon.madrid/users/felix/statuses/107773559874184870")
    );

    let delete = activity("mastodon/delete_actor.json");
    assert_eq!(delete.object_id(), delete.actor_id());
}

#[test]
fn mastodon_flag() {
    let flag = activity("mastodon/flag.json");
    assert_eq!(flag.kind, ActivityKind::Flag);
    assert_eq!(flag.object_ids().count(), 3);
    assert_eq!(
        flag.content.as_deref(),
        Some("Please take a look at this user and their posts")
    );
    assert_eq!(flag.to.as_slice(), ["https://example.com/users/1"]);
}

#[test]
fn mastodon_collections() {
    let featured = collection("mastodon/featured_collection.json");
    assert_eq!(featured.kind, CollectionKind::OrderedCollection);
    assert_eq!(featured.total_items, Some(1));
    let pinned = featured
        .all_items()
        .next()
        .unwrap()
        .object()
        .and_then(Document::as_object)
        .unwrap();
    assert_eq!(
        pinned.hashtags().collect::<Vec<_>>(),
        ["reddit", "fediverse", "activitypub"]
    );

    let page = collection("mastodon/followers_page.json");
    assert!(page.is_page());
    assert_eq!(page.total_items, Some(437));
    assert_eq!(page.item_ids().count(), 12);
    assert!(page
        .next
        .as_ref()
        .unwrap()
        .id()
        .unwrap()
        .ends_with("page=2"));
    assert_eq!(
        page.part_of.as_deref(),
        Some("http://localhost:4001/users/masto_closed/followers")
    );
}

#[test]
fn gotosocial_actor() {
    let a = actor("gotosocial/person.json");
    assert_federatable(&a);
    assert_eq!(a.preferred_username.as_deref(), Some("1happyturtle"));
    assert_eq!(a.manually_approves_followers, Some(true));
    let fields: Vec<_> = a.fields().collect();
    assert_eq!(
        fields,
        [("should you follow me?", "maybe!"), ("age", "120")]
    );
    assert_eq!(
        a.summary.as_deref(),
        Some("<p>i post about things that concern me</p>")
    );
}

#[test]
fn gotosocial_notes() {
    let n = object("gotosocial/note_attachment.json");
    // GoToSocial sends `to` and `cc` as single strings.
    assert_eq!(
        n.visibility(Some("http://localhost:8080/users/admin/followers")),
        Visibility::Public
    );
    let attachment = n.attachment.first().unwrap();
    assert_eq!(attachment.kind, AttachmentKind::Image);
    assert!(attachment
        .url()
        .unwrap()
        .ends_with("01F8MH6NEM8D7527KZAECTCR76.jpg"));
    // GoToSocial's alt text is in `summary`.
    assert_eq!(
        attachment.description(),
        Some("Black and white image of some 50's style text saying: Welcome On Board")
    );
    assert_eq!(attachment.focal_point, Some([-0.5, 0.5]));
    assert_eq!(n.hashtags().collect::<Vec<_>>(), ["welcome"]);
    let emoji = n.emojis().next().unwrap();
    assert_eq!(emoji.emoji_shortcode(), Some("rainbow"));
    assert!(emoji
        .icon_url()
        .unwrap()
        .ends_with("01F8MH9H8E4VG3KDYJR9EGPXCQ.png"));

    let cw = object("gotosocial/note_cw.json");
    assert_eq!(cw.content_warning(), Some("introduction post"));
    assert_eq!(cw.sensitive, Some(true));
    assert_eq!(n.content_warning(), None);
}

#[test]
fn pleroma_actor_and_notes() {
    let a = actor("pleroma/person.json");
    assert_federatable(&a);
    let shortcodes: Vec<_> = a.emojis().filter_map(|t| t.emoji_shortcode()).collect();
    assert_eq!(shortcodes, ["anarchy", "bzh", "gentoo"]);
    assert!(a.also_known_as.is_empty());

    let note = object("pleroma/note.json");
    // Pleroma's `source` is a plain string; `sensitive` may be null.
    assert_eq!(
        note.source_text(),
        Some("@popolon@pleroma.popolon.org Have what?")
    );
    assert_eq!(note.sensitive, None);
    // Followers in `to`, Public in `cc`.
    assert_eq!(
        note.visibility(Some("https://queer.hacktivis.me/users/lanodan/followers")),
        Visibility::Unlisted
    );

    let create = activity("pleroma/create_note.json");
    assert_eq!(created(&create).visibility(None), Visibility::Public);
}

#[test]
fn akkoma_visibilities() {
    let followers = Some("https://akko.eepy.zone/users/harper/followers");
    let visibility = |name: &str| created(&activity(name)).visibility(followers);
    assert_eq!(visibility("akkoma/create_direct.json"), Visibility::Direct);
    assert_eq!(
        visibility("akkoma/create_followers_only.json"),
        Visibility::Private
    );
    assert_eq!(visibility("akkoma/create_public.json"), Visibility::Public);

    let direct = activity("akkoma/create_direct.json");
    let note = created(&direct);
    assert_eq!(
        note.mentioned_ids(),
        ["https://as2.blueb.me/users/690d0271-4147-4302-ac50-7806f3ad8f87"]
    );
    assert_eq!(
        note.source.as_ref().unwrap().media_type.as_deref(),
        Some("text/x.misskeymarkdown")
    );

    let cw = activity("akkoma/create_followers_only.json");
    assert_eq!(created(&cw).content_warning(), Some("test"));

    let undo = activity("akkoma/undo_like.json");
    let like = undo
        .embedded_object()
        .and_then(Document::as_activity)
        .unwrap();
    assert_eq!(like.kind, ActivityKind::Like);
}

#[test]
fn misskey_actor() {
    let a = actor("misskey/person.json");
    assert_federatable(&a);
    assert_eq!(a.preferred_username.as_deref(), Some("syuilo"));
    assert_eq!(a.shared_inbox(), Some("https://misskey.io/inbox"));
    assert!(a.tag.iter().any(|t| t.kind == TagKind::Hashtag));
}

#[test]
fn misskey_note_with_mfm_source() {
    let create = activity("misskey/create_note.json");
    let note = created(&create);
    let source = "@trapezial@calckey.jp いやそういうことじゃなくて、連合先と自インスタンスで状態が狂うことが多いのでどっちに合わせるべきかと…";
    assert_eq!(note.misskey_content.as_deref(), Some(source));
    assert_eq!(note.source_text(), Some(source));
    assert_eq!(
        note.visibility(Some(
            "https://misskey.usbharu.dev/users/97ws8y3rj6/followers"
        )),
        Visibility::Unlisted
    );
    assert_eq!(
        note.mentioned_ids(),
        ["https://calckey.jp/users/9bu1xzwjyb"]
    );
}

#[test]
fn misskey_poll_without_end() {
    let q = object("misskey/question.json");
    assert_eq!(q.kind, ObjectKind::Question);
    assert_eq!(q.end_time, None);
    let (options, multiple) = q.poll_options().unwrap();
    assert!(!multiple);
    assert_eq!(options.len(), 2);
    assert_eq!(options[1].votes(), 1);
    assert!(q
        .misskey_content
        .as_deref()
        .unwrap()
        .contains("How are your notifications now?"));
}

#[test]
fn sharkey_quote_actor_and_interactions() {
    let quote = object("sharkey/note_quote.json");
    assert_eq!(
        quote.quote_id(),
        Some("https://eepy.zone/notes/0ojy918h4jw300g8")
    );
    assert_eq!(quote.misskey_quote.as_deref(), quote.quote_url.as_deref());
    assert_eq!(quote.source_text(), Some("Wait have you guys seen this"));

    let a = actor("sharkey/person.json");
    assert_federatable(&a);
    assert_eq!(
        a.also_known_as.as_slice(),
        ["https://wetdry.world/users/ihateblueb"]
    );
    assert_eq!(a.fields().count(), 7);
    assert_eq!(a.emojis().count(), 2);

    let react = activity("sharkey/like_reaction.json");
    assert_eq!(react.kind, ActivityKind::Like);
    assert_eq!(react.reaction(), Some(":cat_attack:"));
    assert!(react.tag.first().unwrap().icon_url().is_some());

    let announce = activity("sharkey/announce.json");
    let followers = Some("https://grimgreenfo.rest/users/9sgt2c6wtxwi00xi/followers");
    assert_eq!(announce.visibility(followers), Visibility::Private);

    let follow = activity("sharkey/follow.json");
    assert_eq!(follow.object_id(), Some("https://as1.blueb.me/users/1"));

    let dm = activity("sharkey/create_direct.json");
    assert_eq!(created(&dm).visibility(None), Visibility::Direct);
}

#[test]
fn lemmy_community_person_and_posts() {
    let group = actor("lemmy/group.json");
    assert_federatable(&group);
    assert_eq!(group.kind, ActorKind::Group);
    assert_eq!(
        group.shared_inbox(),
        Some("https://enterprise.lemmy.ml/inbox")
    );

    let person = actor("lemmy/person.json");
    assert_federatable(&person);
    assert_eq!(person.name.as_deref(), Some("Jean-Luc Picard"));

    let page = object("lemmy/page.json");
    assert_eq!(page.kind, ObjectKind::Page);
    assert_eq!(page.name.as_deref(), Some("Post title"));
    assert_eq!(
        page.audience.as_slice(),
        ["https://enterprise.lemmy.ml/c/tenforward"]
    );
    let link = page.attachment.first().unwrap();
    assert_eq!(link.kind, AttachmentKind::Link);
    assert_eq!(
        link.url(),
        Some("https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png")
    );
    // An unknown tag type is kept as its name.
    assert!(page
        .tag
        .iter()
        .any(|t| t.kind == TagKind::Other("CommunityPostTag".into())));
    assert_eq!(
        page.source_text(),
        Some("This is a post in the /c/tenforward community")
    );

    let comment = object("lemmy/comment.json");
    assert_eq!(
        comment.in_reply_to.as_deref(),
        Some("https://enterprise.lemmy.ml/post/55143")
    );
    assert_eq!(comment.visibility(None), Visibility::Public);
}

#[test]
fn lemmy_announce_of_create_and_outbox() {
    let announce = activity("lemmy/announce_create_page.json");
    assert_eq!(
        announce.actor_id(),
        Some("http://enterprise.lemmy.ml/c/main")
    );
    let create = announce
        .embedded_object()
        .and_then(Document::as_activity)
        .unwrap();
    assert_eq!(create.kind, ActivityKind::Create);
    let page = created(create);
    assert_eq!(page.kind, ObjectKind::Page);
    assert_eq!(page.name.as_deref(), Some("post 4"));

    let outbox = collection("lemmy/group_outbox.json");
    assert_eq!(outbox.total_items, Some(2));
    assert!(outbox.all_items().all(|item| item
        .object()
        .and_then(Document::as_activity)
        .is_some_and(|a| a.kind == ActivityKind::Announce)));
}

#[test]
fn peertube_video_channel_and_account() {
    let video = object("peertube/video.json");
    assert_eq!(video.kind, ObjectKind::Video);
    // attributedTo holds the account (Person) and the channel (Group).
    assert_eq!(video.attributed_to.len(), 2);
    assert_eq!(
        video.attributed_to_id(),
        Some("https://tilvids.com/accounts/thelinuxexperiment")
    );
    assert_eq!(
        video.url_href(),
        Some("https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1")
    );
    assert!(video
        .url
        .href_with_media_type("application/x-mpegURL")
        .unwrap()
        .ends_with("master.m3u8"));
    assert_eq!(video.media_type.as_deref(), Some("text/markdown"));
    assert!(video
        .name
        .as_deref()
        .unwrap()
        .starts_with("Mesa, Wayland & X.org in trouble"));
    assert_eq!(video.visibility(None), Visibility::Public);

    let channel = actor("peertube/group.json");
    assert_federatable(&channel);
    assert_eq!(channel.kind, ActorKind::Group);
    // Several avatar sizes: the widest wins.
    assert!(channel
        .avatar_url()
        .unwrap()
        .ends_with("13b0214b-edc0-4c5b-a04d-be648a3a370a.jpg"));

    let account = actor("peertube/person.json");
    assert_federatable(&account);
    assert_eq!(account.kind, ActorKind::Person);
}
