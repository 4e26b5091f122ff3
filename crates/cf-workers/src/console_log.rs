//! [`log_to_console`]: the gateway's `tracing` events (the access log, backend failures) on
//! the Worker's console, where `wrangler tail` and Workers Logs show them.

use std::io;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// Sends `tracing` events up to `max_level` to the JavaScript console, one line each:
/// warnings and errors through `console.error`, the rest through `console.log`. Lines
/// carry no timestamp (the platform stamps them, and the wasm32 system clock panics).
///
/// Call it once per isolate, before the first request; later calls change nothing.
pub fn log_to_console(max_level: Level) {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(max_level)
        .without_time()
        .with_ansi(false)
        .with_writer(Console)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Makes one [`ConsoleLine`] per event.
struct Console;

impl<'a> MakeWriter<'a> for Console {
    type Writer = ConsoleLine;

    fn make_writer(&'a self) -> ConsoleLine {
        ConsoleLine::new(false)
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> ConsoleLine {
        ConsoleLine::new(*meta.level() <= Level::WARN)
    }
}

/// An event's formatted line, written to the console when the formatter is done with it.
struct ConsoleLine {
    line: Vec<u8>,
    error: bool,
}

impl ConsoleLine {
    fn new(error: bool) -> Self {
        Self {
            line: Vec::new(),
            error,
        }
    }
}

impl io::Write for ConsoleLine {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for ConsoleLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.line);
        let text = wasm_bindgen::JsValue::from_str(text.trim_end());
        if self.error {
            web_sys::console::error_1(&text);
        } else {
            web_sys::console::log_1(&text);
        }
    }
}
