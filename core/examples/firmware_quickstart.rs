//! The README's "Firmware quick start", compiled by `cargo test` and runnable on the host:
//! `cargo run -p authcore --example firmware_quickstart`.
//!
//! A device verifies an incoming access token (issuer, audience, expiry, signature), requires a
//! scope, and signs a short-lived token of its own — with no allocator and no clock of its own.
use authcore::jwt::{self, Key, Validation};
use authcore::{authz, Error};

/// Provisioned per device (≥ 32 bytes, else `Error::WeakKey`).
const DEVICE_SECRET: [u8; 32] = *b"per-device secret, 32 bytes long";

/// What the device signs: any `serde::Serialize` type.
#[derive(serde::Serialize)]
struct MyClaims {
    sub: &'static str,
    exp: u64,
}

/// The device's real-time clock, set from a trusted time source (Unix seconds).
fn rtc_now_unix() -> u64 {
    1_900_000_000
}

/// The README's snippet: verify `incoming`, require a scope, sign a token of the device's own.
fn handle(incoming: &[u8], out: &mut [u8]) -> authcore::Result<usize> {
    let key = Key::new(&DEVICE_SECRET)?;
    let rules = Validation::new()
        .issuer(&["https://auth.example.com"])
        .audience(&["api"]);
    let mut buf = [0u8; 512]; // ≥ 3/4 of the longest token accepted
    let token = jwt::verify(incoming, &key, &rules, rtc_now_unix(), &mut buf)?;
    let scope = token
        .claims
        .scope
        .and_then(|s| s.as_plain_str())
        .unwrap_or("");
    authz::require_scopes(scope, &["telemetry:write"])?; // Err(e): e.code() == "missing_scope"

    jwt::encode(
        &MyClaims {
            sub: "device-42",
            exp: rtc_now_unix() + 60,
        },
        &key,
        out,
    )
}

/// The token a server would send (signed here with the same key, for the example).
#[derive(serde::Serialize)]
struct ServerClaims {
    iss: &'static str,
    aud: &'static str,
    sub: &'static str,
    scope: &'static str,
    exp: u64,
}

fn main() -> Result<(), Error> {
    let key = Key::new(&DEVICE_SECRET)?;
    let mut incoming = [0u8; 512];
    let mut claims = ServerClaims {
        iss: "https://auth.example.com",
        aud: "api",
        sub: "operator-7",
        scope: "telemetry:write telemetry:read",
        exp: rtc_now_unix() + 300,
    };
    let n = jwt::encode(&claims, &key, &mut incoming)?;
    let mut out = [0u8; 512];
    let m = handle(incoming.get(..n).unwrap_or_default(), &mut out)?;
    println!("signed a {m}-byte device token");

    claims.scope = "telemetry:read";
    let n = jwt::encode(&claims, &key, &mut incoming)?;
    match handle(incoming.get(..n).unwrap_or_default(), &mut out) {
        Err(e) if e.code() == "missing_scope" => println!("without the scope: {}", e.code()),
        Err(e) => return Err(e),
        Ok(_) => return Err(Error::MissingScope),
    }
    Ok(())
}
