//! Remote senders for inbox load: RSA keys, their accounts stored straight
//! in the database, and signed `Create(Note)` deliveries from them.
use ferrodon_core::apub::signatures::keys::PrivateKey;
use ferrodon_core::apub::signatures::sign::Signer;
use ferrodon_core::apub::signatures::SignatureFormat;

use crate::procs::psql;

/// Where the senders say they live: loopback, a port nothing listens on,
/// so an unexpected actor fetch fails at once instead of hanging.
pub const SENDER_HOST: &str = "127.0.0.1:9";

pub struct Presigned {
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// Generates `n` RSA key pairs on all cores.
pub fn generate_keys(n: usize) -> Vec<PrivateKey> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..n)
                        .step_by(threads)
                        .map(|_| PrivateKey::generate().unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

pub fn sender_uri(i: usize) -> String {
    format!("http://{SENDER_HOST}/users/sender{i}")
}

/// Stores `senders` remote accounts, sender i with key i % keys.len().
pub fn seed_senders(senders: usize, keys: &[PrivateKey]) {
    let pems: Vec<String> = keys
        .iter()
        .map(|k| format!("$pem${}$pem$", k.public_key_pem().unwrap()))
        .collect();
    psql(&format!(
        "DELETE FROM accounts WHERE domain = '{SENDER_HOST}';
         INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, outbox_url, followers_url, public_key)
         SELECT 'sender' || g, '{SENDER_HOST}', 'Sender ' || g,
                'http://{SENDER_HOST}/users/sender' || g, 'http://{SENDER_HOST}/@sender' || g,
                'http://{SENDER_HOST}/users/sender' || g || '/inbox',
                'http://{SENDER_HOST}/users/sender' || g || '/outbox',
                'http://{SENDER_HOST}/users/sender' || g || '/followers',
                (ARRAY[{}])[g % {} + 1]
         FROM generate_series(0, {}) g;
         ANALYZE accounts;",
        pems.join(","),
        keys.len(),
        senders - 1
    ));
}

/// A Create(Note) from sender `s`, number `j` of batch `batch`, as Mastodon
/// shapes it (about 1 KB) with one of `tags` hashtags (none when 0), signed
/// for `inbox` now.
pub fn presign(
    keys: &[PrivateKey],
    senders: usize,
    tags: usize,
    inbox: &url::Url,
    batch: &str,
    range: std::ops::Range<usize>,
) -> Vec<Presigned> {
    range
        .map(|j| {
            let s = j % senders;
            let actor = sender_uri(s);
            let note = format!("{actor}/statuses/{batch}{j}");
            let tag = (tags > 0).then(|| format!("bench{}", j % tags));
            let published = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let body = serde_json::to_vec(&serde_json::json!({
                "@context": ["https://www.w3.org/ns/activitystreams", {"sensitive": "as:sensitive"}],
                "id": format!("{note}/activity"),
                "type": "Create",
                "actor": actor,
                "published": published,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [format!("{actor}/followers")],
                "object": {
                    "id": note,
                    "type": "Note",
                    "summary": null,
                    "inReplyTo": null,
                    "published": published,
                    "url": format!("http://{SENDER_HOST}/@sender{s}/{batch}{j}"),
                    "attributedTo": actor,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [format!("{actor}/followers")],
                    "sensitive": false,
                    "content": format!(
                        "<p>Benchmark note {j} from sender {s}: a sentence or two of text, \
                         as a typical post has, with a <a href=\"https://example.com/page\" \
                         rel=\"nofollow noopener\" target=\"_blank\">link</a>{}</p>",
                        tag.as_ref().map_or(String::new(), |t| format!(
                            " and a <a href=\"http://{SENDER_HOST}/tags/{t}\" \
                             class=\"mention hashtag\" rel=\"tag\">#<span>{t}</span></a>"
                        ))
                    ),
                    "attachment": [],
                    "tag": tag.as_ref().map_or(Vec::new(), |t| vec![serde_json::json!(
                        {"type": "Hashtag", "href": format!("http://{SENDER_HOST}/tags/{t}"), "name": format!("#{t}")}
                    )]),
                },
            }))
            .unwrap();
            let key_id = format!("{actor}#main-key");
            let headers = Signer {
                key_id: &key_id,
                key: &keys[s % keys.len()],
            }
            .sign(
                SignatureFormat::Cavage,
                "POST",
                inbox,
                Some(&body),
                chrono::Utc::now(),
            )
            .unwrap()
            .into_iter()
            .filter(|(name, _)| *name != "Host")
            .collect();
            Presigned { body, headers }
        })
        .collect()
}
