//! Loading, validating and serving a static configuration through the public API.

mod common;
mod load;
mod registry;
mod validation;
mod variables;
