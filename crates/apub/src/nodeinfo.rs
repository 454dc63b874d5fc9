//! NodeInfo 2.0 (<https://nodeinfo.diaspora.software/>), which other servers
//! and crawlers read to learn what software an instance runs.
use serde::{Deserialize, Serialize};

/// The schema URL of NodeInfo 2.0, used as `rel` in the discovery document.
pub const NODEINFO_2_0_REL: &str = "http://nodeinfo.diaspora.software/ns/schema/2.0";
/// The schema URL of NodeInfo 2.1.
pub const NODEINFO_2_1_REL: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/// `/.well-known/nodeinfo`: where the NodeInfo documents are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discovery {
    /// Links to documents by schema.
    pub links: Vec<DiscoveryLink>,
}

/// One schema link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryLink {
    /// The schema URL.
    pub rel: String,
    /// The document's URL.
    pub href: String,
}

/// The NodeInfo 2.0 document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NodeInfo {
    pub version: String,
    pub software: Software,
    pub protocols: Vec<String>,
    pub services: Services,
    pub usage: Usage,
    pub open_registrations: bool,
    pub metadata: serde_json::Value,
}

/// Software name and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Software {
    pub name: String,
    pub version: String,
    /// NodeInfo 2.1: the source repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// NodeInfo 2.1: the project's home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
}

/// Services bridged to (none).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Services {
    pub outbound: Vec<String>,
    pub inbound: Vec<String>,
}

/// Usage figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Usage {
    pub users: UserUsage,
    pub local_posts: i64,
}

/// Active-user figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct UserUsage {
    pub total: i64,
    pub active_month: i64,
    pub active_halfyear: i64,
}
