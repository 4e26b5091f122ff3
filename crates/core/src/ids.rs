//! Identifiers that must be unique, not secret: request ids and upload ids.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;

/// Incremented for every id, so ids from one process never repeat.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new request id in S3's form: 16 upper-case hex digits, unique within the process and
/// unlikely to repeat across processes. The gateway sends it as `x-amz-request-id` and in
/// error documents; a runtime that answers on its own (a refused connection) uses it too.
pub fn request_id() -> String {
    unique_hex(1)
}

/// A unique id of `16 * words` upper-case hex digits.
///
/// Mixes the wall clock (so ids differ across processes and restarts) with a process-wide
/// counter through SplitMix64, which spreads them evenly. Not for secrets.
pub(crate) fn unique_hex(words: usize) -> String {
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
    let mut state = nanos ^ COUNTER.fetch_add(1, Ordering::Relaxed).rotate_left(32);
    (0..words)
        .map(|_| format!("{:016X}", splitmix64(&mut state)))
        .collect()
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_do_not_repeat() {
        let ids: HashSet<String> = (0..10_000).map(|_| unique_hex(1)).collect();
        assert_eq!(ids.len(), 10_000);
        assert_eq!(unique_hex(2).len(), 32);
    }
}
