//! Throwaway database servers for tests and benchmarks: a `redis-server` or a PostgreSQL
//! cluster started from the binaries on the machine, on a free loopback port, in a
//! temporary directory, and stopped (its directory removed) when the handle is dropped.
//!
//! A test that needs a server asks for one and gets `None` when the binary is absent,
//! after a line on stderr saying which test was skipped and why:
//!
//! ```no_run
//! let Some(redis) = wasphere_testservers::Redis::start("my_test") else { return };
//! println!("{}", redis.url());
//! ```
//!
//! Set `WASPHERE_REQUIRE_SERVERS=1` (CI does) and a missing binary fails the test
//! instead: a suite that silently skipped its database tests would prove nothing.
//!
//! This crate is not published; the crates of the workspace use it as a path-only
//! dev-dependency.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod binaries;
mod port;
mod postgres;
mod redis;
mod skip;
mod startup;
mod unprivileged;

pub use postgres::{Postgres, USER as POSTGRES_USER};
pub use redis::Redis;
pub use skip::REQUIRE_SERVERS;

/// A loopback port nobody listens on right now (for a test of what happens when a
/// server is not there).
///
/// # Panics
/// When no port can be had at all.
pub fn unused_port() -> u16 {
    port::free().unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}
