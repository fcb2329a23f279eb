//! The legacy formats' rules that the shared vectors cannot show: bounds a login's password
//! must meet before any work, the pepper rule, and scheme identification.
#![cfg(feature = "legacy")]
#![allow(clippy::unwrap_used)]

use authcore::password::{
    blocks_needed, identify, needs_rehash, verify, BcryptLongPassword, Bounds, Params, Scheme,
};
use authcore::Error;

const PW: &[u8] = b"correct horse battery staple";
// libpass 1.9 (tests/vectors/password.json): sha512_crypt.using(salt="authcoreSalt16ch", rounds=1000).hash(PW)
const SHA512: &str = "$6$rounds=1000$authcoreSalt16ch$WFwWt4S6oIEa1u2iNJpeb7lHxsL.twkbY9Q4zNRCMTbSTeFoqtvT141Itf4eaiHyvgNEW5CilX3QO6vymy53g0";
const PBKDF2: &str =
    "$pbkdf2-sha256$1000$YXV0aGNvcmUtc2FsdC0xNg$SPIcnRYM.enI6Yp3hv7tlnVCCze42rXKchHof8kOCmk";
const BCRYPT72: &str = "$2b$04$authcoreVectorSalt.22e0OQolpTlLZQdeWPRqvn0DJs7KkTBAmW";

fn run(pw: &[u8], hash: &str, bounds: &Bounds) -> Result<(), Error> {
    verify(pw, hash, bounds, None, &mut [])
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn sha_crypt_bounds_the_password_length_before_work() {
    let b = Bounds::DEFAULT;
    assert_eq!(b.sha_crypt_password_len(), 256);
    assert_eq!(run(PW, SHA512, &b), Ok(()));
    assert_eq!(run(&[b'a'; 256], SHA512, &b), Err(Error::PasswordMismatch));
    assert_eq!(run(&[b'a'; 257], SHA512, &b), Err(Error::PasswordTooLong));
    let tight = Bounds::DEFAULT.with_sha_crypt_password_len(8).unwrap();
    assert_eq!(run(PW, SHA512, &tight), Err(Error::PasswordTooLong));
    assert_eq!(
        Bounds::DEFAULT.with_sha_crypt_password_len(4097),
        Err(Error::InvalidParams)
    );
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn cost_bounds_are_configurable() {
    let low = Bounds::DEFAULT
        .with_pbkdf2_iterations(1, 999)
        .and_then(|b| b.with_sha_crypt_rounds(1000, 1000))
        .unwrap();
    assert_eq!(run(PW, PBKDF2, &low), Err(Error::HashParamsOutOfBounds));
    assert_eq!(
        blocks_needed(PBKDF2, &low),
        Err(Error::HashParamsOutOfBounds)
    );
    assert_eq!(run(PW, SHA512, &low), Ok(()));
    assert_eq!(
        Bounds::DEFAULT.with_sha_crypt_rounds(999, 5000),
        Err(Error::InvalidParams)
    );
    assert_eq!(blocks_needed(PBKDF2, &Bounds::DEFAULT), Ok(0));
    // Out of bounds is still a hash to replace.
    assert_eq!(needs_rehash(PBKDF2, &Params::OWASP), Ok(true));
}

#[test]
#[cfg_attr(miri, ignore = "hashing is too slow under Miri")]
fn bcrypt_long_password_rule() {
    let p72: Vec<u8> = (b'A'..=b'Z')
        .chain(b'A'..=b'Z')
        .chain(*b"0123456789012345678_")
        .collect();
    let mut p73 = p72.clone();
    p73.push(b'!');
    let truncate = Bounds::DEFAULT;
    assert_eq!(
        truncate.bcrypt_long_password(),
        BcryptLongPassword::Truncate
    );
    assert_eq!(run(&p73, BCRYPT72, &truncate), Ok(()));
    let refuse = Bounds::DEFAULT.with_bcrypt_long_password(BcryptLongPassword::Refuse);
    assert_eq!(run(&p72, BCRYPT72, &refuse), Ok(()));
    assert_eq!(run(&p73, BCRYPT72, &refuse), Err(Error::PasswordTooLong));
}

#[test]
fn a_pepper_cannot_apply_to_a_legacy_hash() {
    let r = verify(PW, PBKDF2, &Bounds::DEFAULT, Some(b"pepper"), &mut []);
    assert_eq!(r, Err(Error::InvalidParams));
    // The hash is still checked first.
    let r = verify(
        PW,
        "$pbkdf2-sha256$x",
        &Bounds::DEFAULT,
        Some(b"pepper"),
        &mut [],
    );
    assert_eq!(r, Err(Error::InvalidHash));
}

#[test]
fn identify_follows_the_bounds_for_plaintext() {
    let plain = Bounds::DEFAULT.with_insecure(false, true);
    assert_eq!(identify(SHA512, &Bounds::DEFAULT), Ok(Scheme::Sha512Crypt));
    assert_eq!(
        identify("hunter2", &Bounds::DEFAULT),
        Err(Error::InvalidHash)
    );
    assert_eq!(identify("hunter2", &plain), Ok(Scheme::Plaintext));
    assert_eq!(identify("$1$abc$def", &plain), Ok(Scheme::Md5Crypt));
    assert_eq!(run(b"hunter2", "hunter2", &plain), Ok(()));
    assert_eq!(
        run(b"hunter2", "hunter2", &Bounds::DEFAULT),
        Err(Error::InvalidHash)
    );
}
