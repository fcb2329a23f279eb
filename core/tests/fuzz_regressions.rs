//! Inputs found by the fuzz targets in `fuzz/`, kept as regression tests.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

/// `fuzz/fuzz_targets/password.rs`: `blocks_needed` must apply the same bounds as `verify`,
/// so a binding never sizes memory for a hash that `verify` then refuses (or the reverse).
/// A bcrypt hash with a cost above the bounds was `Ok(0)` here and `HashParamsOutOfBounds`
/// in `verify`.
#[cfg(feature = "bcrypt")]
#[test]
fn blocks_needed_checks_bcrypt_cost_like_verify() {
    use authcore::password::{blocks_needed, verify, Bounds};
    use authcore::Error;

    let phc = "$2b$31$authcoreVectorSalt.22edQ7eGapPXJf8iezt63.NkRFzI0L8Kwq";
    let bounds = Bounds::default();
    assert_eq!(
        blocks_needed(phc, &bounds),
        Err(Error::HashParamsOutOfBounds)
    );
    assert_eq!(
        verify(b"correct horse battery staple", phc, &bounds, None, &mut []),
        Err(Error::HashParamsOutOfBounds)
    );
    let cheap = "$2b$04$authcoreVectorSalt.22edQ7eGapPXJf8iezt63.NkRFzI0L8Kwq";
    assert_eq!(blocks_needed(cheap, &bounds), Ok(0));
}
