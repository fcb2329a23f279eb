#![cfg(feature = "authz")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use authcore::authz::{
    has_role, require_any_role, require_scopes, require_scopes_str, RoleHierarchy, Scopes,
};
use authcore::{Claim, Error};

const SCHOOL: &[(&str, &str)] = &[("admin", "teacher"), ("teacher", "student")];

fn school() -> RoleHierarchy<'static> {
    RoleHierarchy::new(SCHOOL).unwrap()
}

// ---- hierarchy ---------------------------------------------------------------------------

#[test]
fn hierarchy_is_transitive_and_one_way() {
    let h = school();
    assert!(h.implies("admin", "teacher"));
    assert!(h.implies("admin", "student"));
    assert!(h.implies("teacher", "student"));
    assert!(h.implies("student", "student"));
    assert!(!h.implies("student", "teacher"));
    assert!(!h.implies("teacher", "admin"));
    assert!(!h.implies("admin", "janitor"));
    assert!(!h.implies("janitor", "student"));
}

#[test]
fn hierarchy_follows_branches_and_diamonds() {
    // owner -> {billing, ops}; billing -> viewer; ops -> viewer; ops -> deployer
    const EDGES: &[(&str, &str)] = &[
        ("owner", "billing"),
        ("owner", "ops"),
        ("billing", "viewer"),
        ("ops", "viewer"),
        ("ops", "deployer"),
    ];
    let h = RoleHierarchy::new(EDGES).unwrap();
    assert!(h.implies("owner", "deployer"));
    assert!(h.implies("owner", "viewer"));
    assert!(h.implies("billing", "viewer"));
    assert!(!h.implies("billing", "deployer"));
    assert!(!h.implies("viewer", "owner"));
}

#[test]
fn hierarchy_rejects_cycles_and_self_loops() {
    for edges in [
        &[("a", "a")][..],
        &[("a", "b"), ("b", "a")][..],
        &[("a", "b"), ("b", "c"), ("c", "a")][..],
        &[("x", "y"), ("a", "b"), ("b", "c"), ("c", "b")][..],
    ] {
        assert_eq!(
            RoleHierarchy::new(edges).err(),
            Some(Error::InvalidParams),
            "{edges:?}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn hierarchy_rejects_empty_names_and_oversized_tables() {
    assert_eq!(
        RoleHierarchy::new(&[("", "a")]).err(),
        Some(Error::InvalidParams)
    );
    assert_eq!(
        RoleHierarchy::new(&[("a", "")]).err(),
        Some(Error::InvalidParams)
    );

    // A 64-edge chain r0 -> r1 -> ... -> r64 is accepted and walked end to end; 65 is too many.
    let names: Vec<String> = (0..=65).map(|i| format!("r{i}")).collect();
    let edges: Vec<(&str, &str)> = names
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect();
    let h = RoleHierarchy::new(&edges[..64]).unwrap();
    assert!(h.implies("r0", "r64"));
    assert!(!h.implies("r64", "r0"));
    assert_eq!(
        RoleHierarchy::new(&edges[..65]).err(),
        Some(Error::InvalidParams)
    );
}

#[test]
fn hierarchy_accepts_duplicate_edges_and_empty_table() {
    let h = RoleHierarchy::new(&[("a", "b"), ("a", "b")]).unwrap();
    assert!(h.implies("a", "b"));
    let empty = RoleHierarchy::new(&[]).unwrap();
    assert!(empty.implies("a", "a"));
    assert!(!empty.implies("a", "b"));
}

// ---- role checks -------------------------------------------------------------------------

#[test]
fn require_any_role_matches_exactly() {
    assert_eq!(
        require_any_role(["student", "editor"], &["editor"], None),
        Ok(())
    );
    assert_eq!(
        require_any_role(["student"], &["admin", "student"], None),
        Ok(())
    );
    assert_eq!(
        require_any_role(["student"], &["admin"], None),
        Err(Error::Forbidden)
    );
    // Case-sensitive, no trimming, no prefix matching.
    for held in ["Admin", "admin ", " admin", "admi", "administrator", ""] {
        assert_eq!(
            require_any_role([held], &["admin"], None),
            Err(Error::Forbidden),
            "{held:?}"
        );
    }
}

#[test]
fn require_any_role_uses_hierarchy() {
    let h = school();
    assert_eq!(require_any_role(["admin"], &["student"], Some(&h)), Ok(()));
    assert_eq!(
        require_any_role(["teacher"], &["student"], Some(&h)),
        Ok(())
    );
    assert_eq!(
        require_any_role(["student"], &["teacher"], Some(&h)),
        Err(Error::Forbidden)
    );
    // Without the hierarchy, admin is not student.
    assert_eq!(
        require_any_role(["admin"], &["student"], None),
        Err(Error::Forbidden)
    );
}

/// Any of nothing passes for no one: an empty role list is a configuration mistake.
#[test]
fn empty_role_requirement_is_refused() {
    assert_eq!(
        require_any_role(["student"], &[], None),
        Err(Error::InvalidParams)
    );
    assert_eq!(
        require_any_role(["admin"], &[], Some(&school())),
        Err(Error::InvalidParams)
    );
    assert_eq!(
        require_any_role([], &[], Some(&school())),
        Err(Error::InvalidParams)
    );
}

#[test]
fn empty_role_names_never_match() {
    assert_eq!(
        require_any_role([""], &[""], None),
        Err(Error::InvalidParams)
    );
    assert_eq!(
        require_any_role(["admin"], &["admin", ""], None),
        Err(Error::InvalidParams)
    );
    assert!(!has_role([""], "", None));
    assert!(!has_role(["admin"], "", Some(&school())));
}

#[test]
fn no_roles_held_is_forbidden() {
    assert_eq!(
        require_any_role([], &["student"], Some(&school())),
        Err(Error::Forbidden)
    );
    assert!(!has_role([], "student", None));
}

#[test]
fn roles_from_a_space_delimited_claim() {
    let claim = "student editor";
    assert!(has_role(claim.split(' '), "editor", None));
    assert!(has_role(claim.split(' '), "student", Some(&school())));
    assert!(!has_role(claim.split(' '), "teacher", Some(&school())));
}

#[test]
fn forbidden_message_names_no_role() {
    let err = require_any_role(["secret-role"], &["hidden-admin"], None).unwrap_err();
    let msg = err.to_string();
    assert!(
        !msg.contains("secret-role") && !msg.contains("hidden-admin"),
        "{msg}"
    );
    assert_eq!(err.code(), "forbidden");
}

// ---- scopes ------------------------------------------------------------------------------

#[test]
fn scopes_parse_iterate_and_contain() {
    let s = Scopes::parse("openid profile read:grades").unwrap();
    assert_eq!(
        s.iter().collect::<Vec<_>>(),
        ["openid", "profile", "read:grades"]
    );
    assert!(s.contains("profile"));
    assert!(!s.contains("Profile"));
    assert!(!s.contains("read"));
    assert!(!s.contains("openid profile"));
    assert!(!s.contains(""));
    assert!(!s.is_empty());
    assert_eq!(s.as_str(), "openid profile read:grades");
    assert_eq!((&s).into_iter().count(), 3);
}

#[test]
fn scopes_accept_the_full_rfc6749_token_alphabet() {
    // Every byte of %x21 / %x23-5B / %x5D-7E, as one token.
    let all: String = (0x21u8..=0x7e)
        .filter(|&b| b != b'"' && b != b'\\')
        .map(char::from)
        .collect();
    let s = Scopes::parse(&all).unwrap();
    assert_eq!(s.iter().collect::<Vec<_>>(), [all.as_str()]);
}

#[test]
fn scopes_reject_bytes_outside_the_grammar() {
    for bad in [
        "read\"",
        "a\\b",
        "read\twrite",
        "read\nwrite",
        "caf\u{e9}",
        "\u{7f}",
        "x\0",
    ] {
        assert_eq!(
            Scopes::parse(bad),
            Err(Error::InvalidClaim(Claim::Scope)),
            "{bad:?}"
        );
    }
}

#[test]
fn scopes_tolerate_extra_spaces() {
    let s = Scopes::parse("  read   write ").unwrap();
    assert_eq!(s.iter().collect::<Vec<_>>(), ["read", "write"]);
    assert!(Scopes::parse("").unwrap().is_empty());
    assert!(Scopes::parse("   ").unwrap().is_empty());
    assert_eq!(Scopes::parse("   ").unwrap().iter().count(), 0);
}

#[test]
fn require_scopes_needs_all_of_them() {
    assert_eq!(require_scopes("read write", &["write", "read"]), Ok(()));
    assert_eq!(require_scopes("read write", &["read"]), Ok(()));
    assert_eq!(
        require_scopes("read write", &["read", "admin"]),
        Err(Error::MissingScope)
    );
    assert_eq!(require_scopes("", &["read"]), Err(Error::MissingScope));
    assert_eq!(require_scopes("READ", &["read"]), Err(Error::MissingScope));
}

/// A requirement naming no scope is refused, as a list or as a string of spaces.
#[test]
fn empty_scope_requirement_is_refused() {
    for granted in ["", "read write"] {
        assert_eq!(require_scopes(granted, &[]), Err(Error::InvalidParams));
        for required in ["", " ", "   "] {
            assert_eq!(
                require_scopes_str(granted, required),
                Err(Error::InvalidParams),
                "{required:?}"
            );
        }
    }
    let s = Scopes::parse("read").unwrap();
    assert_eq!(s.require(&[]), Err(Error::InvalidParams));
    assert_eq!(s.require_str(" "), Err(Error::InvalidParams));
}

#[test]
fn require_scopes_reports_bad_token_and_bad_requirement_apart() {
    assert_eq!(
        require_scopes("read\twrite", &["read"]),
        Err(Error::InvalidClaim(Claim::Scope))
    );
    for bad in ["", "read write", "a\"b"] {
        assert_eq!(
            require_scopes("read write", &[bad]),
            Err(Error::InvalidParams),
            "{bad:?}"
        );
    }
}

#[test]
fn require_scopes_str_splits_the_requirement() {
    assert_eq!(require_scopes_str("a b c", "c a"), Ok(()));
    assert_eq!(require_scopes_str("a b c", "  b  "), Ok(()));
    assert_eq!(require_scopes_str("a b", "a d"), Err(Error::MissingScope));
    assert_eq!(require_scopes_str("a b", "a\tb"), Err(Error::InvalidParams));
    assert_eq!(
        require_scopes_str("a\u{0}", "a"),
        Err(Error::InvalidClaim(Claim::Scope))
    );
    let s = Scopes::parse("x y").unwrap();
    assert_eq!(s.require_str("y x"), Ok(()));
    assert_eq!(s.require(&["y", "z"]), Err(Error::MissingScope));
}

#[test]
fn missing_scope_message_names_no_scope() {
    let err = require_scopes("private:alpha", &["private:beta"]).unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains("alpha") && !msg.contains("beta"), "{msg}");
    assert_eq!(err.code(), "missing_scope");
}
