//! Role and OAuth2 scope checks.
//!
//! Roles and scopes arrive as `&str` items taken from an already-verified token (a JSON array
//! claim such as `roles`, or a space-delimited string such as `scope`). This module only
//! decides; it never allocates and never panics.
//!
//! # Security contract
//! - Every comparison is exact and case-sensitive, byte for byte (`"Admin"` is not `"admin"`).
//!   No trimming, no Unicode normalisation.
//! - [`RoleHierarchy`] is a fixed, caller-supplied table of at most
//!   [`RoleHierarchy::MAX_EDGES`] edges. A cyclic table is rejected at construction, and every
//!   walk visits each edge at most once, so no table can make a check loop.
//! - An **empty requirement** (no role, or no scope: `&[]`, `""`, `"  "`) is refused with
//!   [`Error::InvalidParams`]: "any of nothing" must not pass for anyone, and "all of nothing"
//!   is almost always a requirement that went missing in configuration. A caller that means
//!   "any authenticated user" checks nothing beyond the verified token. Authentication itself
//!   (verifying the token) is the caller's job and must happen first.
//! - Scope strings follow RFC 6749 §3.3: a scope-token is one or more bytes from
//!   `%x21 / %x23-5B / %x5D-7E` (printable ASCII except space, `"` and `\`). Any other byte in
//!   a granted scope string rejects the whole string with
//!   [`Error::InvalidClaim`]`(`[`Claim::Scope`]`)`. Tokens are separated by the space
//!   character (`0x20`) only; runs of spaces and leading or trailing spaces are tolerated (they
//!   cannot make two tokens ambiguous), tabs and newlines are not.
//! - Failures are [`Error::Forbidden`] and [`Error::MissingScope`]; neither names the role or
//!   scope that was missing, nor any the caller holds.
//! - A malformed *requirement* (an empty list, an empty role or scope name, or a scope with a
//!   byte outside the grammar) is a configuration mistake and yields [`Error::InvalidParams`] instead of failing
//!   silently forever.

use crate::error::{Claim, Error, Result};

// --------------------------------------------------------------------------------------------
// Roles
// --------------------------------------------------------------------------------------------

/// A fixed role hierarchy: each edge `(senior, junior)` means "whoever holds `senior` also
/// holds `junior`". Implication is transitive.
///
/// ```
/// use authcore::authz::RoleHierarchy;
/// const EDGES: &[(&str, &str)] = &[("admin", "teacher"), ("teacher", "student")];
/// let h = RoleHierarchy::new(EDGES)?;
/// assert!(h.implies("admin", "student"));
/// assert!(!h.implies("student", "teacher"));
/// # Ok::<(), authcore::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RoleHierarchy<'a> {
    edges: &'a [(&'a str, &'a str)],
}

impl<'a> RoleHierarchy<'a> {
    /// Largest number of edges a hierarchy may have (one bit of a `u64` per edge during a walk).
    pub const MAX_EDGES: usize = 64;

    /// Validates and wraps an edge table.
    ///
    /// Rejected with [`Error::InvalidParams`]: more than [`Self::MAX_EDGES`] edges, an empty
    /// role name, or a cycle (including an edge from a role to itself). Duplicate edges are
    /// harmless and accepted.
    pub fn new(edges: &'a [(&'a str, &'a str)]) -> Result<Self> {
        if edges.len() > Self::MAX_EDGES {
            return Err(Error::InvalidParams);
        }
        let h = Self { edges };
        for &(senior, junior) in edges {
            // A cycle through this edge exists iff `junior` already reaches `senior`.
            if senior.is_empty() || junior.is_empty() || h.implies(junior, senior) {
                return Err(Error::InvalidParams);
            }
        }
        Ok(h)
    }

    /// The edge table this hierarchy was built from.
    pub const fn edges(&self) -> &'a [(&'a str, &'a str)] {
        self.edges
    }

    /// `true` if holding `held` grants `required`: they are equal, or `required` is reachable
    /// from `held` along the edges.
    ///
    /// Cost: at most `edges²` string comparisons; each edge is expanded at most once.
    pub fn implies(&self, held: &str, required: &str) -> bool {
        if held == required {
            return true;
        }
        // `pending` and `seen` are bit sets over edge indices (edges.len() <= 64).
        let mut pending = self.out_edges(held, 0);
        let mut seen = pending;
        while pending != 0 {
            let i = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            let Some(&(_, junior)) = self.edges.get(i) else {
                continue;
            };
            if junior == required {
                return true;
            }
            let next = self.out_edges(junior, seen);
            seen |= next;
            pending |= next;
        }
        false
    }

    /// Bit set of the edges leaving `role`, skipping those already in `seen`.
    fn out_edges(&self, role: &str, seen: u64) -> u64 {
        self.edges
            .iter()
            .take(Self::MAX_EDGES)
            .enumerate()
            .filter(|&(i, &(senior, _))| seen & (1 << i) == 0 && senior == role)
            .fold(0, |set, (i, _)| set | (1 << i))
    }
}

/// `true` if one of the `held` roles is `role`, or implies it through `hierarchy`.
/// Always `false` for an empty `role`.
pub fn has_role<'h>(
    held: impl IntoIterator<Item = &'h str>,
    role: &str,
    hierarchy: Option<&RoleHierarchy<'_>>,
) -> bool {
    !role.is_empty() && held.into_iter().any(|h| grants(h, role, hierarchy))
}

/// Succeeds if at least one `required` role is held (directly or through `hierarchy`).
///
/// # Errors
/// [`Error::InvalidParams`] if `required` is empty (any of nothing) or a required role is the
/// empty string; otherwise
/// [`Error::Forbidden`] when no required role is held.
pub fn require_any_role<'h>(
    held: impl IntoIterator<Item = &'h str>,
    required: &[&str],
    hierarchy: Option<&RoleHierarchy<'_>>,
) -> Result<()> {
    if required.is_empty() || required.iter().any(|r| r.is_empty()) {
        return Err(Error::InvalidParams);
    }
    if held
        .into_iter()
        .any(|h| required.iter().any(|r| grants(h, r, hierarchy)))
    {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn grants(held: &str, required: &str, hierarchy: Option<&RoleHierarchy<'_>>) -> bool {
    match hierarchy {
        Some(h) => h.implies(held, required),
        None => held == required,
    }
}

// --------------------------------------------------------------------------------------------
// Scopes
// --------------------------------------------------------------------------------------------

/// A validated, space-delimited OAuth2 `scope` string (RFC 6749 §3.3), borrowed.
///
/// ```
/// use authcore::authz::Scopes;
/// let s = Scopes::parse("read:grades write:grades")?;
/// assert!(s.contains("read:grades"));
/// assert!(s.require(&["read:grades"]).is_ok());
/// assert!(s.require_str("read:grades admin").is_err());
/// # Ok::<(), authcore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes<'a> {
    raw: &'a str,
}

impl<'a> Scopes<'a> {
    /// Validates a granted scope string. The empty string (or only spaces) is the empty set.
    ///
    /// # Errors
    /// [`Error::InvalidClaim`]`(`[`Claim::Scope`]`)` if any byte is neither a space nor allowed
    /// in a scope-token.
    pub fn parse(raw: &'a str) -> Result<Self> {
        if raw.bytes().all(|b| b == b' ' || is_scope_byte(b)) {
            Ok(Self { raw })
        } else {
            Err(Error::InvalidClaim(Claim::Scope))
        }
    }

    /// The string as given.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// The scope-tokens, in order (duplicates kept).
    pub fn iter(&self) -> ScopeIter<'a> {
        ScopeIter {
            inner: self.raw.split([' ']),
        }
    }

    /// `true` if no scope is granted.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The scopes of `self` that `grant` also holds, in `self`'s order: what a refreshed pair
    /// may carry when `self` is what the user may have now and `grant` is what the session was
    /// granted (a refresh only ever narrows).
    pub fn within<'g>(&self, grant: &'g Scopes<'g>) -> impl Iterator<Item = &'a str> + 'g
    where
        'a: 'g,
    {
        self.iter().filter(move |s| grant.contains(s))
    }

    /// `true` if `scope` is one of the tokens (exact, case-sensitive).
    pub fn contains(&self, scope: &str) -> bool {
        self.iter().any(|s| s == scope)
    }

    /// Succeeds if every scope in `required` is granted.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `required` is empty or an entry is not a valid scope-token
    /// (empty, or containing a space or another byte outside the grammar); otherwise
    /// [`Error::MissingScope`] if any is not granted.
    pub fn require(&self, required: &[&str]) -> Result<()> {
        if required.is_empty() || !required.iter().all(|r| is_scope_token(r)) {
            return Err(Error::InvalidParams);
        }
        self.require_all(required.iter().copied())
    }

    /// Like [`Self::require`], with the requirement itself a space-delimited scope string
    /// (`"read write"` requires both).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] if `required` names no scope (empty or only spaces) or has a
    /// byte outside the grammar; otherwise
    /// [`Error::MissingScope`].
    pub fn require_str(&self, required: &str) -> Result<()> {
        match Scopes::parse(required) {
            Ok(required) if !required.is_empty() => self.require_all(required.iter()),
            _ => Err(Error::InvalidParams),
        }
    }

    fn require_all<'r>(&self, mut required: impl Iterator<Item = &'r str>) -> Result<()> {
        if required.all(|r| self.contains(r)) {
            Ok(())
        } else {
            Err(Error::MissingScope)
        }
    }
}

impl<'a> IntoIterator for Scopes<'a> {
    type Item = &'a str;
    type IntoIter = ScopeIter<'a>;
    fn into_iter(self) -> ScopeIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Scopes<'a> {
    type Item = &'a str;
    type IntoIter = ScopeIter<'a>;
    fn into_iter(self) -> ScopeIter<'a> {
        self.iter()
    }
}

/// Iterator over the scope-tokens of a [`Scopes`]; skips empty pieces between spaces.
#[derive(Debug, Clone)]
pub struct ScopeIter<'a> {
    // `[' ']`, not `' '`: the single-`char` searcher keeps an index the optimiser cannot
    // bound, so a panic path would survive into firmware builds (see examples/nopanic).
    inner: core::str::Split<'a, [char; 1]>,
}

impl<'a> Iterator for ScopeIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.inner.by_ref().find(|s| !s.is_empty())
    }
}

/// Parses `granted` and requires every scope in `required` (see [`Scopes::require`]).
///
/// # Errors
/// [`Error::InvalidParams`] for a malformed requirement,
/// [`Error::InvalidClaim`]`(`[`Claim::Scope`]`)` for a malformed granted string,
/// [`Error::MissingScope`] if a required scope is not granted.
pub fn require_scopes(granted: &str, required: &[&str]) -> Result<()> {
    Scopes::parse(granted)?.require(required)
}

/// Parses `granted` and requires every scope of the space-delimited `required`
/// (see [`Scopes::require_str`]); for bindings that pass the requirement as one string.
///
/// # Errors
/// As [`require_scopes`].
pub fn require_scopes_str(granted: &str, required: &str) -> Result<()> {
    Scopes::parse(granted)?.require_str(required)
}

/// `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`
fn is_scope_byte(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

fn is_scope_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_scope_byte)
}
