//! A JSON reader over a body already known to be UTF-8: one value at a time, strings
//! borrowed from the body unless they hold escapes, nothing built that is not asked for.
//!
//! It follows RFC 8259 to the letter (the grammar `JSON.parse` accepts), except that a
//! `\u` escape of half a surrogate pair without its other half is refused: JavaScript
//! strings can hold one, Rust strings cannot.

use std::borrow::Cow;

use super::json_string::plain_run_end;
use super::malformed::{MAX_DEPTH, Malformed, Problem};

/// The kind of the next value, told by its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// The kind with its article, for messages: "an array".
    pub(crate) fn described(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Reader { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn byte(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.byte().is_some_and(is_whitespace) {
            self.pos += 1;
        }
    }

    /// The character at byte `at`, for messages (`at` is always where a character starts).
    fn char_at(&self, at: usize) -> char {
        self.text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or('\u{FFFD}')
    }

    fn unexpected(&self, at: usize, expected: &'static str) -> Malformed {
        if at >= self.text.len() {
            Malformed::new(at, Problem::UnexpectedEnd { expected })
        } else {
            let found = self.char_at(at);
            Malformed::new(at, Problem::Unexpected { expected, found })
        }
    }

    /// The body between two byte offsets that both sit on ASCII delimiters.
    fn slice(&self, start: usize, end: usize) -> Result<&'a str, Malformed> {
        self.text
            .get(start..end)
            .ok_or_else(|| self.unexpected(start, "a character boundary"))
    }

    /// The byte offset reached.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Whether only whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_whitespace();
        self.pos >= self.text.len()
    }

    /// Refuses anything but whitespace after the one value.
    pub(crate) fn finish(&mut self) -> Result<(), Malformed> {
        if self.at_end() {
            Ok(())
        } else {
            Err(Malformed::new(
                self.pos,
                Problem::Trailing(self.char_at(self.pos)),
            ))
        }
    }

    /// What the next value is, without reading it.
    pub(crate) fn peek(&mut self) -> Result<Kind, Malformed> {
        self.skip_whitespace();
        Ok(match self.byte() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b'-' | b'0'..=b'9') => Kind::Number,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => return Err(self.unexpected(self.pos, "a value")),
        })
    }

    /// Steps into the object or array that [`Reader::peek`] found.
    pub(crate) fn enter(&mut self) {
        self.pos += 1;
    }

    /// The next key of an object, or `None` after its `}`. `first` is true until the
    /// first key has been read.
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>, Malformed> {
        self.skip_whitespace();
        match self.byte() {
            Some(b'}') => {
                self.pos += 1;
                return Ok(None);
            }
            Some(b',') if !*first => {
                self.pos += 1;
                self.skip_whitespace();
            }
            _ if !*first => return Err(self.unexpected(self.pos, "`,` or `}`")),
            _ => {}
        }
        *first = false;
        self.key_and_colon().map(Some)
    }

    fn key_and_colon(&mut self) -> Result<Cow<'a, str>, Malformed> {
        if self.byte() != Some(b'"') {
            return Err(self.unexpected(self.pos, "a key in double quotes"));
        }
        let key = self.string()?;
        self.skip_whitespace();
        if self.byte() != Some(b':') {
            return Err(self.unexpected(self.pos, "`:` after the key"));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Whether another item of an array follows (false after its `]`).
    pub(crate) fn next_item(&mut self, first: &mut bool) -> Result<bool, Malformed> {
        self.skip_whitespace();
        match self.byte() {
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.pos += 1;
                Ok(true)
            }
            _ if !*first => Err(self.unexpected(self.pos, "`,` or `]`")),
            _ => {
                *first = false;
                Ok(true)
            }
        }
    }

    /// Reads the string that starts here, borrowed from the body when it has no escapes.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, Malformed> {
        let bytes = self.bytes();
        let start = self.pos + 1;
        let i = plain_run_end(bytes, start);
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                self.slice(start, i).map(Cow::Borrowed)
            }
            Some(b'\\') => self.escaped_string(start, i).map(Cow::Owned),
            Some(&b) => Err(Malformed::new(i, Problem::ControlCharacter(char::from(b)))),
            None => Err(self.unexpected(i, "the closing `\"` of a string")),
        }
    }

    /// The rest of a string from its first backslash at `i`, decoded.
    fn escaped_string(&mut self, start: usize, mut i: usize) -> Result<String, Malformed> {
        let bytes = self.bytes();
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(self.slice(start, i)?);
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let decoded = match bytes.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{C}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let (c, len) = self.unicode_escape(i)?;
                            out.push(c);
                            i += len;
                            continue;
                        }
                        Some(_) => {
                            let found = self.char_at(i + 1);
                            return Err(Malformed::new(i, Problem::InvalidEscape(found)));
                        }
                        None => return Err(self.unexpected(i + 1, "an escaped character")),
                    };
                    out.push(decoded);
                    i += 2;
                }
                Some(&b) if b < 0x20 => {
                    return Err(Malformed::new(i, Problem::ControlCharacter(char::from(b))));
                }
                Some(_) => {
                    let run = i;
                    i = plain_run_end(bytes, i);
                    out.push_str(self.slice(run, i)?);
                }
                None => return Err(self.unexpected(i, "the closing `\"` of a string")),
            }
        }
    }

    /// Four hex digits at `at`.
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes().get(at..at + 4)?;
        digits.iter().try_fold(0, |n, &d| {
            let v = char::from(d).to_digit(16)?;
            Some(n * 16 + v)
        })
    }

    /// The character of the `\u` escape at `at` (a backslash), and how many bytes it took:
    /// 6, or 12 for a surrogate pair.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), Malformed> {
        let invalid = || Malformed::new(at, Problem::InvalidUnicodeEscape);
        let unit = self.hex4(at + 2).ok_or_else(invalid)?;
        let unpaired = || Malformed::new(at, Problem::UnpairedSurrogate(unit));
        match unit {
            0xD800..=0xDBFF => {
                let bytes = self.bytes();
                if bytes.get(at + 6) != Some(&b'\\') || bytes.get(at + 7) != Some(&b'u') {
                    return Err(unpaired());
                }
                let low = self.hex4(at + 8).ok_or_else(invalid)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(unpaired());
                }
                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                char::from_u32(code).map(|c| (c, 12)).ok_or_else(unpaired)
            }
            0xDC00..=0xDFFF => Err(unpaired()),
            _ => char::from_u32(unit).map(|c| (c, 6)).ok_or_else(invalid),
        }
    }

    /// Reads the number that starts here. Out-of-range magnitudes become infinite, as
    /// with `JSON.parse`; the caller decides whether that is acceptable.
    pub(crate) fn number(&mut self) -> Result<f64, Malformed> {
        let bytes = self.bytes();
        let start = self.pos;
        let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let invalid = |i: usize| Malformed::new(i, Problem::InvalidNumber);
        let mut i = start;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            // A leading zero stands alone: `01` is not a number.
            Some(b'0') if digit(i + 1) => return Err(invalid(i)),
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while digit(i) {
                    i += 1;
                }
            }
            _ => return Err(invalid(start)),
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if !digit(i) {
                return Err(invalid(i));
            }
            while digit(i) {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digit(i) {
                return Err(invalid(i));
            }
            while digit(i) {
                i += 1;
            }
        }
        let number = self.slice(start, i)?;
        self.pos = i;
        number.parse().map_err(|_| invalid(start))
    }

    fn literal(&mut self, word: &'static str, expected: &'static str) -> Result<(), Malformed> {
        let rest = &self.bytes()[self.pos.min(self.text.len())..];
        match rest.iter().zip(word.bytes()).position(|(a, b)| *a != b) {
            None if rest.len() >= word.len() => {
                self.pos += word.len();
                Ok(())
            }
            None => Err(self.unexpected(self.text.len(), expected)),
            Some(offset) => Err(self.unexpected(self.pos + offset, expected)),
        }
    }

    /// Reads `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Result<bool, Malformed> {
        if self.byte() == Some(b't') {
            self.literal("true", "`true`").map(|()| true)
        } else {
            self.literal("false", "`false`").map(|()| false)
        }
    }

    /// Reads `null`.
    pub(crate) fn null(&mut self) -> Result<(), Malformed> {
        self.literal("null", "`null`")
    }

    /// Reads and discards the next value, checking its grammar. `depth` is the number of
    /// arrays and objects already open around it. Iterative, so no body can overflow the
    /// stack; one bit per open container says whether it is an array.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Result<(), Malformed> {
        let mut arrays: u128 = 0;
        let mut open = 0usize;
        'value: loop {
            match self.peek()? {
                kind @ (Kind::Object | Kind::Array) => {
                    if depth + open >= MAX_DEPTH {
                        return Err(Malformed::new(self.pos, Problem::TooDeep));
                    }
                    let array = kind == Kind::Array;
                    arrays = (arrays << 1) | u128::from(array);
                    open += 1;
                    self.pos += 1;
                    self.skip_whitespace();
                    let close = if array { b']' } else { b'}' };
                    if self.byte() == Some(close) {
                        self.pos += 1;
                        arrays >>= 1;
                        open -= 1;
                    } else {
                        if !array {
                            self.key_and_colon()?;
                        }
                        continue 'value;
                    }
                }
                Kind::String => {
                    self.string()?;
                }
                Kind::Number => {
                    self.number()?;
                }
                Kind::Bool => {
                    self.boolean()?;
                }
                Kind::Null => self.null()?,
            }
            // After a value: a comma leads to the next one, or containers close.
            loop {
                if open == 0 {
                    return Ok(());
                }
                let array = arrays & 1 == 1;
                self.skip_whitespace();
                match self.byte() {
                    Some(b',') => {
                        self.pos += 1;
                        if !array {
                            self.skip_whitespace();
                            self.key_and_colon()?;
                        }
                        continue 'value;
                    }
                    Some(b']') if array => {}
                    Some(b'}') if !array => {}
                    _ if array => return Err(self.unexpected(self.pos, "`,` or `]`")),
                    _ => return Err(self.unexpected(self.pos, "`,` or `}`")),
                }
                self.pos += 1;
                arrays >>= 1;
                open -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(json: &str) -> Result<String, Problem> {
        let mut r = Reader::new(json);
        r.peek().map_err(|m| m.problem)?;
        let s = r.string().map_err(|m| m.problem)?;
        r.finish().map_err(|m| m.problem)?;
        Ok(s.into_owned())
    }

    fn number(json: &str) -> Result<f64, Problem> {
        let mut r = Reader::new(json);
        r.peek().map_err(|m| m.problem)?;
        let n = r.number().map_err(|m| m.problem)?;
        r.finish().map_err(|m| m.problem)?;
        Ok(n)
    }

    fn skip(json: &str) -> Result<(), Malformed> {
        let mut r = Reader::new(json);
        r.skip_value(0)?;
        r.finish()
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut r = Reader::new(r#""plain""#);
        assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
        assert_eq!(
            string(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
            "a\"b\\c/d\u{8}\u{C}\n\r\t"
        );
        assert_eq!(
            string(r#""caf\u00e9 \u2764\ufe0f""#).unwrap(),
            "café ❤\u{FE0F}"
        );
        assert_eq!(string(r#""\ud83d\udc4d!""#).unwrap(), "👍!");
        assert_eq!(string(r#""\uD83D\uDC4D""#).unwrap(), "👍");
        assert_eq!(string("\"\u{7F}é\"").unwrap(), "\u{7F}é");
    }

    #[test]
    fn broken_strings_say_why() {
        assert_eq!(string(r#""\x""#), Err(Problem::InvalidEscape('x')));
        assert_eq!(string(r#""\u12""#), Err(Problem::InvalidUnicodeEscape));
        assert_eq!(
            string(r#""\ud83d""#),
            Err(Problem::UnpairedSurrogate(0xD83D))
        );
        assert_eq!(
            string(r#""\ud83dx""#),
            Err(Problem::UnpairedSurrogate(0xD83D))
        );
        assert_eq!(
            string(r#""\ud83d\u0041""#),
            Err(Problem::UnpairedSurrogate(0xD83D))
        );
        assert_eq!(
            string(r#""\udc4d""#),
            Err(Problem::UnpairedSurrogate(0xDC4D))
        );
        assert_eq!(string("\"a\nb\""), Err(Problem::ControlCharacter('\n')));
        assert_eq!(string("\"a\\n\tb\""), Err(Problem::ControlCharacter('\t')));
        assert!(matches!(
            string("\"abc"),
            Err(Problem::UnexpectedEnd { .. })
        ));
        assert!(matches!(
            string("\"ab\\"),
            Err(Problem::UnexpectedEnd { .. })
        ));
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for (ok, value) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("3", 3.0),
            ("33.6844", 33.6844),
            ("-90.5", -90.5),
            ("1e2", 100.0),
            ("1E+2", 100.0),
            ("25e-1", 2.5),
            ("3.0", 3.0),
        ] {
            assert_eq!(number(ok), Ok(value), "{ok}");
        }
        assert_eq!(number("1e400"), Ok(f64::INFINITY));
        for bad in ["01", "-", "1.", ".5", "1e", "1e+", "+1", "-a", "0x10"] {
            assert!(number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn skipping_checks_the_grammar() {
        for ok in [
            "1",
            "\"s\"",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            " [ 1 , { \"a\" : [ null , { } ] } , \"x\" ] ",
            r#"{"a":{"b":{"c":[[[]]]}}}"#,
        ] {
            assert_eq!(skip(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "[",
            "[1,]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":1,}",
            "{1:2}",
            "tru",
            "nul",
            "[]]",
            "{\"a\":1 \"b\":2}",
            "[\"a\"x]",
        ] {
            assert!(skip(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nesting_is_bounded_without_recursion() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(skip(&deep(MAX_DEPTH)), Ok(()));
        assert_eq!(
            skip(&deep(MAX_DEPTH + 1)).unwrap_err().problem,
            Problem::TooDeep
        );
        assert_eq!(skip(&deep(100_000)).unwrap_err().problem, Problem::TooDeep);
        let mut r = Reader::new("[[1]]");
        assert_eq!(
            r.skip_value(MAX_DEPTH - 1).unwrap_err().problem,
            Problem::TooDeep
        );
    }

    #[test]
    fn positions_point_at_the_problem() {
        let err = skip("{\"a\":1,\n \"b\" 2}").unwrap_err();
        assert_eq!(err.at, 13);
        assert_eq!(
            err.problem,
            Problem::Unexpected {
                expected: "`:` after the key",
                found: '2'
            }
        );
        assert_eq!(skip("[1] x").unwrap_err().problem, Problem::Trailing('x'));
    }
}
