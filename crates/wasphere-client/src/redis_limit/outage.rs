//! `OnRedisOutage`: the documented choice of what happens when Redis is out.

/// What an admission does when Redis cannot be reached (refused, timed out, lost).
///
/// | choice | the send | the limit |
/// |---|---|---|
/// | [`Fail`](Self::Fail) (default) | fails with [`Error::RateLimitStore`](crate::Error::RateLimitStore), nothing sent | never exceeded |
/// | [`FallBackToLocal`](Self::FallBackToLocal) | goes on, paced by this process alone | `fraction` of it per process: with N processes, `1/N` keeps their sum within the limit |
///
/// While falling back, Redis is tried again once a second; when it answers, the
/// admissions made meanwhile are recorded in the shared window (with their ages), so the
/// window stays right across the outage.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum OnRedisOutage {
    /// Fail the send: nothing goes out without the shared limit's say.
    #[default]
    Fail,
    /// Pace this process with an in-process limiter at `fraction` (more than 0, at most 1)
    /// of the limit, at least one admission per window.
    FallBackToLocal {
        /// This process's share of the key's limit while Redis is out.
        fraction: f64,
    },
}
