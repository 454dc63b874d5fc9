//! RFC 9421 HTTP Message Signatures, the part fediverse servers use:
//! `Signature-Input` and `Signature` headers, the signature base over
//! derived components and header fields, `rsa-v1_5-sha256` signing (what
//! Mastodon 4.5+ sends) and `rsa-v1_5-sha256` / `rsa-pss-sha512`
//! verification.
//!
//! Supported derived components: `@method`, `@target-uri`, `@authority`,
//! `@scheme`, `@request-target`, `@path`, `@query` and `@query-param`
//! (with `name`). Header fields are supported without component parameters
//! (`sf`, `key`, `bs`, `req` and `tr` are refused). This module is mechanism
//! only; Mastodon's rules live in [`super::verify`].
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

use super::keys::{KeyError, PrivateKey, PublicKey, SignatureAlgorithm};
use super::request::{Headers, HttpRequest};
use super::structured_fields::{
    self as sfv, params_from, string_item, BareItem, InnerList, Item, ListEntry, Parameters,
    SfvError,
};

/// The label this module signs under.
pub const DEFAULT_LABEL: &str = "sig1";
/// `alg` value for RSASSA-PKCS1-v1_5 with SHA-256.
pub const ALG_RSA_V1_5_SHA256: &str = "rsa-v1_5-sha256";
/// `alg` value for RSASSA-PSS with SHA-512.
pub const ALG_RSA_PSS_SHA512: &str = "rsa-pss-sha512";

/// What is wrong with RFC 9421 signature headers or what they cover.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Rfc9421Error {
    /// A header is not a valid structured-field dictionary.
    #[error("Error parsing {header} header: {source}")]
    Syntax {
        /// `Signature-Input` or `Signature`.
        header: &'static str,
        /// The parse error.
        source: SfvError,
    },
    /// A `Signature-Input` member is not an inner list.
    #[error("Signature-Input member {0} is not an inner list")]
    NotInnerList(String),
    /// A `Signature` member is not a byte sequence.
    #[error("Signature member {0} is not a byte sequence")]
    NotByteSequence(String),
    /// A covered component identifier is not a string.
    #[error("covered component identifiers must be strings")]
    ComponentNotString,
    /// A covered component is listed twice.
    #[error("component {0} is covered twice")]
    DuplicateComponent(String),
    /// A signature parameter has the wrong type.
    #[error("signature parameter {name} must be {expected}")]
    InvalidParameter {
        /// The parameter.
        name: String,
        /// The type it must have.
        expected: &'static str,
    },
    /// `Signature-Input` is empty.
    #[error("Signature-Input names no signature")]
    NoSignatures,
    /// A `Signature-Input` label has no `Signature` member.
    #[error("Signature-Input names {0} but Signature has no such member")]
    MissingSignature(String),
    /// A `Signature` label has no `Signature-Input` member.
    #[error("Signature has member {0} but Signature-Input does not")]
    MissingInput(String),
    /// A derived component this module does not compute.
    #[error("unsupported derived component {0}")]
    UnsupportedComponent(String),
    /// A component parameter this module does not implement.
    #[error("unsupported parameter {parameter} on component {component}")]
    UnsupportedComponentParameter {
        /// The component.
        component: String,
        /// The parameter.
        parameter: String,
    },
    /// A covered header or query parameter is absent from the request.
    #[error("covered component {0} is not in the request")]
    MissingComponent(String),
    /// A covered query parameter occurs more than once.
    #[error("query parameter {0} occurs more than once")]
    AmbiguousQueryParameter(String),
    /// The `alg` parameter names an algorithm this module does not do.
    #[error("Unsupported signature algorithm {0} (only rsa-v1_5-sha256 and rsa-pss-sha512 are supported)")]
    UnsupportedAlgorithm(String),
    /// The `alg` parameter contradicts the algorithm the key demands.
    #[error("signature declares alg {0}, which is not the key's algorithm")]
    AlgorithmMismatch(String),
    /// Signing failed, or the signature does not verify.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// A covered component identifier: a derived component (`@method`) or a
/// header field name, with its parameters (`"@query-param";name="Pet"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The name, e.g. `@target-uri` or `content-digest`.
    pub name: String,
    /// Component parameters, in order.
    pub params: Parameters,
}

impl Component {
    /// A component without parameters. Header names are lower-cased.
    pub fn new(name: &str) -> Component {
        Component {
            name: name.to_ascii_lowercase(),
            params: Vec::new(),
        }
    }

    /// `"@query-param";name="…"`; `name` is given encoded as in the RFC
    /// (e.g. `fa%C3%A7ade`).
    pub fn query_param(name: &str) -> Component {
        Component {
            name: "@query-param".to_owned(),
            params: vec![("name".to_owned(), string_item(name))],
        }
    }

    /// The serialised identifier as it appears in the signature base.
    pub fn identifier(&self) -> String {
        sfv::serialize_item(&self.to_item())
    }

    fn to_item(&self) -> Item {
        sfv::item(string_item(&self.name), &self.params)
    }
}

/// The signature parameters: covered components and metadata (`created`,
/// `expires`, `keyid`, `alg`, `nonce`, `tag`, or others, kept in order).
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureParams {
    /// Covered components, in order.
    pub components: Vec<Component>,
    /// Metadata parameters, in order.
    pub params: Parameters,
}

impl SignatureParams {
    /// Parameters covering `components`, without metadata yet.
    pub fn new(components: Vec<Component>) -> SignatureParams {
        SignatureParams {
            components,
            params: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: BareItem) -> SignatureParams {
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.to_owned(), value));
        self
    }

    /// Sets `created` (Unix time).
    pub fn with_created(self, created: i64) -> SignatureParams {
        self.with("created", integer_item(created))
    }

    /// Sets `expires` (Unix time).
    pub fn with_expires(self, expires: i64) -> SignatureParams {
        self.with("expires", integer_item(expires))
    }

    /// Sets `keyid`.
    pub fn with_keyid(self, keyid: &str) -> SignatureParams {
        self.with("keyid", string_item(keyid))
    }

    /// Sets `alg`.
    pub fn with_alg(self, alg: &str) -> SignatureParams {
        self.with("alg", string_item(alg))
    }

    /// Sets `nonce`.
    pub fn with_nonce(self, nonce: &str) -> SignatureParams {
        self.with("nonce", string_item(nonce))
    }

    /// Sets `tag`.
    pub fn with_tag(self, tag: &str) -> SignatureParams {
        self.with("tag", string_item(tag))
    }

    fn integer(&self, name: &str) -> Option<i64> {
        match sfv::param(&self.params, name) {
            Some(BareItem::Integer(i)) => Some(i64::from(*i)),
            _ => None,
        }
    }

    fn string(&self, name: &str) -> Option<&str> {
        match sfv::param(&self.params, name) {
            Some(BareItem::String(s)) => Some(s.as_str()),
            _ => None,
        }
    }

    /// `created`, Unix time.
    pub fn created(&self) -> Option<i64> {
        self.integer("created")
    }

    /// `expires`, Unix time.
    pub fn expires(&self) -> Option<i64> {
        self.integer("expires")
    }

    /// `keyid`.
    pub fn keyid(&self) -> Option<&str> {
        self.string("keyid")
    }

    /// `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.string("alg")
    }

    /// `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.string("nonce")
    }

    /// `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.string("tag")
    }

    /// Whether a component named `name` (any parameters) is covered.
    pub fn covers(&self, name: &str) -> bool {
        self.components
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The RSA scheme `alg` asks for; `rsa-v1_5-sha256` when `alg` is absent
    /// (RSA keys carry no algorithm of their own, and it is what Mastodon
    /// uses).
    pub fn algorithm(&self) -> Result<SignatureAlgorithm, Rfc9421Error> {
        match self.alg() {
            None | Some(ALG_RSA_V1_5_SHA256) => Ok(SignatureAlgorithm::RsaPkcs1v15Sha256),
            Some(ALG_RSA_PSS_SHA512) => Ok(SignatureAlgorithm::RsaPssSha512),
            Some(other) => Err(Rfc9421Error::UnsupportedAlgorithm(other.to_owned())),
        }
    }

    /// The serialised inner list: the `@signature-params` value and a
    /// `Signature-Input` member value.
    pub fn serialize(&self) -> String {
        let list = sfv::inner_list(
            self.components.iter().map(Component::to_item).collect(),
            &self.params,
        );
        sfv::serialize_inner_list(&list)
    }

    fn from_inner_list(list: &InnerList) -> Result<SignatureParams, Rfc9421Error> {
        let mut components: Vec<Component> = Vec::new();
        for item in &list.items {
            let BareItem::String(name) = &item.bare_item else {
                return Err(Rfc9421Error::ComponentNotString);
            };
            let component = Component {
                name: name.as_str().to_owned(),
                params: params_from(&item.params),
            };
            if component.name == "@signature-params" {
                return Err(Rfc9421Error::UnsupportedComponent(component.name));
            }
            if components.contains(&component) {
                return Err(Rfc9421Error::DuplicateComponent(component.identifier()));
            }
            components.push(component);
        }
        for (name, value) in &list.params {
            let name = name.as_str();
            let expected = match name {
                "created" | "expires" => "an integer",
                "keyid" | "alg" | "nonce" | "tag" => "a string",
                _ => continue,
            };
            let ok = match expected {
                "an integer" => matches!(value, BareItem::Integer(_)),
                _ => matches!(value, BareItem::String(_)),
            };
            if !ok {
                return Err(Rfc9421Error::InvalidParameter {
                    name: name.to_owned(),
                    expected,
                });
            }
        }
        Ok(SignatureParams {
            components,
            params: params_from(&list.params),
        })
    }
}

/// One signature from a request: its label, parameters and bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageSignature {
    /// The dictionary label, e.g. `sig1`.
    pub label: String,
    /// What it covers and its metadata.
    pub params: SignatureParams,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// Parses the `Signature-Input` and `Signature` header values and pairs
/// their members by label, in `Signature-Input` order. Every label must
/// appear in both.
pub fn parse(
    signature_input: &str,
    signature: &str,
) -> Result<Vec<MessageSignature>, Rfc9421Error> {
    let inputs = sfv::parse_dictionary(signature_input).map_err(|source| Rfc9421Error::Syntax {
        header: "Signature-Input",
        source,
    })?;
    let signatures = sfv::parse_dictionary(signature).map_err(|source| Rfc9421Error::Syntax {
        header: "Signature",
        source,
    })?;
    if inputs.is_empty() {
        return Err(Rfc9421Error::NoSignatures);
    }
    if let Some(label) = signatures.keys().find(|label| !inputs.contains_key(*label)) {
        return Err(Rfc9421Error::MissingInput(label.as_str().to_owned()));
    }
    let mut out = Vec::new();
    for (label, member) in &inputs {
        let label = label.as_str().to_owned();
        let ListEntry::InnerList(list) = member else {
            return Err(Rfc9421Error::NotInnerList(label));
        };
        let bytes = match signatures.get(label.as_str()) {
            None => return Err(Rfc9421Error::MissingSignature(label)),
            Some(ListEntry::Item(Item {
                bare_item: BareItem::ByteSequence(bytes),
                ..
            })) => bytes.clone(),
            Some(_) => return Err(Rfc9421Error::NotByteSequence(label)),
        };
        out.push(MessageSignature {
            label,
            params: SignatureParams::from_inner_list(list)?,
            signature: bytes,
        });
    }
    Ok(out)
}

/// Builds the signature base (RFC 9421 §2.5): one `"identifier": value`
/// line per covered component, then the `"@signature-params"` line, joined
/// with `\n` and without a trailing newline.
pub fn signature_base<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    params: &SignatureParams,
) -> Result<String, Rfc9421Error> {
    let mut base = String::new();
    for component in &params.components {
        base.push_str(&component.identifier());
        base.push_str(": ");
        base.push_str(&component_value(request, component)?);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&params.serialize());
    Ok(base)
}

/// The `Signature-Input` and `Signature` header values of one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeaders {
    /// The `Signature-Input` value, e.g. `sig1=("@method");created=…`.
    pub signature_input: String,
    /// The `Signature` value, e.g. `sig1=:…:`.
    pub signature: String,
}

/// Signs `request` with `rsa-v1_5-sha256` under `label`. `params` must
/// not ask for another `alg`.
pub fn sign<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    label: &str,
    params: &SignatureParams,
    key: &PrivateKey,
) -> Result<SignatureHeaders, Rfc9421Error> {
    if params.algorithm()? != SignatureAlgorithm::RsaPkcs1v15Sha256 {
        return Err(Rfc9421Error::UnsupportedAlgorithm(
            params.alg().unwrap_or_default().to_owned(),
        ));
    }
    let base = signature_base(request, params)?;
    let signature = key.sign_rsa_sha256(base.as_bytes())?;
    Ok(SignatureHeaders {
        signature_input: format!("{label}={}", params.serialize()),
        signature: format!("{label}=:{}:", STANDARD.encode(signature)),
    })
}

/// Checks one signature over `request` with the algorithm its `alg` names
/// (`rsa-v1_5-sha256` when absent). No policy: see [`super::verify`].
pub fn verify<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    signature: &MessageSignature,
    key: &PublicKey,
) -> Result<(), Rfc9421Error> {
    let algorithm = signature.params.algorithm()?;
    verify_with_algorithm(request, signature, key, algorithm)
}

/// Checks one signature with `algorithm`, for keys whose algorithm is
/// known out of band (RFC 9421 lets `alg` be omitted, e.g. for an
/// RSA-PSS key). An `alg` parameter naming another algorithm is refused.
pub fn verify_with_algorithm<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    signature: &MessageSignature,
    key: &PublicKey,
    algorithm: SignatureAlgorithm,
) -> Result<(), Rfc9421Error> {
    if let Some(alg) = signature.params.alg() {
        if signature.params.algorithm()? != algorithm {
            return Err(Rfc9421Error::AlgorithmMismatch(alg.to_owned()));
        }
    }
    let base = signature_base(request, &signature.params)?;
    key.verify(algorithm, base.as_bytes(), &signature.signature)?;
    Ok(())
}

fn component_value<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    component: &Component,
) -> Result<String, Rfc9421Error> {
    let name = component.name.as_str();
    let allowed_param = if name == "@query-param" {
        Some("name")
    } else {
        None
    };
    if let Some((param, _)) = component
        .params
        .iter()
        .find(|(k, _)| Some(k.as_str()) != allowed_param)
    {
        return Err(Rfc9421Error::UnsupportedComponentParameter {
            component: name.to_owned(),
            parameter: param.clone(),
        });
    }
    let value = match name {
        "@method" => request.method.to_owned(),
        "@target-uri" => {
            let query = request.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!(
                "{}://{}{}{query}",
                request.scheme.to_ascii_lowercase(),
                authority(request),
                request.path()
            )
        }
        "@authority" => authority(request),
        "@scheme" => request.scheme.to_ascii_lowercase(),
        "@request-target" => request.target.to_owned(),
        "@path" => request.path().to_owned(),
        "@query" => format!("?{}", request.query().unwrap_or_default()),
        "@query-param" => query_param(request, component)?,
        derived if derived.starts_with('@') => {
            return Err(Rfc9421Error::UnsupportedComponent(derived.to_owned()))
        }
        field => request
            .headers
            .get_combined(field)
            .ok_or_else(|| Rfc9421Error::MissingComponent(field.to_owned()))?,
    };
    Ok(value)
}

/// The authority, lower-cased and without the scheme's default port.
fn authority<H: Headers + ?Sized>(request: &HttpRequest<'_, H>) -> String {
    let authority = request.authority.to_ascii_lowercase();
    let default_port = match request.scheme.to_ascii_lowercase().as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return authority,
    };
    authority
        .strip_suffix(default_port)
        .map(str::to_owned)
        .unwrap_or(authority)
}

/// An integer bare item; `value` beyond RFC 8941's 15 digits (never a Unix
/// time) is clamped.
fn integer_item(value: i64) -> BareItem {
    let clamped = value.clamp(i64::from(sfv::Integer::MIN), i64::from(sfv::Integer::MAX));
    BareItem::Integer(sfv::Integer::try_from(clamped).unwrap_or(sfv::Integer::ZERO))
}

fn query_param<H: Headers + ?Sized>(
    request: &HttpRequest<'_, H>,
    component: &Component,
) -> Result<String, Rfc9421Error> {
    let Some(BareItem::String(wanted)) = sfv::param(&component.params, "name") else {
        return Err(Rfc9421Error::InvalidParameter {
            name: "name".to_owned(),
            expected: "a string on @query-param",
        });
    };
    let mut found = request
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_reencode(name) == wanted.as_str()).then(|| form_reencode(value))
        });
    let value = found
        .next()
        .ok_or_else(|| Rfc9421Error::MissingComponent(component.identifier()))?;
    if found.next().is_some() {
        return Err(Rfc9421Error::AmbiguousQueryParameter(
            wanted.as_str().to_owned(),
        ));
    }
    Ok(value)
}

/// RFC 9421 §2.2.8: decode as `application/x-www-form-urlencoded` (`+` is
/// a space, `%XX` a byte), then percent-encode every byte except ASCII
/// alphanumerics and `*-._` (spaces become `%20`).
fn form_reencode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|h| char::from(*h).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                decoded.push(u8::try_from(hi * 16 + lo).unwrap_or_default());
                i += 3;
            }
            (b'+', _, _) => {
                decoded.push(b' ');
                i += 1;
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    // WHATWG parsing decodes the bytes as UTF-8, replacing invalid sequences.
    let text = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> HttpRequest<'a, [(&'a str, &'a str)]> {
        HttpRequest {
            method: "GET",
            scheme: "HTTPS",
            authority: "WWW.Example.com:443",
            target,
            headers,
            body: b"",
        }
    }

    #[test]
    fn derived_components() {
        let req = request("/path?param=value", &[]);
        let value = |name: &str| component_value(&req, &Component::new(name)).unwrap();
        assert_eq!(value("@method"), "GET");
        assert_eq!(
            value("@target-uri"),
            "https://www.example.com/path?param=value"
        );
        assert_eq!(value("@authority"), "www.example.com");
        assert_eq!(value("@scheme"), "https");
        assert_eq!(value("@request-target"), "/path?param=value");
        assert_eq!(value("@path"), "/path");
        assert_eq!(value("@query"), "?param=value");
        let bare = request("/path", &[]);
        assert_eq!(
            component_value(&bare, &Component::new("@query")).unwrap(),
            "?"
        );
        assert_eq!(
            component_value(&bare, &Component::new("@status")),
            Err(Rfc9421Error::UnsupportedComponent("@status".into()))
        );
    }

    /// The examples of RFC 9421 §2.2.8.
    #[test]
    fn query_params_are_reencoded() {
        let req = request(
            "/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something&qux=",
            &[],
        );
        let value = |name: &str| component_value(&req, &Component::query_param(name));
        assert_eq!(
            value("var").unwrap(),
            "this%20is%20a%20big%0Amultiline%20value"
        );
        assert_eq!(value("bar").unwrap(), "with%20plus%20whitespace");
        assert_eq!(value("fa%C3%A7ade%22%3A%20").unwrap(), "something");
        assert_eq!(value("qux").unwrap(), "");
        assert!(matches!(
            value("nope"),
            Err(Rfc9421Error::MissingComponent(_))
        ));
        let twice = request("/?a=1&a=2", &[]);
        assert_eq!(
            component_value(&twice, &Component::query_param("a")),
            Err(Rfc9421Error::AmbiguousQueryParameter("a".into()))
        );
    }

    #[test]
    fn header_components() {
        let headers = [
            ("Content-Digest", "sha-256=:AA==:"),
            ("X-Two", "a"),
            ("x-two", "b "),
        ];
        let req = request("/", &headers);
        let value = |name: &str| component_value(&req, &Component::new(name));
        assert_eq!(value("content-digest").unwrap(), "sha-256=:AA==:");
        assert_eq!(value("X-Two").unwrap(), "a, b");
        assert_eq!(
            value("date"),
            Err(Rfc9421Error::MissingComponent("date".into()))
        );
        let mut sf = Component::new("x-two");
        sf.params.push(("sf".into(), BareItem::Boolean(true)));
        assert!(matches!(
            component_value(&req, &sf),
            Err(Rfc9421Error::UnsupportedComponentParameter { .. })
        ));
    }

    #[test]
    fn parse_pairs_labels_and_rejects_bad_input() {
        let sigs = parse(
            r#"sig1=("@method" "@target-uri");created=1;keyid="k", sig2=();alg="rsa-pss-sha512""#,
            "sig2=:AAEC:, sig1=:AQ==:",
        )
        .unwrap();
        assert_eq!(sigs.len(), 2);
        assert_eq!(sigs[0].label, "sig1");
        assert_eq!(sigs[0].signature, vec![1]);
        assert_eq!(sigs[0].params.keyid(), Some("k"));
        assert_eq!(sigs[0].params.created(), Some(1));
        assert_eq!(
            sigs[1].params.algorithm(),
            Ok(SignatureAlgorithm::RsaPssSha512)
        );

        let err = |input: &str, sig: &str| parse(input, sig).unwrap_err();
        assert!(matches!(
            err("sig1=(", "sig1=:AA==:"),
            Rfc9421Error::Syntax {
                header: "Signature-Input",
                ..
            }
        ));
        assert!(matches!(
            err("sig1=()", "sig1"),
            Rfc9421Error::NotByteSequence(_)
        ));
        assert!(matches!(
            err("sig1=()", "sig1=:::"),
            Rfc9421Error::Syntax {
                header: "Signature",
                ..
            }
        ));
        assert_eq!(
            err("sig1=()", "sig2=:AA==:"),
            Rfc9421Error::MissingInput("sig2".into())
        );
        assert_eq!(
            err("sig1=(), sig2=()", "sig1=:AA==:"),
            Rfc9421Error::MissingSignature("sig2".into())
        );
        assert_eq!(
            err("sig1=1", "sig1=:AA==:"),
            Rfc9421Error::NotInnerList("sig1".into())
        );
        assert_eq!(
            err("sig1=(a)", "sig1=:AA==:"),
            Rfc9421Error::ComponentNotString
        );
        assert_eq!(err("", ""), Rfc9421Error::NoSignatures);
        assert!(matches!(
            err(r#"sig1=("@method" "@method")"#, "sig1=:AA==:"),
            Rfc9421Error::DuplicateComponent(_)
        ));
        assert!(matches!(
            err(r#"sig1=();created="yesterday""#, "sig1=:AA==:"),
            Rfc9421Error::InvalidParameter { .. }
        ));
        assert!(matches!(
            err(r#"sig1=();keyid="a";keyid="b""#, "sig1=:AA==:"),
            Rfc9421Error::Syntax {
                source: SfvError::DuplicateKey(_),
                ..
            }
        ));
        assert_eq!(
            parse(r#"sig1=();alg="hmac-sha256""#, "sig1=:AA==:").unwrap()[0]
                .params
                .algorithm(),
            Err(Rfc9421Error::UnsupportedAlgorithm("hmac-sha256".into()))
        );
    }

    #[test]
    fn builder_keeps_parameter_order() {
        let params = SignatureParams::new(vec![
            Component::new("@method"),
            Component::query_param("Pet"),
        ])
        .with_created(1618884473)
        .with_keyid("test-key-rsa-pss")
        .with_tag("header-example");
        assert_eq!(
            params.serialize(),
            r#"("@method" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#
        );
    }
}
