//! Why a body is not JSON at all, and where: the one problem that stops reading.

use std::fmt;

/// Containers nested deeper than this are refused, so no body can exhaust the stack or
/// make reading it quadratic (the same limit as serde_json's).
pub(crate) const MAX_DEPTH: usize = 128;

/// A body that cannot be read as JSON. Field violations mean nothing in such a body, so
/// this is reported alone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Malformed {
    /// Byte offset of the problem in the body.
    pub(crate) at: usize,
    pub(crate) problem: Problem,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// The bytes are not UTF-8 (JSON text must be). `truncated`: the body ends inside a character.
    NotUtf8 { byte: u8, truncated: bool },
    /// Nothing but whitespace.
    Empty,
    /// The body ends in the middle of a value.
    UnexpectedEnd { expected: &'static str },
    /// Something other than what the grammar allows here.
    Unexpected { expected: &'static str, found: char },
    /// A raw control character inside a string (it must be escaped).
    ControlCharacter(char),
    /// A backslash followed by something that is not an escape.
    InvalidEscape(char),
    /// `\u` not followed by four hex digits.
    InvalidUnicodeEscape,
    /// A `\uD800`–`\uDFFF` escape that is not half of a surrogate pair.
    UnpairedSurrogate(u32),
    /// A number that breaks the JSON grammar (`01`, `1.`, `-`, `1e`).
    InvalidNumber,
    /// More than [`MAX_DEPTH`] nested arrays and objects.
    TooDeep,
    /// More text after the one JSON value.
    Trailing(char),
    /// Valid JSON, but not an object: `an array`, `a string`, …
    NotAnObject(&'static str),
}

impl Malformed {
    pub(crate) fn new(at: usize, problem: Problem) -> Self {
        Malformed { at, problem }
    }

    /// The sentence for people, with the line and column of the problem in `body`.
    pub(crate) fn describe(&self, body: &[u8]) -> String {
        if let Problem::NotUtf8 { byte, truncated } = self.problem {
            let at = self.at;
            return if truncated {
                format!(
                    "the body is not UTF-8: it ends in the middle of a character (byte 0x{byte:02X} at offset {at})"
                )
            } else {
                format!(
                    "the body is not UTF-8: byte 0x{byte:02X} at offset {at} is not part of a valid character (JSON text must be UTF-8)"
                )
            };
        }
        match self.problem {
            Problem::NotAnObject(kind) => {
                return format!("the body must be a JSON object, not {kind}");
            }
            Problem::Empty => return "the body is empty: it must be a JSON object".to_owned(),
            _ => {}
        }
        let (line, column) = line_and_column(body, self.at);
        format!(
            "the body is not valid JSON: {} at line {line}, column {column}",
            self.problem
        )
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotUtf8 { .. } => f.write_str("not UTF-8"),
            Problem::Empty => f.write_str("the body is empty"),
            Problem::UnexpectedEnd { expected } => {
                write!(f, "it ends where {expected} should follow")
            }
            Problem::Unexpected { expected, found } => {
                write!(f, "expected {expected}, found {}", Shown(*found))
            }
            Problem::ControlCharacter(c) => write!(
                f,
                "control character U+{:04X} inside a string (write it as an escape such as \\n)",
                u32::from(*c)
            ),
            Problem::InvalidEscape(c) => write!(f, "invalid escape \\{}", Shown(*c)),
            Problem::InvalidUnicodeEscape => f.write_str("\\u must be followed by 4 hex digits"),
            Problem::UnpairedSurrogate(unit) => write!(
                f,
                "\\u{unit:04X} is half of a UTF-16 surrogate pair without its other half"
            ),
            Problem::InvalidNumber => f.write_str("invalid number"),
            Problem::TooDeep => write!(f, "arrays and objects nested deeper than {MAX_DEPTH}"),
            Problem::Trailing(c) => write!(f, "more text after the JSON value: {}", Shown(*c)),
            Problem::NotAnObject(kind) => write!(f, "{kind}, not an object"),
        }
    }
}

/// A character as people can read it in a message: quoted, or its code point when invisible.
struct Shown(char);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() || c.is_whitespace() || c == '\u{FEFF}' {
            write!(f, "U+{:04X}", u32::from(c))
        } else {
            write!(f, "`{c}`")
        }
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
fn line_and_column(body: &[u8], at: usize) -> (usize, usize) {
    let before = &body[..at.min(body.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // Count characters, not bytes: continuation bytes do not start one.
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters() {
        assert_eq!(line_and_column(b"abc", 0), (1, 1));
        assert_eq!(line_and_column(b"abc", 2), (1, 3));
        assert_eq!(line_and_column(b"a\nbc", 3), (2, 2));
        assert_eq!(line_and_column("é\nüx".as_bytes(), 5), (2, 2));
        assert_eq!(line_and_column(b"ab", 9), (1, 3));
    }

    #[test]
    fn sentences_say_what_and_where() {
        let m = Malformed::new(
            4,
            Problem::Unexpected {
                expected: "a key in double quotes",
                found: '}',
            },
        );
        assert_eq!(
            m.describe(b"{\n, }"),
            "the body is not valid JSON: expected a key in double quotes, found `}` at line 2, column 3"
        );
        let m = Malformed::new(
            3,
            Problem::NotUtf8 {
                byte: 0xFF,
                truncated: false,
            },
        );
        assert!(m.describe(b"{\"a\xFF").contains("byte 0xFF at offset 3"));
    }
}
