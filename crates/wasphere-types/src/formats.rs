//! The shapes of `url` and `mimetype`, checked by hand: these run for every message, and a
//! regex engine would cost more than the rest of validation together.

/// The pattern the server applies to `mimetype`.
pub const MIMETYPE_PATTERN: &str =
    r"^[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_]*/[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_.+]*$";

/// The pattern of a media `url`, for JSON Schema: an http(s) URL or a base64 data URI.
/// [`is_media_url`] is stricter about the URL part (it must parse, with a host).
pub const MEDIA_URL_PATTERN: &str = r"^(?:[hH][tT][tT][pP][sS]?://[^\s/?#]+[^\s]*|data:[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_]*/[a-zA-Z0-9][a-zA-Z0-9!#$&\-^_.+]*;base64,[A-Za-z0-9+/]+=*)$";

/// The longest media `url` the server accepts (10 MiB of data URI).
pub const MAX_MEDIA_URL_LENGTH: usize = 10_485_760;

fn is_type_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'!' | b'#' | b'$' | b'&' | b'-' | b'^' | b'_')
}

fn is_subtype_char(b: u8) -> bool {
    is_type_char(b) || b == b'.' || b == b'+'
}

fn is_token(s: &[u8], rest: fn(u8) -> bool) -> bool {
    match s.split_first() {
        Some((first, tail)) => first.is_ascii_alphanumeric() && tail.iter().all(|&b| rest(b)),
        None => false,
    }
}

/// Whether `s` matches [`MIMETYPE_PATTERN`].
pub fn is_mimetype(s: &str) -> bool {
    match s.as_bytes().iter().position(|&b| b == b'/') {
        Some(slash) => {
            let (ty, sub) = (&s.as_bytes()[..slash], &s.as_bytes()[slash + 1..]);
            is_token(ty, is_type_char) && is_token(sub, is_subtype_char)
        }
        None => false,
    }
}

fn is_base64_data_uri(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("data:") else {
        return false;
    };
    let Some((mime, data)) = rest.split_once(";base64,") else {
        return false;
    };
    let payload = data.trim_end_matches('=');
    is_mimetype(mime)
        && !payload.is_empty()
        && payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Whether `s` is an absolute `http`/`https` URL with a host, or a base64 data URI.
pub fn is_media_url(s: &str) -> bool {
    if s.starts_with("data:") {
        return is_base64_data_uri(s);
    }
    // Compare bytes, not `&str` slices: byte 7 or 8 may fall inside a multi-byte
    // character of arbitrary input, and slicing a `str` there panics.
    let b = s.as_bytes();
    let scheme_ok = b.len() > 8
        && (b[..7].eq_ignore_ascii_case(b"http://") || b[..8].eq_ignore_ascii_case(b"https://"));
    if !scheme_ok
        || s.bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return false;
    }
    match url::Url::parse(s) {
        Ok(u) => u.host_str().is_some_and(|h| !h.is_empty()),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimetypes() {
        for ok in [
            "application/pdf",
            "image/svg+xml",
            "application/vnd.ms-excel",
            "a/b",
        ] {
            assert!(is_mimetype(ok), "{ok}");
        }
        for bad in [
            "",
            "pdf",
            "/pdf",
            "application/",
            "application/pdf/x",
            "text/plain; charset=utf-8",
            ".a/b",
        ] {
            assert!(!is_mimetype(bad), "{bad}");
        }
    }

    #[test]
    fn media_urls() {
        for ok in [
            "https://yourcdn.com/images/product-photo.jpg",
            "http://127.0.0.1:8080/a.png",
            "HTTPS://EXAMPLE.COM/x",
            "data:image/png;base64,iVBORw0KGgo=",
        ] {
            assert!(is_media_url(ok), "{ok}");
        }
        for bad in [
            "",
            "ftp://example.com/a.png",
            "yourcdn.com/a.png",
            "https://",
            "https://exa mple.com/a",
            "data:image/png,abc",
            "data:image/png;base64,",
            "data:image/png;base64,ab$c",
            // Multi-byte characters across the scheme's end once panicked.
            "123456é89",
            "httpsé://example.com",
            "http:/é/example.com",
        ] {
            assert!(!is_media_url(bad), "{bad}");
        }
        assert!(is_media_url("https://exämple.com/ü"));
    }
}
