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
    let after_scheme = match (b.get(..7), b.get(..8)) {
        (Some(http), _) if b.len() >= 8 && http.eq_ignore_ascii_case(b"http://") => &b[7..],
        (_, Some(https)) if b.len() >= 8 && https.eq_ignore_ascii_case(b"https://") => &b[8..],
        _ => return false,
    };
    if is_plain_http_url(after_scheme) {
        return true;
    }
    if s.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return false;
    }
    match url::Url::parse(s) {
        Ok(u) => u.host_str().is_some_and(|h| !h.is_empty()),
        Err(_) => false,
    }
}

/// Whether what follows `http://` or `https://` is an ASCII `host[:port]` that the URL
/// standard accepts as it is, then nothing or `/`, `?` or `#` and printable ASCII: the
/// URLs people send. Parsing a URL fully costs more than all other checks of a message
/// together, so these are answered here in one pass; `false` means "ask the URL parser",
/// never "invalid". The host must be dot-separated labels of letters, digits and `-`,
/// none starting with `xn--` (punycode is decoded, and can fail) and the last starting
/// with a letter (a last label that is a number makes the host an IPv4 address).
fn is_plain_http_url(rest: &[u8]) -> bool {
    let ends_authority = |b: u8| matches!(b, b'/' | b'?' | b'#');
    let mut i = 0;
    let mut label_start = 0;
    loop {
        let here = rest.get(i).copied();
        let host_ends = here.is_none_or(|b| b == b':' || ends_authority(b));
        if host_ends || here == Some(b'.') {
            let Some(label) = rest.get(label_start..i).filter(|l| !l.is_empty()) else {
                return false;
            };
            if label
                .get(..4)
                .is_some_and(|start| start.eq_ignore_ascii_case(b"xn--"))
            {
                return false;
            }
            if host_ends {
                if !label[0].is_ascii_alphabetic() {
                    return false;
                }
                break;
            }
            label_start = i + 1;
        } else if !here.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        i += 1;
    }
    if rest.get(i) == Some(&b':') {
        i += 1;
        let digits = rest[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let port = rest[i..i + digits].iter().fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        });
        i += digits;
        if !(1..=5).contains(&digits)
            || port > 65_535
            || rest.get(i).is_some_and(|&b| !ends_authority(b))
        {
            return false;
        }
    }
    rest[i..]
        .iter()
        .all(|&b| b.is_ascii_graphic() && b != b'\\')
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
            // The shortest absolute URL with a host (schemathesis found it refused).
            "http://a",
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

    /// The shortcut never accepts what the URL parser would refuse or give no host.
    #[test]
    fn plain_urls_agree_with_the_url_parser() {
        let parser_accepts =
            |s: &str| url::Url::parse(s).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()));
        let hosts = [
            "yourcdn.com",
            "a",
            "a.b.c",
            "-x-.io",
            "EXAMPLE.COM",
            "x1.y2",
            "1.2.3.4",
            "1.2.3.256",
            "example.1",
            "example.0x1f",
            "xn--abc.com",
            "a.xn--p1ai",
            "XN--nxasmq6b.com",
            "a..b",
            ".a",
            "a.",
            "",
            "a_b.com",
            "a@b.com",
            "u:p@h.com",
            "[::1]",
            "ex ample.com",
            "%41.com",
            "h.com:",
            "h.com:0",
            "h.com:65535",
            "h.com:65536",
            "h.com:99999",
            "h.com:123456",
            "h.com:8a",
            "h.com:x",
        ];
        let tails = [
            "", "/", "/a/b.jpg", "?q=1", "#f", "/a?b#c", "/%zz", "/a\\b", "/ü", "/a b",
        ];
        for scheme in ["http://", "https://", "HTTPS://"] {
            for host in hosts {
                for tail in tails {
                    let url = format!("{scheme}{host}{tail}");
                    let rest = &url.as_bytes()[scheme.len()..];
                    if is_plain_http_url(rest) {
                        assert!(parser_accepts(&url), "{url}");
                    }
                }
            }
        }
        assert!(is_plain_http_url(b"yourcdn.com/images/product-photo.jpg"));
        assert!(is_plain_http_url(b"127.0.0.1.nip.io:8080/a.png"));
        assert!(!is_plain_http_url(b"1.2.3.4/a.png"));
    }
}
