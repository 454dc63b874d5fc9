use ferrodon_core::db::Page;

use super::Params;
use crate::error::ApiResult;

/// Reads max_id / since_id / min_id / limit (default 20, at most `max`).
pub fn page_from(params: &Params, default: i64, max: i64) -> ApiResult<Page> {
    Ok(Page::new(
        params.id("max_id")?,
        params.id("since_id")?,
        params.id("min_id")?,
        params.i64("limit")?,
        default,
        max,
    ))
}
