//! Which server a URL belongs to (`host[:port]`), the comparison every
//! origin check rests on. A leaf: imports nothing from the crate.

/// `host[:port]` of a URL (the port only when it is not the scheme's
/// default), lower-cased: the domain of a remote account.
pub fn authority_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether two URLs are on the same server (host and port).
pub fn same_authority(a: &str, b: &str) -> bool {
    matches!((authority_of(a), authority_of(b)), (Some(a), Some(b)) if a == b)
}

/// Whether `a` and `b` are the same URL (fragments aside).
pub fn same_url(a: &str, b: &str) -> bool {
    let parse = |u: &str| {
        url::Url::parse(u).ok().map(|mut u| {
            u.set_fragment(None);
            u
        })
    };
    matches!((parse(a), parse(b)), (Some(a), Some(b)) if a == b)
}
