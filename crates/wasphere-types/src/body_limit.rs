//! How large a request body the server reads at all.

/// The largest request body the server reads: 10 MiB, the limit of its JSON parser
/// (`10mb` in body-parser, contract section 2). A larger body is refused with 413 before
/// it is looked at, so a client should not send one: a media `url` of the longest
/// accepted length ([`crate::MAX_MEDIA_URL_LENGTH`]) already fills it, and the other
/// fields then push the body over.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
