//! Origins of ids: federation accepts an object only from its own server.
use url::Url;

/// The host of a URL, lower-cased (IDNs in punycode); `None` if the URL
/// does not parse or has no host.
pub fn host_of(url: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

/// Whether two URLs have the same origin: scheme, host and port (a default
/// port counts as given). URLs that do not parse never match.
pub fn same_origin(a: &str, b: &str) -> bool {
    match (Url::parse(a), Url::parse(b)) {
        (Ok(a), Ok(b)) => {
            let (a, b) = (a.origin(), b.origin());
            a.is_tuple() && a == b
        }
        _ => false,
    }
}

/// Whether two URLs have the same host, ignoring scheme and port (the check
/// Mastodon applies between an actor and the objects it sends).
pub fn same_host(a: &str, b: &str) -> bool {
    matches!((host_of(a), host_of(b)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_origins() {
        assert_eq!(
            host_of("https://Mastodon.Social/users/a").as_deref(),
            Some("mastodon.social")
        );
        assert_eq!(
            host_of("https://bücher.example/x").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(host_of("not a url"), None);
        assert_eq!(host_of("urn:uuid:1234"), None);

        assert!(same_origin(
            "https://a.example/u/1",
            "https://A.example:443/notes/2"
        ));
        assert!(!same_origin(
            "https://a.example/u/1",
            "http://a.example/u/1"
        ));
        assert!(!same_origin(
            "https://a.example/u/1",
            "https://a.example:8443/u/1"
        ));
        assert!(!same_origin(
            "https://a.example/u/1",
            "https://b.a.example/u/1"
        ));
        assert!(!same_origin("urn:x:1", "urn:x:1"));
        assert!(!same_origin("nope", "nope"));

        assert!(same_host(
            "https://a.example/u/1",
            "http://a.example:8080/x"
        ));
        assert!(!same_host(
            "https://a.example/u/1",
            "https://evil.example/a.example"
        ));
    }
}
