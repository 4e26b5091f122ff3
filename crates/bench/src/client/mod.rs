//! The load generator: SigV4-signed HTTP/1.1 requests over a fixed number of kept-alive
//! connections, one task per connection, each request's latency recorded.

mod body;
mod connection;
mod load;
mod recorder;
mod target;
mod xml;

pub(crate) use body::BenchBody;
pub(crate) use connection::{Connection, Keep, Reply};
pub(crate) use load::{Job, Load, Outcome, run};
pub(crate) use recorder::Recorder;
pub(crate) use target::{RequestSpec, Target};
pub(crate) use xml::element_text;
