//! The stored-hash formats [`super::verify`] recognises: each scheme's name (passlib's) and
//! the prefix that identifies it, declared once here.

use crate::{Error, Result};

/// A stored-hash format, identified by its prefix ([`Scheme::identify`]).
///
/// Names are passlib's (`CryptContext(schemes=[…])`). Only [`Scheme::Argon2`] is ever
/// written; every other scheme is verify-only, so its users log in once more and are rehashed
/// ([`super::needs_rehash`] is `true` for all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `$argon2id$…`, `$argon2i$…`, `$argon2d$…` (PHC; what argon2-cffi, pwdlib and passlib's
    /// `argon2` write).
    Argon2,
    /// `$2a$`, `$2b$`, `$2y$` (60 characters).
    Bcrypt,
    /// passlib's `bcrypt_sha256`: `$bcrypt-sha256$v=2,t=2b,r=12$<salt>$<digest>` (HMAC-SHA256
    /// keyed by the salt, then bcrypt) and the older `$bcrypt-sha256$2a,12$<salt>$<digest>`
    /// (SHA-256, then bcrypt).
    BcryptSha256,
    /// passlib's `pbkdf2_sha1`: `$pbkdf2$<rounds>$<ab64 salt>$<ab64 digest>`.
    Pbkdf2Sha1,
    /// passlib's `pbkdf2_sha256`: `$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 digest>`.
    Pbkdf2Sha256,
    /// passlib's `pbkdf2_sha512`: `$pbkdf2-sha512$<rounds>$<ab64 salt>$<ab64 digest>`.
    Pbkdf2Sha512,
    /// Django's `PBKDF2SHA1PasswordHasher`: `pbkdf2_sha1$<iterations>$<salt>$<base64 digest>`.
    DjangoPbkdf2Sha1,
    /// Django's default `PBKDF2PasswordHasher`: `pbkdf2_sha256$<iterations>$<salt>$<base64>`.
    DjangoPbkdf2Sha256,
    /// `$5$[rounds=N$]<salt>$<43 chars>` (glibc crypt, passlib `sha256_crypt`).
    Sha256Crypt,
    /// `$6$[rounds=N$]<salt>$<86 chars>` (glibc crypt, passlib `sha512_crypt`).
    Sha512Crypt,
    /// `$1$<salt>$<22 chars>`: insecure, verified only when [`super::Bounds`] allows it.
    Md5Crypt,
    /// Traditional 13-character DES crypt: insecure, recognised but never verified
    /// ([`Error::InsecureHash`]).
    DesCrypt,
    /// The password itself: verified (constant-time) only when [`super::Bounds`] allows it,
    /// and then for any string no other scheme claims.
    Plaintext,
}

impl Scheme {
    /// Every scheme, in identification order.
    pub const ALL: [Scheme; 13] = [
        Scheme::Argon2,
        Scheme::Bcrypt,
        Scheme::BcryptSha256,
        Scheme::Pbkdf2Sha1,
        Scheme::Pbkdf2Sha256,
        Scheme::Pbkdf2Sha512,
        Scheme::DjangoPbkdf2Sha1,
        Scheme::DjangoPbkdf2Sha256,
        Scheme::Sha256Crypt,
        Scheme::Sha512Crypt,
        Scheme::Md5Crypt,
        Scheme::DesCrypt,
        Scheme::Plaintext,
    ];

    /// passlib's name for the scheme (`"bcrypt_sha256"`, `"django_pbkdf2_sha256"`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Scheme::Argon2 => "argon2",
            Scheme::Bcrypt => "bcrypt",
            Scheme::BcryptSha256 => "bcrypt_sha256",
            Scheme::Pbkdf2Sha1 => "pbkdf2_sha1",
            Scheme::Pbkdf2Sha256 => "pbkdf2_sha256",
            Scheme::Pbkdf2Sha512 => "pbkdf2_sha512",
            Scheme::DjangoPbkdf2Sha1 => "django_pbkdf2_sha1",
            Scheme::DjangoPbkdf2Sha256 => "django_pbkdf2_sha256",
            Scheme::Sha256Crypt => "sha256_crypt",
            Scheme::Sha512Crypt => "sha512_crypt",
            Scheme::Md5Crypt => "md5_crypt",
            Scheme::DesCrypt => "des_crypt",
            Scheme::Plaintext => "plaintext",
        }
    }

    /// The prefix a stored hash starts with (empty for [`Scheme::DesCrypt`], recognised by
    /// shape, and [`Scheme::Plaintext`], which has none).
    pub const fn prefix(self) -> &'static str {
        match self {
            Scheme::Argon2 => "$argon2",
            Scheme::Bcrypt => "$2",
            Scheme::BcryptSha256 => "$bcrypt-sha256$",
            Scheme::Pbkdf2Sha1 => "$pbkdf2$",
            Scheme::Pbkdf2Sha256 => "$pbkdf2-sha256$",
            Scheme::Pbkdf2Sha512 => "$pbkdf2-sha512$",
            Scheme::DjangoPbkdf2Sha1 => "pbkdf2_sha1$",
            Scheme::DjangoPbkdf2Sha256 => "pbkdf2_sha256$",
            Scheme::Sha256Crypt => "$5$",
            Scheme::Sha512Crypt => "$6$",
            Scheme::Md5Crypt => "$1$",
            Scheme::DesCrypt | Scheme::Plaintext => "",
        }
    }

    /// Whether the scheme is too weak to verify by default (md5_crypt, des_crypt, plaintext).
    pub const fn is_insecure(self) -> bool {
        matches!(
            self,
            Scheme::Md5Crypt | Scheme::DesCrypt | Scheme::Plaintext
        )
    }

    /// Whether [`super::verify`] can verify the scheme in this build: its feature is on
    /// (`bcrypt`, `legacy`), and it is not des_crypt (never verified). Insecure schemes also
    /// need [`super::Bounds::with_insecure`].
    pub const fn is_verifiable(self) -> bool {
        match self {
            Scheme::Argon2 | Scheme::Plaintext => true,
            Scheme::Bcrypt => cfg!(feature = "bcrypt"),
            Scheme::DesCrypt => false,
            _ => cfg!(feature = "legacy"),
        }
    }

    /// The scheme a stored hash's prefix (or, for des_crypt, its shape) names; `None` when no
    /// scheme claims it (only [`Scheme::Plaintext`] could then). The rest of the string is not
    /// checked: [`super::verify`] refuses a malformed one with [`Error::InvalidHash`].
    pub fn identify(hash: &str) -> Option<Scheme> {
        let by_prefix = Scheme::ALL
            .into_iter()
            .find(|s| !s.prefix().is_empty() && hash.starts_with(s.prefix()));
        by_prefix.or_else(|| is_des_crypt(hash).then_some(Scheme::DesCrypt))
    }
}

/// des_crypt's shape: 13 characters of the crypt alphabet (2 salt, 11 digest).
fn is_des_crypt(hash: &str) -> bool {
    hash.len() == 13
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

impl core::str::FromStr for Scheme {
    type Err = Error;

    /// Parses a passlib scheme name (exact).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for a name that is not one of [`Scheme::ALL`]'s.
    fn from_str(s: &str) -> Result<Self> {
        Scheme::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or(Error::InvalidParams)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_prefixes_identify() {
        for s in Scheme::ALL {
            assert_eq!(s.name().parse::<Scheme>(), Ok(s));
        }
        let cases = [
            ("$argon2id$v=19$…", Some(Scheme::Argon2)),
            ("$2b$12$…", Some(Scheme::Bcrypt)),
            ("$bcrypt-sha256$v=2,t=2b,r=12$…", Some(Scheme::BcryptSha256)),
            ("$pbkdf2$1000$…", Some(Scheme::Pbkdf2Sha1)),
            ("$pbkdf2-sha256$1000$…", Some(Scheme::Pbkdf2Sha256)),
            ("$pbkdf2-sha512$1000$…", Some(Scheme::Pbkdf2Sha512)),
            ("pbkdf2_sha256$1000000$…", Some(Scheme::DjangoPbkdf2Sha256)),
            ("pbkdf2_sha1$1000000$…", Some(Scheme::DjangoPbkdf2Sha1)),
            ("$5$rounds=5000$…", Some(Scheme::Sha256Crypt)),
            ("$6$…", Some(Scheme::Sha512Crypt)),
            ("$1$…", Some(Scheme::Md5Crypt)),
            ("abJnggxhB/yWI", Some(Scheme::DesCrypt)),
            ("hunter2", None),
            ("", None),
        ];
        for (h, s) in cases {
            assert_eq!(Scheme::identify(h), s, "{h}");
        }
        assert_eq!("bcrypt-sha256".parse::<Scheme>(), Err(Error::InvalidParams));
        assert!(!Scheme::DesCrypt.is_verifiable());
        assert!(Scheme::Argon2.is_verifiable() && Scheme::Plaintext.is_verifiable());
        assert_eq!(
            Scheme::Sha512Crypt.is_verifiable(),
            cfg!(feature = "legacy")
        );
        let insecure: std::vec::Vec<_> = Scheme::ALL
            .into_iter()
            .filter(|s| s.is_insecure())
            .collect();
        assert_eq!(
            insecure,
            [Scheme::Md5Crypt, Scheme::DesCrypt, Scheme::Plaintext]
        );
    }
}
