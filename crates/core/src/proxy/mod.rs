//! [`ProxyGateway`]: the request pipeline, from an HTTP request to a response.
//!
//! ```text
//! route ─► parse ─► who (SigV4) ─► where (BucketRegistry) ─► authorize ─► middleware ─► dispatch
//! ```
//!
//! Each stage lives in its own module; the dispatch stage has one file per operation
//! family (objects, listing, versions, multipart, batch delete, copy, buckets), all methods
//! of one internal dispatcher.

mod authorization;
mod batch_delete;
mod buckets;
mod completion;
mod copy;
mod dispatch;
mod gateway;
mod listing;
mod multipart;
mod objects;
mod response;
mod settings;
mod versions;

pub use crate::event::CompletionEvent;
pub use crate::response::GatewayResponse;
pub use completion::{BodyBytes, Completion, Handled};
pub use gateway::{DEFAULT_USER_AGENT, ProxyGateway};
