//! Identity providers: discovery, their published keys, and caching them.

mod cache;
mod discovery;
mod keys;
mod settings;

pub(crate) use keys::IssuerKeys;
pub use settings::JwksSettings;
