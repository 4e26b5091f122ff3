//! [`ProxyGateway`]: the request pipeline, from an HTTP request to a response.
//!
//! ```text
//! route ─► parse ─► who (SigV4) ─► where (BucketRegistry) ─► middleware ─► dispatch
//! ```
//!
//! Each stage lives in its own module; the dispatch stage has one file per operation
//! family (objects, listing, versions, multipart, batch delete, copy, buckets), all methods
//! of one internal dispatcher.

mod batch_delete;
mod body;
mod buckets;
mod completion;
mod copy;
mod dispatch;
mod event;
mod gateway;
mod headers;
mod listing;
mod multipart;
mod objects;
mod response;
mod target;
mod versions;

pub use completion::{BodyBytes, Completion, Handled};
pub use event::CompletionEvent;
pub use gateway::{DEFAULT_USER_AGENT, ProxyGateway};
pub use response::GatewayResponse;
