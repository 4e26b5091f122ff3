//! JavaScript exceptions as Rust errors.

use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript exception or rejection, kept as its message: `JsValue`s cannot cross
/// into the core's `Send` error chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{context}: {message}")]
pub(crate) struct JsFailure {
    context: &'static str,
    message: String,
}

impl JsFailure {
    /// What went wrong while doing `context`.
    pub(crate) fn new(context: &'static str, value: &JsValue) -> Self {
        Self {
            context,
            message: message(value),
        }
    }
}

/// The message of a thrown value: an `Error`'s `name: message`, a string as it is.
fn message(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

impl From<JsFailure> for JsValue {
    /// Back to JavaScript, as an `Error` with the message.
    fn from(failure: JsFailure) -> Self {
        js_sys::Error::new(&failure.to_string()).into()
    }
}
