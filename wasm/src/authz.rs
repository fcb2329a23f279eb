//! Role and scope checks (`authcore::authz`). Lists arrive as list fields (see
//! [`crate::io::list`]).

use crate::io::inputs;
use crate::{finish, Io};
use alloc::string::String;
use alloc::vec::Vec;
use authcore::authz::{self, RoleHierarchy};
use authcore::jwt::Claims;
use authcore::{Claim, Error};
use wasm_bindgen::prelude::*;

inputs! {
    /// [`any_role`]'s inputs: the holder's `roles` claim as JSON (absent: no roles), the
    /// required roles and the hierarchy (a flat list `senior0, junior0, senior1, …`).
    RoleIn = "anyRole" {
        roles: OptText = "roles",
        required: List = "required",
        hierarchy: List = "hierarchy",
    }
}

inputs! {
    /// [`has_scopes`]'s inputs: the granted scope string and the requirement, either a
    /// space-delimited string or a list.
    ScopeIn = "hasScopes" {
        granted: Text = "granted",
        required_text: OptText = "requiredText",
        required: OptList = "required",
    }
}

/// The roles of a `roles` claim given as its JSON value. What a roles claim may be (a string
/// or an array of strings) is the core's rule, applied by [`Claims::parse`] to the claim
/// alone; anything it refuses, unreadable JSON included, is `invalid_claim` (roles).
fn roles(value: &str) -> Result<Vec<String>, Error> {
    let mut doc = Vec::with_capacity(value.len() + 10);
    doc.extend_from_slice(b"{\"roles\":");
    doc.extend_from_slice(value.as_bytes());
    doc.push(b'}');
    let bad = Error::InvalidClaim(Claim::Roles);
    let claims = Claims::parse(&doc, &[]).map_err(|_| bad)?;
    let mut held = Vec::new();
    let mut r = Ok(());
    claims.for_each_role(|role| {
        let mut buf = alloc::vec![0; role.raw().len()];
        match role.unescape_into(&mut buf) {
            Ok(text) => held.push(String::from(text)),
            Err(_) => r = Err(bad),
        }
    });
    r.map(|()| held)
}

/// 1 if one of the held roles is one of the required roles, directly or through the
/// hierarchy, else 0. An empty required list is satisfied by anyone; an empty role name or a
/// cyclic hierarchy is `invalid_params`.
#[wasm_bindgen(js_name = anyRole)]
pub fn any_role(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: RoleIn<'_>| {
        let held = i.roles.map(roles).transpose()?.unwrap_or_default();
        let flat = i.hierarchy.split();
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
        let held = held.iter().map(String::as_str);
        match authz::require_any_role(held, &i.required.split(), h.as_ref()) {
            Ok(()) => Ok(1),
            Err(Error::Forbidden) => Ok(0),
            Err(e) => Err(e),
        }
    });
    finish(io, r)
}

/// 1 if the granted space-delimited scope string contains every required scope, else 0.
/// `invalid_claim` (scope) for a malformed granted string, `invalid_params` for a malformed
/// requirement.
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: ScopeIn<'_>| {
        let r = match (i.required_text, i.required) {
            (Some(text), None) => authz::require_scopes_str(i.granted, text),
            (None, Some(list)) => authz::require_scopes(i.granted, &list.split()),
            _ => Err(Error::InvalidParams),
        };
        match r {
            Ok(()) => Ok(1),
            Err(Error::MissingScope) => Ok(0),
            Err(e) => Err(e),
        }
    });
    finish(io, r)
}
