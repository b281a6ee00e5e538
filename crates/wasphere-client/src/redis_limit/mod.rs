//! The rate limit shared through Redis (feature `redis`): [`RedisLimitStore`].

mod connection;
mod key_limiter;
mod key_names;
mod outage;
mod scripts;
mod store;

pub(crate) use key_limiter::{RedisKeyLimiter, RedisSlot};
pub use outage::OnRedisOutage;
pub use store::{
    DEFAULT_KEY_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisLimitStore, RedisLimitStoreBuilder,
};
