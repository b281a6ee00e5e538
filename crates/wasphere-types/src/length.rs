//! String length as the server counts it.
//!
//! The server checks lengths with validator.js `isLength`: it counts UTF-16 units, then
//! subtracts one per surrogate pair and one per variation selector that follows a
//! non-selector. The result is a count of code points in which a presentation selector
//! (U+FE0E, U+FE0F) right after an ordinary character is free. Counting bytes or UTF-16
//! units here would reject messages the server accepts (every emoji would count double).

const TEXT_PRESENTATION: char = '\u{FE0E}';
const EMOJI_PRESENTATION: char = '\u{FE0F}';

fn is_variation_selector(c: char) -> bool {
    c == TEXT_PRESENTATION || c == EMOJI_PRESENTATION
}

/// The length of `s` as the WaSphere server measures it.
///
/// ```
/// use wasphere_types::server_length;
/// assert_eq!(server_length("hello"), 5);
/// assert_eq!(server_length("👍"), 1); // one code point, two UTF-16 units
/// assert_eq!(server_length("❤\u{FE0F}"), 1); // the selector after ❤ is free
/// assert_eq!(server_length("e\u{301}"), 2); // a combining accent still counts
/// ```
pub fn server_length(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    let mut count = 0;
    let mut previous: Option<char> = None;
    for c in s.chars() {
        let free = is_variation_selector(c) && previous.is_some_and(|p| !is_variation_selector(p));
        if !free {
            count += 1;
        }
        previous = Some(c);
    }
    count
}

/// Whether `s` is at most `max` long by the server's count, without counting when the
/// byte length already settles it (every counted character takes at least one byte).
pub(crate) fn fits(s: &str, max: usize) -> bool {
    s.len() <= max || server_length(s) <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_free_only_after_an_ordinary_character() {
        assert_eq!(server_length("\u{FE0F}"), 1);
        assert_eq!(server_length("a\u{FE0F}\u{FE0F}"), 2);
        assert_eq!(server_length("a\u{FE0F}b\u{FE0E}"), 2);
        assert_eq!(server_length("❤️❤️"), 2);
    }

    #[test]
    fn astral_characters_count_one() {
        assert_eq!(server_length("👍👍👍"), 3);
        assert_eq!(server_length("𝔘𝔫𝔦"), 3);
    }

    #[test]
    fn fits_agrees_with_the_count() {
        for s in ["", "abc", "❤️❤️", "👍", "e\u{301}"] {
            for max in 0..8 {
                assert_eq!(fits(s, max), server_length(s) <= max, "{s:?} {max}");
            }
        }
    }
}
