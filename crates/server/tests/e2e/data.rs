//! Test payloads.

use bytes::Bytes;

/// `len` deterministic pseudo-random bytes: any two offsets a part or chunk boundary
/// could fall on differ, so a misplaced or repeated slice shows.
pub(crate) fn pattern(len: usize) -> Bytes {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect::<Vec<u8>>()
        .into()
}
