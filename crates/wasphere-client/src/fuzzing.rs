//! What the fuzz targets in `fuzz/` call: the classification of a server's answer, on its
//! own. Behind the `fuzzing` feature and hidden from the documentation; not a stable API.

use std::time::SystemTime;

use bytes::Bytes;
use wasphere_types::{ApiKey, SendResponse};

use crate::answer::Answer;
use crate::error::Error;

/// What the client makes of an answer with this status, these headers and this body, for
/// a request sent with `key` at `now`.
pub fn interpret_answer<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
    key: &ApiKey,
    now: SystemTime,
) -> Result<SendResponse, Error> {
    Answer::from_parts(status, headers, Bytes::copy_from_slice(body)).interpret(key, now, None)
}
