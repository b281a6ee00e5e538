//! "Exactly one emoji", for the client-side rule on reactions.
//!
//! The server only limits a reaction to 8 characters, so `"ok"` or `"👍👍"` pass it and
//! then show oddly or not at all. One grapheme cluster that starts with a pictographic
//! character (or is a keycap or flag) is what WhatsApp renders as one reaction.

use unicode_segmentation::UnicodeSegmentation;

const KEYCAP: char = '\u{20E3}';

fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139
        | 0x2194..=0x21AA
        | 0x231A..=0x23FF
        | 0x24C2
        | 0x25AA..=0x25FE
        | 0x2600..=0x27BF
        | 0x2934 | 0x2935
        | 0x2B05..=0x2B55
        | 0x3030 | 0x303D | 0x3297 | 0x3299
        | 0x1F000..=0x1FAFF
    )
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Whether `s` is one emoji: a single grapheme that is pictographic, a flag or a keycap.
pub(crate) fn is_single_emoji(s: &str) -> bool {
    let mut graphemes = s.graphemes(true);
    let (Some(only), None) = (graphemes.next(), graphemes.next()) else {
        return false;
    };
    let mut chars = only.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '0'..='9' | '#' | '*') {
        return only.ends_with(KEYCAP);
    }
    if is_regional_indicator(first) {
        return chars.next().is_some_and(is_regional_indicator);
    }
    is_pictographic(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_emojis() {
        for ok in ["👍", "❤️", "👍🏽", "👨‍👩‍👧", "🇵🇰", "1️⃣", "©️", "☺"]
        {
            assert!(is_single_emoji(ok), "{ok}");
        }
    }

    #[test]
    fn not_single_emojis() {
        for bad in ["", "ok", "👍👍", "a", "1", "🇵", "👍 "] {
            assert!(!is_single_emoji(bad), "{bad}");
        }
    }
}
