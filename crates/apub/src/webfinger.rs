//! WebFinger (RFC 7033) as the fediverse uses it to turn `acct:user@domain`
//! into an actor URI.
use serde::{Deserialize, Serialize};

/// `application/jrd+json`, the WebFinger media type.
pub const JRD_CONTENT_TYPE: &str = "application/jrd+json; charset=utf-8";

/// A WebFinger resource descriptor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jrd {
    /// The queried resource, normalised to `acct:user@domain`.
    pub subject: String,
    /// Other URIs of the same account (profile page, actor id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Links, among them the ActivityPub actor (`rel="self"`).
    #[serde(default)]
    pub links: Vec<Link>,
}

/// One link of a descriptor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Relation, e.g. `self` or `http://webfinger.net/rel/profile-page`.
    pub rel: String,
    /// Media type of the target.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Target URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    /// URI template (remote follow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// What a `resource` parameter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `acct:user@domain` or `user@domain` (a leading `@` is allowed).
    Acct {
        /// The username part.
        username: String,
        /// The domain part, lower-cased.
        domain: String,
    },
    /// An `https://` or `http://` URI (an actor id or profile URL).
    Uri(String),
}

impl Resource {
    /// Parses the `resource` query parameter; None when it is neither form.
    pub fn parse(raw: &str) -> Option<Resource> {
        let raw = raw.trim();
        if raw.starts_with("https://") || raw.starts_with("http://") {
            return Some(Resource::Uri(raw.to_owned()));
        }
        let acct = raw
            .strip_prefix("acct:")
            .unwrap_or(raw)
            .trim_start_matches('@');
        let (username, domain) = acct.split_once('@')?;
        let valid_user = !username.is_empty()
            && username
                .chars()
                // `:` only for the instance actor, named after a domain with a port.
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'));
        if !valid_user || domain.is_empty() || domain.contains('@') || domain.contains('/') {
            return None;
        }
        Some(Resource::Acct {
            username: username.to_owned(),
            domain: domain.to_lowercase(),
        })
    }
}

/// The descriptor of a local account.
pub fn account_jrd(username: &str, domain: &str, actor_uri: &str, profile_url: &str) -> Jrd {
    Jrd {
        subject: format!("acct:{username}@{domain}"),
        aliases: vec![profile_url.to_owned(), actor_uri.to_owned()],
        links: vec![
            Link {
                rel: "http://webfinger.net/rel/profile-page".into(),
                kind: Some("text/html".into()),
                href: Some(profile_url.to_owned()),
                template: None,
            },
            Link {
                rel: "self".into(),
                kind: Some("application/activity+json".into()),
                href: Some(actor_uri.to_owned()),
                template: None,
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resources() {
        assert_eq!(
            Resource::parse("acct:Alice@Example.COM"),
            Some(Resource::Acct {
                username: "Alice".into(),
                domain: "example.com".into()
            })
        );
        assert_eq!(
            Resource::parse("@bob@localhost:8080"),
            Some(Resource::Acct {
                username: "bob".into(),
                domain: "localhost:8080".into()
            })
        );
        assert_eq!(
            Resource::parse("https://x.example/users/a"),
            Some(Resource::Uri("https://x.example/users/a".into()))
        );
        assert_eq!(Resource::parse("alice"), None);
        assert_eq!(Resource::parse("acct:@x.example"), None);
        assert_eq!(Resource::parse("a@b@c"), None);
    }

    #[test]
    fn mastodon_webfinger_document_parses() {
        let doc = r#"{"subject":"acct:Gargron@mastodon.social","aliases":["https://mastodon.social/@Gargron","https://mastodon.social/users/Gargron"],"links":[{"rel":"http://webfinger.net/rel/profile-page","type":"text/html","href":"https://mastodon.social/@Gargron"},{"rel":"self","type":"application/activity+json","href":"https://mastodon.social/users/Gargron"},{"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://mastodon.social/authorize_interaction?uri={uri}"}]}"#;
        let jrd: Jrd = serde_json::from_str(doc).unwrap();
        let actor = jrd
            .links
            .iter()
            .find(|l| l.rel == "self")
            .and_then(|l| l.href.clone());
        assert_eq!(
            actor.as_deref(),
            Some("https://mastodon.social/users/Gargron")
        );
        assert_eq!(
            jrd.links[2].template.as_deref(),
            Some("https://mastodon.social/authorize_interaction?uri={uri}")
        );
    }
}
