//! `Send`/`Sync` bounds that disappear on wasm32.
//!
//! Native runtimes run futures on a multi-threaded executor, so everything the core hands
//! them must be `Send`. A Cloudflare Worker is single-threaded and its JavaScript-backed
//! types are `!Send`; there the bounds are blanket traits that everything implements.

#[cfg(not(target_arch = "wasm32"))]
mod bounds {
    /// `Send` on native targets; implemented by every type on wasm32.
    pub trait MaybeSend: Send {}
    impl<T: Send + ?Sized> MaybeSend for T {}

    /// `Sync` on native targets; implemented by every type on wasm32.
    pub trait MaybeSync: Sync {}
    impl<T: Sync + ?Sized> MaybeSync for T {}
}

#[cfg(target_arch = "wasm32")]
mod bounds {
    /// `Send` on native targets; implemented by every type on wasm32.
    pub trait MaybeSend {}
    impl<T: ?Sized> MaybeSend for T {}

    /// `Sync` on native targets; implemented by every type on wasm32.
    pub trait MaybeSync {}
    impl<T: ?Sized> MaybeSync for T {}
}

pub use bounds::{MaybeSend, MaybeSync};

/// A boxed future, `Send` on native targets: what the core's type-erased parts
/// (registries, route handlers, middleware, bucket backends) return.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type BoxFuture<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
/// A boxed future, `Send` on native targets: what the core's type-erased parts
/// (registries, route handlers, middleware, bucket backends) return.
#[cfg(target_arch = "wasm32")]
pub(crate) type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>;
