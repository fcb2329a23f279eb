//! Role and scope checks (`authcore::authz`). Lists arrive encoded as one string (see
//! [`crate::jwt::split_list`]).

use crate::jwt::split_list;
use crate::throw;
use alloc::vec::Vec;
use authcore::authz::{self, RoleHierarchy};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// `true` if one of `held` is one of `required`, directly or through `hierarchy` (a flat list
/// `senior0, junior0, senior1, junior1, …`). An empty `required` list is satisfied by anyone;
/// an empty role name or a cyclic hierarchy is `invalid_params`.
#[wasm_bindgen(js_name = anyRole)]
pub fn any_role(held: &str, required: &str, hierarchy: &str) -> Result<bool, JsValue> {
    let flat = split_list(hierarchy);
    let pairs = flat.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return Err(throw(Error::InvalidParams));
    }
    let edges: Vec<(&str, &str)> = pairs
        .filter_map(|p| Some((*p.first()?, *p.get(1)?)))
        .collect();
    let h = match edges.is_empty() {
        true => None,
        false => Some(RoleHierarchy::new(&edges).map_err(throw)?),
    };
    match authz::require_any_role(split_list(held), &split_list(required), h.as_ref()) {
        Ok(()) => Ok(true),
        Err(Error::Forbidden) => Ok(false),
        Err(e) => Err(throw(e)),
    }
}

/// `true` if the granted space-delimited scope string contains every required scope.
/// `invalid_claim` (scope) for a malformed granted string, `invalid_params` for a malformed
/// requirement.
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(granted: &str, required: &str) -> Result<bool, JsValue> {
    match authz::require_scopes(granted, &split_list(required)) {
        Ok(()) => Ok(true),
        Err(Error::MissingScope) => Ok(false),
        Err(e) => Err(throw(e)),
    }
}
