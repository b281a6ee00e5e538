//! What happens when a server's binary is missing: skip, or fail when servers are required.

/// The variable that turns a skipped server test into a failure (`1`, `true` or `yes`).
pub const REQUIRE_SERVERS: &str = "WASPHERE_REQUIRE_SERVERS";

/// Reports that `test` cannot run for lack of `what`; panics (failing the test) when
/// [`REQUIRE_SERVERS`] is set, so CI cannot pass with the database tests skipped.
pub(crate) fn skipped<T>(test: &str, what: &str) -> Option<T> {
    let required = std::env::var(REQUIRE_SERVERS)
        .map(|v| matches!(v.trim(), "1" | "true" | "yes"))
        .unwrap_or(false);
    if required {
        panic!("{test}: {what}, and {REQUIRE_SERVERS} is set: this test may not be skipped");
    }
    eprintln!("SKIPPED {test}: {what} (install it to run this test)");
    None
}
