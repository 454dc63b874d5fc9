//! Mastodon clients send parameters as a query string, JSON, an urlencoded
//! form or multipart, with Rails-style nesting (`media_ids[]=1`,
//! `fields_attributes[0][name]=x`, `source[privacy]=public`). `Params`
//! merges all of them into one JSON object with typed getters; the
//! nesting itself, and Rack's depth and count limits, are
//! `ferrodon_params`'s.
use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use ferrodon_core::Error;
use ferrodon_params::{ParamTree, ParamsError};
use futures_util::StreamExt;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// Largest body parsed as parameters (the text fields of a multipart body count together).
const MAX_BODY: usize = 2 << 20;
/// Largest multipart body read at all, files included (nginx's client_max_body_size is the same).
const MAX_MULTIPART: usize = 100 << 20;

/// Request parameters from the query string and the body.
#[derive(Debug, Default, Clone)]
pub struct Params {
    tree: ParamTree,
    /// File fields of a multipart body, by field name.
    files: Vec<(String, Vec<u8>)>,
}

fn bad(msg: String) -> ApiError {
    ApiError::Core(Error::BadRequest(msg))
}

impl From<ParamsError> for ApiError {
    fn from(e: ParamsError) -> Self {
        bad(e.to_string())
    }
}

impl Params {
    /// Builds parameters from an urlencoded string; 400 past Rack's limits.
    pub fn from_urlencoded(raw: &str) -> ApiResult<Self> {
        Ok(Params {
            tree: ParamTree::from_urlencoded(raw)?,
            files: Vec::new(),
        })
    }

    /// The raw value of a parameter.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.tree.values().get(name).filter(|v| !v.is_null())
    }

    /// A parameter as a string (numbers and booleans are converted).
    pub fn str(&self, name: &str) -> Option<String> {
        match self.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A non-empty string parameter.
    pub fn nonempty(&self, name: &str) -> Option<String> {
        self.str(name).filter(|s| !s.is_empty())
    }

    /// A boolean, read as Rails does: "false", "0", "f", "off", "no" are false.
    pub fn bool(&self, name: &str) -> Option<bool> {
        value_as_bool(self.get(name)?)
    }

    /// An integer parameter; 400 when it is not one.
    pub fn i64(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| bad(format!("{name} must be an integer"))),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("{name} must be an integer"))),
            Some(_) => Err(bad(format!("{name} must be an integer"))),
        }
    }

    /// A snowflake id parameter; 400 when it is not one.
    pub fn id(&self, name: &str) -> ApiResult<Option<i64>> {
        self.i64(name)
    }

    /// True when a multipart body carried a file in field `name`.
    pub fn has_file(&self, name: &str) -> bool {
        self.files.iter().any(|(f, _)| f == name)
    }

    /// Takes the bytes of file field `name` out of the parameters.
    pub fn take_file(&mut self, name: &str) -> Option<Vec<u8>> {
        let index = self.files.iter().position(|(f, _)| f == name)?;
        Some(self.files.swap_remove(index).1)
    }

    /// A list: `name[]=a&name[]=b`, a JSON array, or a single value.
    pub fn list(&self, name: &str) -> Vec<String> {
        match self.get(name) {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().filter_map(value_as_string).collect(),
            Some(Value::Object(map)) => map.values().filter_map(value_as_string).collect(),
            Some(v) => value_as_string(v).into_iter().collect(),
        }
    }

    /// A list of ids; 400 when any is not an integer.
    pub fn id_list(&self, name: &str) -> ApiResult<Vec<i64>> {
        self.list(name)
            .iter()
            .map(|s| {
                s.trim()
                    .parse()
                    .map_err(|_| bad(format!("{name} must be a list of ids")))
            })
            .collect()
    }
}

/// Reads a JSON value as a Rails-style boolean.
pub fn value_as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(!matches!(
            s.to_ascii_lowercase().as_str(),
            "false" | "0" | "f" | "off" | "no"
        )),
        _ => None,
    }
}

fn value_as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl FromRequest for Params {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let query = Params::from_urlencoded(req.query_string());
        let content_type = req
            .headers()
            .get("Content-Type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let headers = req.headers().clone();
        let payload = payload.take();
        Box::pin(async move {
            let mut params = query?;
            if content_type.starts_with("multipart/form-data") {
                let mut multipart = actix_multipart::Multipart::new(&headers, payload);
                let (mut total, mut text_total) = (0usize, 0usize);
                while let Some(field) = multipart.next().await {
                    let mut field =
                        field.map_err(|e| bad(format!("malformed multipart body: {e}")))?;
                    let name = field.name().map(str::to_owned).unwrap_or_default();
                    let is_file = field
                        .content_disposition()
                        .and_then(|cd| cd.get_filename())
                        .is_some();
                    let mut data = Vec::new();
                    while let Some(chunk) = field.next().await {
                        let chunk =
                            chunk.map_err(|e| bad(format!("malformed multipart body: {e}")))?;
                        total += chunk.len();
                        if !is_file {
                            text_total += chunk.len();
                        }
                        if total > MAX_MULTIPART || text_total > MAX_BODY {
                            return Err(ApiError::Core(Error::PayloadTooLarge));
                        }
                        data.extend_from_slice(&chunk);
                    }
                    if is_file {
                        params.files.push((name, data));
                    } else if !name.is_empty() {
                        params.tree.insert(
                            &name,
                            Value::String(String::from_utf8_lossy(&data).into_owned()),
                        )?;
                    }
                }
                return Ok(params);
            }
            let body = web::Bytes::from_request_payload(payload).await?;
            if body.is_empty() {
                return Ok(params);
            }
            if content_type.starts_with("application/json") {
                let parsed: Value = serde_json::from_slice(&body)
                    .map_err(|e| bad(format!("Error while parsing request body: {e}")))?;
                match parsed {
                    Value::Object(map) => params.tree.extend_json(map),
                    _ => return Err(bad("request body must be a JSON object".into())),
                }
            } else {
                let text = std::str::from_utf8(&body)
                    .map_err(|_| bad("request body is not UTF-8".into()))?;
                params.tree.merge_urlencoded(text)?;
            }
            Ok(params)
        })
    }
}

trait FromPayload {
    async fn from_request_payload(payload: actix_web::dev::Payload)
        -> Result<web::Bytes, ApiError>;
}

impl FromPayload for web::Bytes {
    async fn from_request_payload(
        mut payload: actix_web::dev::Payload,
    ) -> Result<web::Bytes, ApiError> {
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| bad(format!("could not read request body: {e}")))?;
            if body.len() + chunk.len() > MAX_BODY {
                return Err(ApiError::Core(Error::BadRequest(
                    "request body too large".into(),
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(raw: &str) -> Params {
        match Params::from_urlencoded(raw) {
            Ok(p) => p,
            Err(e) => panic!("{raw}: {e}"),
        }
    }

    #[test]
    fn nested_lists_and_objects() {
        let p = params("media_ids[]=1&media_ids[]=2&source[privacy]=private&status=hi");
        assert_eq!(p.list("media_ids"), vec!["1", "2"]);
        assert_eq!(
            p.get("source")
                .and_then(|s| s.get("privacy"))
                .and_then(|v| v.as_str()),
            Some("private")
        );
        assert_eq!(p.str("status").as_deref(), Some("hi"));
    }

    #[test]
    fn too_deep_a_key_is_a_400() {
        let raw = format!("a{}=1", "[x]".repeat(100));
        assert!(matches!(
            Params::from_urlencoded(&raw),
            Err(ApiError::Core(Error::BadRequest(_)))
        ));
    }

    #[test]
    fn typed_getters() {
        let p = params("a=true&b=0&c=12&d=x&e=");
        assert_eq!(p.bool("a"), Some(true));
        assert_eq!(p.bool("b"), Some(false));
        assert_eq!(p.i64("c").ok().flatten(), Some(12));
        assert!(p.i64("d").is_err());
        assert_eq!(p.i64("e").ok().flatten(), None);
        assert_eq!(p.bool("missing"), None);
    }
}
