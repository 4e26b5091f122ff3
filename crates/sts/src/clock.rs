//! Where the current time comes from, so that tests can choose it.

use chrono::{DateTime, Utc};
use multistore::{MaybeSend, MaybeSync};

/// A source of the current time.
pub trait Clock: MaybeSend + MaybeSync + 'static {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock (`chrono::Utc::now()`; the JavaScript clock on wasm32).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

impl<K: Clock> Clock for std::sync::Arc<K> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}
