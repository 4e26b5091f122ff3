//! Deadlines on the isolate's timer (`setTimeout`; `Instant` panics on wasm32).

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select};
use worker::Delay;

/// `future`'s output, or `None` if `limit` passes first (the future is then dropped).
pub(crate) async fn within<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    match select(pin!(future), Delay::from(limit)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}
