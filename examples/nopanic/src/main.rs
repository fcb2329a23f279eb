//! Link-time proof that no panic path in `authcore` survives optimisation.
//!
//! This firmware-shaped binary (`thumbv7em-none-eabihf`, no std, no allocator) calls every
//! public entry point of the core with inputs the optimiser cannot see through
//! (`core::hint::black_box`). Its panic handler calls a function that is declared but defined
//! nowhere. If any panic path (an out-of-bounds index, a failed `unwrap`, a division by zero,
//! an overflowing shift in a dependency, …) is still reachable after optimisation, the linker
//! must resolve that function and fails, naming it; otherwise the handler is dead code and
//! the link succeeds. `scripts/nopanic.sh` builds it under both optimised profiles.
//!
//! The binary is never run.
#![no_std]
#![no_main]

use authcore::authz::{self, RoleHierarchy, Scopes};
use authcore::jwt::{self, EncodeOptions, Key, KeyRing, KeySet, Typ, Validation};
use authcore::password::{self, Bounds, Params};
#[cfg(feature = "deps")]
use authcore::password::{Block, PasswordPolicy};
use authcore::ratelimit::{self, Gcra, Quota, RateLimiter};
use authcore::session::{self, AccessClaims, Id, RefreshClaims, Seen, SessionPolicy, SessionTable};
use core::hint::black_box;

unsafe extern "C" {
    /// Defined nowhere: referenced only from the panic handler, so it must not be reachable.
    safe fn authcore_nopanic_error_a_panic_path_survived_optimisation() -> !;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    authcore_nopanic_error_a_panic_path_survived_optimisation()
}

/// Backing store for opaque inputs: after `black_box`, neither contents nor length are known.
static INPUT: [u8; 8192] = [0; 8192];

fn bytes() -> &'static [u8] {
    black_box(&INPUT[..])
}

fn text() -> &'static str {
    black_box(core::str::from_utf8(bytes()).unwrap_or_default())
}

fn num() -> u64 {
    black_box(0)
}

fn small() -> u32 {
    black_box(0)
}

/// The JWT and session paths, run for every key kind the build has. Without `deps` or
/// `eddsa-verify`, a build with `eddsa` leaves them out (see `eddsa_paths`).
#[cfg_attr(
    all(
        feature = "eddsa",
        not(any(feature = "deps", feature = "eddsa-verify"))
    ),
    allow(dead_code)
)]
mod key_paths {
    use super::*;

    #[cfg(feature = "deps")]
    #[derive(serde::Deserialize)]
    struct Custom<'a> {
        #[serde(borrow)]
        sub: &'a str,
        exp: u64,
        admin: Option<bool>,
    }

    #[cfg(feature = "deps")]
    #[derive(serde::Serialize)]
    struct Outgoing<'a> {
        sub: &'a str,
        exp: u64,
        roles: &'a [&'a str],
    }

    pub(super) fn validation<'a>(
        issuers: &'a [&'a str],
        audiences: &'a [&'a str],
        required: &'a [&'a str],
    ) -> Validation<'a> {
        let mut v = Validation::new();
        v.leeway = num();
        v.issuer = black_box(Some(issuers));
        v.audience = black_box(Some(audiences));
        v.verify_aud = black_box(true);
        v.subject = black_box(Some(text()));
        v.token_type = black_box(Some(text()));
        v.required = black_box(required);
        v.verify_exp = black_box(true);
        v.verify_nbf = black_box(true);
        v.verify_iat = black_box(true);
        v.max_token_len = black_box(8192);
        v
    }

    pub(super) fn jwt_paths(key: &Key) {
        let mut buf = [0u8; 8192];
        let mut scratch = [0u8; 1024];
        let issuers = [text(), text()];
        let audiences = [text()];
        let required = [text(), text()];
        let v = validation(&issuers, &audiences, &required);
        let now = num();

        let keys = [key.clone(), key.clone()];
        let keys = black_box(&keys[..]);
        if let Ok(ring) = KeyRing::new(keys, black_box(0)) {
            let _ = black_box(ring.default_key());
            if let Ok(t) = jwt::verify(bytes(), &ring, &v, now, black_box(&mut buf[..])) {
                black_box((t.header, t.payload, t.claims.exp, t.claims.iss));
                t.claims.for_each_role(|r| {
                    black_box(r.eq_str(text()));
                    black_box(r.unescape_into(black_box(&mut scratch[..])).is_ok());
                });
                if let Some(aud) = t.claims.aud {
                    black_box(aud.matches_any(&audiences));
                }
            }
            let _ = black_box(session::verify_refresh(
                bytes(),
                &ring,
                &v,
                now,
                black_box(&mut buf[..]),
            ));
        }
        let mut set = KeySet::<4>::new();
        let _ = black_box(set.push(key.clone()));
        let _ = black_box(set.set_default(text()));
        let _ = black_box(set.default_key().map(Key::kid));
        let _ = black_box(jwt::verify(bytes(), &set, &v, now, black_box(&mut buf[..])).is_ok());
        let _ = black_box(jwt::verify(bytes(), key, &v, now, black_box(&mut buf[..])).is_ok());
        #[cfg(feature = "deps")]
        let _ = black_box(
            jwt::verify_into::<Custom<'_>, _>(
                bytes(),
                key,
                &v,
                now,
                black_box(&mut buf[..]),
                black_box(&mut scratch[..]),
            )
            .map(|c| (c.sub, c.exp, c.admin)),
        );
        let _ = black_box(jwt::decode_header(bytes(), black_box(&mut buf[..])).is_ok());
        let _ = black_box(
            jwt::decode_unverified(bytes(), black_box(8192), black_box(&mut buf[..])).is_ok(),
        );

        let mut out = [0u8; 4096];
        let opts = EncodeOptions {
            typ: black_box(Typ::AtJwt),
            kid: black_box(Some(text())),
        };
        #[cfg(feature = "deps")]
        {
            let roles = [text(), text()];
            let claims = Outgoing {
                sub: text(),
                exp: num(),
                roles: &roles,
            };
            let _ = black_box(jwt::encode(&claims, key, black_box(&mut out[..])));
            let _ = black_box(jwt::encode_with(
                &claims,
                key,
                &opts,
                black_box(&mut out[..]),
            ));
        }
        let _ = black_box(jwt::encode_json(
            bytes(),
            key,
            &opts,
            black_box(&mut out[..]),
        ));
        black_box(jwt::encoded_len(
            black_box(4096),
            black_box(Some(text())),
            black_box(Typ::Jwt),
        ));

        let _ = black_box(jwt::Header::parse(bytes()).is_ok());
        if let Ok(c) = jwt::Claims::parse(bytes(), &required) {
            let _ = black_box(c.validate(&v, now));
        }
        let _ = black_box(jwt::json::for_each_member(bytes(), |k, val| {
            black_box((
                k.eq_ignore_ascii_case(text()),
                val.as_u64(),
                val.as_str().map(|s| s.as_plain_str()),
            ));
            let _ = black_box(k.unescape_into(black_box(&mut scratch[..])));
            Ok(())
        }));
    }

    pub(super) fn session_paths(key: &Key) {
        let mut out = [0u8; 2048];
        let now = num();
        let Ok(policy) = SessionPolicy::new(num(), num()).and_then(|p| p.with_leeway(num())) else {
            return;
        };
        let _ = black_box((
            policy.access_exp(now),
            policy.refresh_exp(now),
            policy.record_until(now),
            policy.family_until(now),
            policy.key_retired_until(num()),
            policy.check_key_retired(num(), now),
            policy.key_still_trusted(num(), now),
        ));
        let seen = Seen {
            family_revoked: black_box(false),
            jti_used: black_box(true),
            in_grace: black_box(false),
        };
        let decision = policy.on_refresh(seen, num(), now);
        let _ = black_box((decision.result(), decision.as_str()));
        let (Ok(jti), Ok(fam)) = (Id::new(text()), Id::new(text())) else {
            return;
        };
        let _ = black_box(
            RefreshClaims::new(&policy, text(), jti, fam, now).write_json(black_box(&mut out[..])),
        );
        let roles = [text(), text()];
        let mut access = AccessClaims::new(&policy, text(), jti, Some(fam), now);
        access.roles = black_box(&roles);
        access.scope = black_box(Some(text()));
        let _ = black_box(access.write_json(black_box(&mut out[..])));

        let mut table = SessionTable::<8>::new();
        let mut buf = [0u8; 4096];
        let v = Validation::new();
        if let Ok(token) = session::verify_refresh(bytes(), key, &v, now, black_box(&mut buf[..])) {
            let _ = black_box(token.grant().map(|g| g.iter().count()));
            let _ = black_box(table.use_refresh(&policy, &token, now));
        }
        if let Ok(token) = session::verify_access(bytes(), key, &v, now, black_box(&mut buf[..])) {
            token.for_each_role(|r| {
                black_box(r.eq_str(text()));
            });
            if let (Ok(held), Ok(grant)) = (token.scopes(), Scopes::parse(text())) {
                black_box(held.within(&grant).count());
            }
            black_box((token.sub, token.jti, token.fam, token.exp));
        }
        let _ = black_box(table.revoke_family(fam, num(), now));
        black_box((table.is_family_revoked(fam, now), table.live(now)));
    }
}

fn password_paths() {
    #[cfg(feature = "deps")]
    let mut memory = [const { Block::new() }; 16];
    #[cfg(feature = "deps")]
    let memory = black_box(&mut memory[..]);
    #[cfg(feature = "deps")]
    let mut out = [0u8; password::MAX_PHC_LEN];
    let bounds = Bounds::default()
        .with_m_cost(small(), small())
        .and_then(|b| b.with_t_cost(small(), small()))
        .and_then(|b| b.with_p_cost(small(), small()))
        .and_then(|b| b.with_salt_len(black_box(8), black_box(64)))
        .and_then(|b| b.with_output_len(black_box(16), black_box(64)))
        .and_then(|b| b.with_bcrypt_cost(small(), small()))
        .unwrap_or_default();
    black_box(bounds.max_blocks());
    #[cfg(feature = "deps")]
    let _ = black_box(password::verify(
        bytes(),
        text(),
        &bounds,
        black_box(Some(bytes())),
        &mut memory[..],
    ));
    let _ = black_box(password::blocks_needed(text(), &bounds));
    let _ = black_box(password::needs_rehash(text(), &Params::OWASP));
    if let Ok(params) =
        Params::new(small(), small(), small()).and_then(|p| p.with_output_len(black_box(32)))
    {
        let _ = black_box(bounds.check(&params));
        black_box((params.blocks_needed(), params.phc_len()));
        #[cfg(feature = "deps")]
        let _ = black_box(
            password::hash(
                bytes(),
                bytes(),
                &params,
                black_box(None),
                &mut memory[..],
                black_box(&mut out[..]),
            )
            .is_ok(),
        );
    }
    #[cfg(feature = "deps")]
    if let Ok(policy) = PasswordPolicy::new(black_box(8), black_box(64))
        .and_then(|p| p.with_required_classes(black_box(Some(3))))
    {
        let _ = black_box(policy.with_reject_common(black_box(false)).check(text()));
    }
}

fn authz_paths() {
    let edges = [(text(), text()), (text(), text())];
    let held = [text(), text()];
    let required = [text(), text()];
    let hierarchy = RoleHierarchy::new(black_box(&edges[..])).ok();
    black_box(authz::has_role(
        held.iter().copied(),
        text(),
        hierarchy.as_ref(),
    ));
    let _ = black_box(authz::require_any_role(
        held.iter().copied(),
        &required,
        hierarchy.as_ref(),
    ));
    if let Some(h) = &hierarchy {
        black_box(h.implies(text(), text()));
    }
    if let Ok(scopes) = Scopes::parse(text()) {
        black_box((
            scopes.contains(text()),
            scopes.is_empty(),
            scopes.iter().count(),
        ));
        let _ = black_box((scopes.require(&required), scopes.require_str(text())));
    }
    let _ = black_box(authz::require_scopes(text(), &required));
    let _ = black_box(authz::require_scopes_str(text(), text()));
}

fn ratelimit_paths() {
    let quotas = [
        Quota::new(small(), num()),
        Quota::per_second(small()),
        Quota::per_minute(small()),
        Quota::per_hour(small()).and_then(|q| q.with_burst(small())),
    ];
    for q in quotas.into_iter().flatten() {
        let g = Gcra::new(q);
        black_box(g.check(black_box(Some(num())), num()));
        let mut limiter = RateLimiter::<8>::new(q);
        black_box(limiter.check(num(), num()));
        limiter.reset(num());
        limiter.clear();
    }
    black_box(ratelimit::key_hash(black_box(&[0u8; 16]), bytes()));
}

/// (feature `eddsa`) Ed25519 keys: loading (raw, DER, PEM, JWK, JWKS), writing (PEM, DER, JWK, JWKS), the
/// thumbprint, signing tokens; with `eddsa-verify` (or `deps`), every JWT and session path with
/// Ed25519 and HS256 keys, verification included. There `curve25519-dalek`'s double-base scalar
/// multiplication indexes its NAF lookup table with a digit that is odd and below 16 by
/// construction (`window.rs`), a bounds check the optimiser cannot discharge: the
/// `eddsa-verify` build is linked anyway and `scripts/nopanic.sh check` fails unless that
/// lookup is the only panic site left.
#[cfg(feature = "eddsa")]
fn eddsa_paths() {
    use authcore::jwt::{Ed25519PrivateKey, Ed25519PublicKey, jwk};
    let mut out = [0u8; 1024];
    let _ = black_box(Ed25519PublicKey::from_slice(bytes()).map(|k| k.thumbprint()));
    let _ = black_box(Ed25519PublicKey::from_der(bytes()).map(|k| k.to_der()));
    let _ = black_box(Ed25519PublicKey::from_pem(bytes()).map(|k| k.to_pem()));
    if let Ok(k) = Ed25519PrivateKey::from_pem(bytes()) {
        let _ = black_box(k.write_pem(black_box(&mut out[..])));
        let _ = black_box(k.write_der(black_box(&mut out[..])));
    }
    let _ = black_box(Ed25519PrivateKey::from_der(bytes()).map(|k| k.public_key()));
    let seeded = Ed25519PrivateKey::from_slice(bytes());
    let mut set = KeySet::<4>::new();
    let _ = black_box(jwk::read_jwks(bytes(), |k| set.push(k)));
    let _ = black_box(KeySet::<4>::from_jwks(bytes()).map(|s| s.len()));
    let _ = black_box(set.write_jwks(black_box(&mut out[..])));
    let _ = black_box(jwk::write_jwks(set.keys(), black_box(&mut out[..])));
    let keys = [
        Key::from_pem(bytes(), black_box(Some(text()))),
        Key::from_der(bytes(), black_box(None)),
        Key::from_jwk(bytes()),
        Key::from_private_jwk(bytes()),
        seeded.map(Key::from),
    ];
    for key in keys.into_iter().flatten() {
        let _ = black_box(key.write_jwk(black_box(&mut out[..])));
        let _ = black_box(key.to_public().map(|k| k.can_sign()));
        let opts = EncodeOptions {
            typ: black_box(Typ::Jwt),
            kid: black_box(Some(text())),
        };
        let _ = black_box(jwt::encode_json(
            bytes(),
            &key,
            &opts,
            black_box(&mut out[..]),
        ));
        let _ = black_box(jwt::custom_header::encode_with_header(
            bytes(),
            bytes(),
            &key,
            black_box(&mut out[..]),
        ));
        #[cfg(any(feature = "deps", feature = "eddsa-verify"))]
        {
            key_paths::jwt_paths(&key);
            key_paths::session_paths(&key);
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    #[cfg(feature = "eddsa")]
    eddsa_paths();
    #[cfg(any(not(feature = "eddsa"), feature = "deps", feature = "eddsa-verify"))]
    for secret in [bytes(), bytes()] {
        let keys = [
            Key::new(secret),
            Key::with_kid(secret, text()),
            Key::insecure_allow_weak(secret, black_box(Some(text()))),
        ];
        for key in keys.into_iter().flatten() {
            key_paths::jwt_paths(&key);
            key_paths::session_paths(&key);
        }
    }
    password_paths();
    authz_paths();
    ratelimit_paths();
    for e in authcore::Error::ALL_CODES {
        black_box(e);
    }
    loop {
        core::hint::spin_loop();
    }
}
