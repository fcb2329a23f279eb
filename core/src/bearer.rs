//! The bearer token of an HTTP `Authorization` header (RFC 6750 §2.1), read as FastAPI's
//! `OAuth2PasswordBearer` reads it, so that an app moving to authcore answers the same headers
//! the same way:
//!
//! 1. the scheme is what comes before the first space, compared without ASCII case
//!    (`Bearer`, `bearer`, `BEARER`);
//! 2. the token is the rest, without leading and trailing whitespace (the characters Python's
//!    `str.strip` removes from a header value decoded as Latin-1, as ASGI servers deliver it);
//! 3. no space, another scheme, or nothing left: no bearer token ([`None`]): the request sent
//!    no credentials this scheme reads (a 401 asking for them, or an anonymous request), not a
//!    bad token.
//!
//! The token is not checked here: verifying it ([`crate::jwt::verify`],
//! [`crate::session::verify_access`]) says whether it is one.

/// The header's name as HTTP/2 and ASGI carry it (lower case).
pub const AUTHORIZATION: &[u8] = b"authorization";

/// The scheme, as compared (ASCII case ignored).
pub const SCHEME: &str = "bearer";

/// Whitespace as Python's `str.strip` sees it in a Latin-1 decoded header value: TAB, LF, VT,
/// FF, CR, the information separators U+001C..U+001F, SPACE, NEXT LINE (U+0085) and
/// NO-BREAK SPACE (U+00A0).
const fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=0x20 | 0x85 | 0xa0)
}

/// The bearer token of an `Authorization` header value (its bytes as received), or `None`
/// when the value carries no bearer token (see the module's steps).
pub fn token(value: &[u8]) -> Option<&[u8]> {
    let space = value.iter().position(|&b| b == b' ')?;
    let (scheme, rest) = value.split_at(space);
    if !scheme.eq_ignore_ascii_case(SCHEME.as_bytes()) {
        return None;
    }
    let start = rest.iter().position(|&b| !is_space(b))?;
    let end = rest.iter().rposition(|&b| !is_space(b))?;
    rest.get(start..=end)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_token_after_the_scheme() {
        assert_eq!(token(b"Bearer abc.def.ghi"), Some(&b"abc.def.ghi"[..]));
        assert_eq!(token(b"bearer abc"), Some(&b"abc"[..]));
        assert_eq!(token(b"BEARER abc"), Some(&b"abc"[..]));
        assert_eq!(token(b"Bearer   abc \t"), Some(&b"abc"[..]));
        assert_eq!(token(b"Bearer a b"), Some(&b"a b"[..]));
        assert_eq!(token(b"Bearer \xa0abc\x85"), Some(&b"abc"[..]));
    }

    #[test]
    fn no_bearer_token() {
        for value in [
            &b""[..],
            b"Bearer",
            b"Bearer ",
            b"Bearer  \t\x0b\x0c\r\n\x1c\x1f\x85\xa0",
            b"Basic dXNlcjpwYXNz",
            b"Bearerabc",
            b" Bearer abc",
            b"Bearer\tabc",
            b"Bear abc",
            b"Bearer\xc3 abc",
        ] {
            assert_eq!(token(value), None, "{value:?}");
        }
    }

    /// The steps as Python's `OAuth2PasswordBearer` writes them (partition at the first space,
    /// lower-case the scheme, strip the rest), over every value of up to three bytes from an
    /// alphabet of the bytes that matter: the fast path agrees with the slow one.
    #[test]
    fn agrees_with_the_python_steps() {
        fn python(value: &[u8]) -> Option<std::vec::Vec<u8>> {
            let space = value.iter().position(|&b| b == b' ')?;
            let scheme: std::vec::Vec<u8> =
                value[..space].iter().map(u8::to_ascii_lowercase).collect();
            let mut rest = &value[space + 1..];
            let strip = |b: &u8| {
                [
                    9u8, 10, 11, 12, 13, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
                ]
                .contains(b)
            };
            while rest.first().is_some_and(strip) {
                rest = &rest[1..];
            }
            while rest.last().is_some_and(strip) {
                rest = &rest[..rest.len() - 1];
            }
            (scheme == b"bearer" && !rest.is_empty()).then(|| rest.to_vec())
        }
        let alphabet = [b' ', b'\t', b'x', 0x85, 0xa0, 0x1c, 0x1b, 0x00];
        let mut checked = 0;
        for prefix in [&b""[..], b"Bearer ", b"bEaReR", b"Basic "] {
            for n in 0..=3u32 {
                for mut i in 0..alphabet.len().pow(n) {
                    let mut value = std::vec::Vec::from(prefix);
                    for _ in 0..n {
                        value.push(alphabet[i % alphabet.len()]);
                        i /= alphabet.len();
                    }
                    assert_eq!(
                        token(&value).map(<[u8]>::to_vec),
                        python(&value),
                        "{value:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * (1 + 8 + 64 + 512));
    }
}
