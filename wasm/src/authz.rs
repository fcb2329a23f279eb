//! Role and scope checks (`authcore::authz`). Lists arrive as list fields (see
//! [`crate::io::list`]).

use crate::io::inputs;
use crate::{finish, Io};
use alloc::string::String;
use alloc::vec::Vec;
use authcore::authz::{self, RoleHierarchy};
use authcore::jwt::{Claims, JsonStr};
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
    /// [`has_scopes`]'s inputs: the holder's `scope` claim as JSON (absent: none granted) and
    /// the requirement, either a space-delimited string or a list.
    ScopeIn = "hasScopes" {
        scope: OptText = "scope",
        required_text: OptText = "requiredText",
        required: OptList = "required",
    }
}

/// The claims `{"<name>": <value>}` for one claim given as its JSON value, parsed by the core:
/// what a `roles` or `scope` claim may be is the core's rule ([`Claims::parse`]); anything it
/// refuses, unreadable JSON included, is `invalid_claim` for that claim.
fn one_claim<'a>(doc: &'a mut Vec<u8>, claim: Claim, value: &str) -> Result<Claims<'a>, Error> {
    let name = claim.name().unwrap_or_default();
    for part in ["{\"", name, "\":", value, "}"] {
        doc.extend_from_slice(part.as_bytes());
    }
    Claims::parse(doc, &[]).map_err(|_| Error::InvalidClaim(claim))
}

/// The unescaped text of a claim string.
fn unescaped(s: JsonStr<'_>, claim: Claim) -> Result<String, Error> {
    let mut buf = alloc::vec![0; s.raw().len()];
    let text = s
        .unescape_into(&mut buf)
        .map_err(|_| Error::InvalidClaim(claim))?;
    Ok(String::from(text))
}

/// The roles of a `roles` claim given as its JSON value: one string, or an array of strings.
fn roles(value: &str) -> Result<Vec<String>, Error> {
    let mut doc = Vec::new();
    let claims = one_claim(&mut doc, Claim::Roles, value)?;
    let mut held = Vec::new();
    let mut r = Ok(());
    claims.for_each_role(|role| match unescaped(role, Claim::Roles) {
        Ok(role) => held.push(role),
        Err(e) => r = Err(e),
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

/// 1 if the granted space-delimited `scope` claim contains every required scope, else 0.
/// `invalid_claim` (scope) for a scope claim that is not a string or is malformed,
/// `invalid_params` for a malformed requirement.
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(io: &mut Io) -> i32 {
    let r = io.read().0.and_then(|i: ScopeIn<'_>| {
        let mut doc = Vec::new();
        let granted = match i.scope {
            None => String::new(),
            Some(value) => match one_claim(&mut doc, Claim::Scope, value)?.scope {
                Some(s) => unescaped(s, Claim::Scope)?,
                None => String::new(),
            },
        };
        let r = match (i.required_text, i.required) {
            (Some(text), None) => authz::require_scopes_str(&granted, text),
            (None, Some(list)) => authz::require_scopes(&granted, &list.split()),
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
