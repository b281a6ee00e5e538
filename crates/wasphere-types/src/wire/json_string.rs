//! The inside of a JSON string: where a plain run of characters ends (reading), and
//! escaping (writing) exactly as serde_json does, so both serializers give the same bytes.

/// Whether a byte ends the plain part of a string: its closing quote, an escape, or a
/// control character (which JSON forbids inside strings).
fn ends_plain_run(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The offset of the first byte at or after `from` that [`ends_plain_run`], or the end.
/// Strings are most of a body, so this looks at eight bytes per step: with `x` a word of
/// eight bytes, `(x - 0x0101…) & !x & 0x8080…` marks the bytes of `x` that are zero (and
/// maybe bytes after a marked one, never before), so the lowest mark is exact.
pub(crate) fn plain_run_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(eight) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let x = u64::from_le_bytes(eight);
        let marks = below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | below(x, 0x20);
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|&b| !ends_plain_run(b)) {
        i += 1;
    }
    i
}

/// Appends `s` as a JSON string: `"` and `\\` escaped, control characters as `\n`-style
/// escapes or `\u00XX`, everything else as it is.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    loop {
        let stop = plain_run_end(bytes, start);
        out.extend_from_slice(bytes.get(start..stop).unwrap_or_default());
        let Some(&b) = bytes.get(stop) else {
            break;
        };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xF)],
            ]),
        }
        start = stop + 1;
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_runs_end_at_the_first_stop_in_any_lane() {
        for len in 0..20 {
            for stop in [b'"', b'\\', b'\n', 0x00, 0x1F] {
                for at in 0..=len {
                    let mut bytes = vec![b'a'; len];
                    // Bytes just above the stops, and high bytes, must not stop a run.
                    for (i, b) in bytes.iter_mut().enumerate() {
                        *b = [b'a', b'#', b']', 0x20, 0xC3, 0xFF][i % 6];
                    }
                    if at < len {
                        bytes[at] = stop;
                        // A later stop must not hide the first one.
                        bytes.push(b'"');
                    }
                    assert_eq!(plain_run_end(&bytes, 0), at, "{bytes:?}");
                }
            }
        }
        assert_eq!(plain_run_end(b"abcdefghij\"", 3), 10);
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut samples: Vec<String> = (0u8..0x80)
            .map(|b| format!("a{}b", char::from(b)))
            .collect();
        samples.extend(
            [
                "",
                "plain",
                "😀 ❤\u{FE0F} é",
                "\"quoted\" \\ back",
                "x".repeat(40).as_str(),
            ]
            .map(str::to_owned),
        );
        for s in samples {
            let mut out = Vec::new();
            write_string(&mut out, &s);
            assert_eq!(out, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }
}
