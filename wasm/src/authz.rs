//! Role and scope checks (`authcore::authz`). Lists arrive as input text fields (see
//! [`crate::io::list`]).

use crate::io::list;
use crate::{finish, Io};
use alloc::vec::Vec;
use authcore::authz::{self, RoleHierarchy};
use authcore::Error;
use wasm_bindgen::prelude::*;

/// 1 if one of the held roles is one of the required roles, directly or through the hierarchy
/// (a flat list `senior0, junior0, senior1, junior1, …`), else 0. The three lists are input
/// fields of the given lengths. An empty required list is satisfied by anyone; an empty role
/// name or a cyclic hierarchy is `invalid_params`.
#[wasm_bindgen(js_name = anyRole)]
pub fn any_role(io: &mut Io, held_len: usize, required_len: usize, hierarchy_len: usize) -> i32 {
    let (mut f, _) = io.fields();
    let r = (|| {
        let held = list(f.text(held_len, Error::InvalidParams)?);
        let required = list(f.text(required_len, Error::InvalidParams)?);
        let flat = list(f.text(hierarchy_len, Error::InvalidParams)?);
        let pairs = flat.chunks_exact(2);
        if !pairs.remainder().is_empty() {
            return Err(Error::InvalidParams);
        }
        let edges: Vec<(&str, &str)> = pairs
            .filter_map(|p| Some((*p.first()?, *p.get(1)?)))
            .collect();
        let h = match edges.is_empty() {
            true => None,
            false => Some(RoleHierarchy::new(&edges)?),
        };
        match authz::require_any_role(held, &required, h.as_ref()) {
            Ok(()) => Ok(1),
            Err(Error::Forbidden) => Ok(0),
            Err(e) => Err(e),
        }
    })();
    finish(io, r)
}

/// 1 if the granted space-delimited scope string contains every required scope, else 0 (both
/// input fields). `invalid_claim` (scope) for a malformed granted string, `invalid_params` for
/// a malformed requirement.
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(io: &mut Io, granted_len: usize, required_len: usize) -> i32 {
    let (mut f, _) = io.fields();
    let r = (|| {
        let granted = f.text(granted_len, Error::InvalidParams)?;
        let required = list(f.text(required_len, Error::InvalidParams)?);
        match authz::require_scopes(granted, &required) {
            Ok(()) => Ok(1),
            Err(Error::MissingScope) => Ok(0),
            Err(e) => Err(e),
        }
    })();
    finish(io, r)
}
