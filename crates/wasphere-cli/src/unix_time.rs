//! `--timestamp`: the `X-WaSphere-Timestamp` header, Unix seconds.

/// Checks that `text` is whole Unix seconds, so that anything else is a usage error, and
/// keeps it as given: the signature covers the header's exact text.
pub(crate) fn parse(text: &str) -> Result<String, String> {
    text.trim()
        .parse::<i64>()
        .map(|_| text.to_owned())
        .map_err(|_| {
            format!(
                "{text:?} is not a Unix time: the X-WaSphere-Timestamp header is whole seconds, e.g. 1795000000"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_are_kept_as_written() {
        assert_eq!(parse("1795000000").unwrap(), "1795000000");
        assert_eq!(parse(" 1795000000").unwrap(), " 1795000000");
        assert!(parse("abc").unwrap_err().contains("Unix time"));
        assert!(parse("1.5").is_err());
    }
}
