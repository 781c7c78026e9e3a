//! A lazy tokenizer for local matching around a trigger: it reads one token forwards or
//! backwards from a byte offset, within one line, without allocating.

use crate::recognize::tokens::{AsciiRun, ascii_run_end, ascii_run_start};

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of letters.
    Word,
    /// A run of ASCII digits.
    Num,
    /// Any other single character.
    Punct,
}

impl Kind {
    /// The ASCII bytes a token of this kind may be made of, if it may be longer than
    /// one character.
    fn ascii_run(self) -> Option<AsciiRun> {
        match self {
            Kind::Word => Some(AsciiRun::Letters),
            Kind::Num => Some(AsciiRun::Digits),
            Kind::Punct => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub text: &'a str,
}

impl<'a> Tok<'a> {
    /// Whether this is the word `word`, ignoring ASCII case.
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether this is one of `words`, ignoring ASCII case.
    pub fn is_any(&self, words: &[&str]) -> bool {
        self.kind == Kind::Word && words.iter().any(|w| self.text.eq_ignore_ascii_case(w))
    }

    /// Whether this is a word of `words`, ignoring ASCII case; the same as
    /// [`Tok::is_any`] over its list, at the cost of a few comparisons.
    pub fn is_in(&self, words: &FoldedWords) -> bool {
        self.kind == Kind::Word && words.contains(self.text)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// Whether this is one of the dash characters used between numbers.
    pub fn is_dash(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.text, "-" | "–" | "—")
    }

    pub fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// The value of a digit run, if it is short enough to be a day, year or count.
    pub fn number(&self) -> Option<u32> {
        if self.kind != Kind::Num || self.text.len() > 6 {
            return None;
        }
        self.text.parse().ok()
    }
}

/// A list of words compared ignoring ASCII case, grouped by length and first letter so
/// that a lookup compares a word with a few of them instead of every one. Two words
/// equal ignoring ASCII case have the same length and first letter, so a lookup finds
/// what a scan of the whole list finds.
pub(crate) struct FoldedWords {
    words: &'static [&'static str],
    groups: std::sync::OnceLock<Vec<Vec<&'static str>>>,
}

/// Words this long or longer are not grouped.
const GROUPED_LEN: usize = 16;

impl FoldedWords {
    pub const fn new(words: &'static [&'static str]) -> FoldedWords {
        FoldedWords {
            words,
            groups: std::sync::OnceLock::new(),
        }
    }

    fn group_of(word: &str) -> Option<usize> {
        let first = *word.as_bytes().first()?;
        (word.len() < GROUPED_LEN && first.is_ascii_alphabetic())
            .then(|| word.len() * 26 + usize::from(first.to_ascii_lowercase() - b'a'))
    }

    pub fn contains(&self, word: &str) -> bool {
        let Some(group) = FoldedWords::group_of(word) else {
            return self.words.iter().any(|w| w.eq_ignore_ascii_case(word));
        };
        let groups = self.groups.get_or_init(|| {
            let mut groups = vec![Vec::new(); GROUPED_LEN * 26];
            for &listed in self.words {
                if let Some(group) = FoldedWords::group_of(listed) {
                    groups[group].push(listed);
                }
            }
            groups
        });
        groups[group].iter().any(|w| w.eq_ignore_ascii_case(word))
    }
}

/// The first ASCII digit at or after `from`. Most text has few digits, so eight bytes
/// are tested at a time and only a word holding a digit is searched byte by byte.
pub(crate) fn find_digit(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Digits become bytes below 10; the test for a byte below 10 may not say which
        // one, but never misses one and never fires without one.
        let shifted = u64::from_le_bytes(word) ^ (ONES * u64::from(b'0'));
        if shifted.wrapping_sub(ONES * 10) & !shifted & HIGH_BITS != 0 {
            break;
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|offset| at + offset)
}

/// Blanks that may separate tokens of one expression; line breaks may not.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{2009}' | '\u{202f}')
}

fn is_line_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

fn kind_of(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Num
    } else if c.is_alphabetic() {
        Kind::Word
    } else {
        Kind::Punct
    }
}

/// The kind of each ASCII character, as [`kind_of`] gives it; a table lookup is
/// cheaper than its tests, and most characters of the text are ASCII.
static ASCII_KINDS: [Kind; 128] = {
    let mut kinds = [Kind::Punct; 128];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        kinds[byte] = if b.is_ascii_digit() {
            Kind::Num
        } else if b.is_ascii_alphabetic() {
            Kind::Word
        } else {
            Kind::Punct
        };
        byte += 1;
    }
    kinds
};

/// The character starting at byte `at` and its kind, if a character starts there.
#[inline]
fn char_and_kind(text: &str, at: usize) -> Option<(char, Kind)> {
    let byte = *text.as_bytes().get(at)?;
    if byte < 0x80 {
        return Some((char::from(byte), ASCII_KINDS[usize::from(byte)]));
    }
    let c = text.get(at..)?.chars().next()?;
    Some((c, kind_of(c)))
}

/// The character ending at byte `at` and its kind, if a character ends there.
#[inline]
fn char_and_kind_before(text: &str, at: usize) -> Option<(char, Kind)> {
    let byte = *text.as_bytes().get(at.checked_sub(1)?)?;
    if byte < 0x80 {
        return Some((char::from(byte), ASCII_KINDS[usize::from(byte)]));
    }
    let c = text.get(..at)?.chars().next_back()?;
    Some((c, kind_of(c)))
}

/// The token that starts at or after `pos`, skipping blanks; `None` at a line break or
/// the end of the text.
pub(crate) fn next_tok(text: &str, pos: usize) -> Option<Tok<'_>> {
    // Not a character boundary, or past the end: no token, as `text.get` says.
    text.get(pos..)?;
    let mut start = pos;
    let (first, kind) = loop {
        let (c, kind) = char_and_kind(text, start)?;
        if is_line_break(c) {
            return None;
        }
        if !is_blank(c) {
            break (c, kind);
        }
        start += c.len_utf8();
    };
    let mut end = start + first.len_utf8();
    if let Some(run) = kind.ascii_run() {
        // ASCII letters or digits eight at a time, any other letter one by one.
        loop {
            end = ascii_run_end(text.as_bytes(), end, run);
            match char_and_kind(text, end) {
                Some((c, next_kind)) if next_kind == kind => end += c.len_utf8(),
                _ => break,
            }
        }
    }
    Some(Tok {
        start,
        end,
        kind,
        text: &text[start..end],
    })
}

/// The token that ends at or before `pos`, skipping blanks; `None` at a line break or
/// the start of the text.
pub(crate) fn prev_tok(text: &str, pos: usize) -> Option<Tok<'_>> {
    // Not a character boundary, or past the end: no token, as `text.get` says.
    text.get(..pos)?;
    let mut end = pos;
    let (last, kind) = loop {
        let (c, kind) = char_and_kind_before(text, end)?;
        if is_line_break(c) {
            return None;
        }
        if !is_blank(c) {
            break (c, kind);
        }
        end -= c.len_utf8();
    };
    let mut start = end - last.len_utf8();
    if let Some(run) = kind.ascii_run() {
        loop {
            start = ascii_run_start(text.as_bytes(), start, run);
            match char_and_kind_before(text, start) {
                Some((c, previous_kind)) if previous_kind == kind => start -= c.len_utf8(),
                _ => break,
            }
        }
    }
    Some(Tok {
        start,
        end,
        kind,
        text: &text[start..end],
    })
}

/// The token starting exactly at `pos` (no blank before it).
pub(crate) fn adjacent_next(text: &str, pos: usize) -> Option<Tok<'_>> {
    // Most callers ask where a blank follows; reading the token after it would be wasted.
    let (c, _) = char_and_kind(text, pos)?;
    if is_blank(c) || is_line_break(c) {
        return None;
    }
    next_tok(text, pos).filter(|t| t.start == pos)
}

/// The token ending exactly at `pos` (no blank after it).
pub(crate) fn adjacent_prev(text: &str, pos: usize) -> Option<Tok<'_>> {
    let (c, _) = char_and_kind_before(text, pos)?;
    if is_blank(c) || is_line_break(c) {
        return None;
    }
    prev_tok(text, pos).filter(|t| t.end == pos)
}

/// The character just before `pos`, if any.
pub(crate) fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos)?.chars().next_back()
}

/// The character at `pos`, if any.
pub(crate) fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_digit_a_byte_by_byte_search_finds() {
        let texts = [
            "",
            "7",
            "no digits in this line at all, none",
            "exactly8",
            "a longer run of text before 2025 and after it",
            "/:/:/:/:/:/:/:/:9",
            "Korea’s exports rose 3.5% in Q4",
            "\u{0}\u{9}\u{a}0123456789:;",
            "ÿÿÿÿÿÿÿÿÿÿÿÿ1",
        ];
        for text in texts {
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() + 1 {
                let expected = bytes
                    .get(from..)
                    .and_then(|rest| rest.iter().position(u8::is_ascii_digit))
                    .map(|offset| from + offset);
                assert_eq!(find_digit(bytes, from), expected, "{text:?} from {from}");
            }
        }
    }

    #[test]
    fn folded_words_find_what_a_scan_of_the_list_finds() {
        static WORDS: FoldedWords =
            FoldedWords::new(&["will", "ll", "Shall", "a-very-long-word-indeed", "2nd", "é"]);
        let probes = [
            "will",
            "WILL",
            "Will",
            "wil",
            "willl",
            "ll",
            "LL",
            "shall",
            "SHALL",
            "",
            "2nd",
            "2ND",
            "A-VERY-LONG-WORD-INDEED",
            "a-very-long-word-indee",
            "é",
            "É",
            "wíll",
        ];
        for probe in probes {
            let scanned = WORDS.words.iter().any(|w| w.eq_ignore_ascii_case(probe));
            assert_eq!(WORDS.contains(probe), scanned, "{probe:?}");
        }
        assert!(WORDS.contains("Will") && !WORDS.contains("É"));
    }

    // The tokenizer as first written, a character at a time: the reference for the
    // table-driven one.
    fn next_tok_by_characters(text: &str, pos: usize) -> Option<Tok<'_>> {
        let rest = text.get(pos..)?;
        let mut chars = rest.char_indices();
        let (offset, first) = loop {
            let (i, c) = chars.next()?;
            if is_line_break(c) {
                return None;
            }
            if !is_blank(c) {
                break (i, c);
            }
        };
        let start = pos + offset;
        let kind = kind_of(first);
        let mut end = start + first.len_utf8();
        if kind != Kind::Punct {
            // Most runs are ASCII: read those a byte at a time and decode characters only
            // where a non-ASCII byte starts one.
            let bytes = text.as_bytes();
            while let Some(&b) = bytes.get(end) {
                let c = if b < 0x80 {
                    char::from(b)
                } else {
                    match text.get(end..).and_then(|s| s.chars().next()) {
                        Some(c) => c,
                        None => break,
                    }
                };
                if kind_of(c) != kind {
                    break;
                }
                end += c.len_utf8();
            }
        }
        Some(Tok {
            start,
            end,
            kind,
            text: &text[start..end],
        })
    }

    /// The token that ends at or before `pos`, skipping blanks; `None` at a line break or
    /// the start of the text.
    fn prev_tok_by_characters(text: &str, pos: usize) -> Option<Tok<'_>> {
        let head = text.get(..pos)?;
        let mut chars = head.char_indices().rev();
        let (last_start, last) = loop {
            let (i, c) = chars.next()?;
            if is_line_break(c) {
                return None;
            }
            if !is_blank(c) {
                break (i, c);
            }
        };
        let end = last_start + last.len_utf8();
        let kind = kind_of(last);
        let mut start = last_start;
        if kind != Kind::Punct {
            // As in `next_tok`, ASCII bytes are read directly and only the rest decoded.
            let bytes = head.as_bytes();
            while start > 0 {
                let b = bytes[start - 1];
                let c = if b < 0x80 {
                    char::from(b)
                } else {
                    match head[..start].chars().next_back() {
                        Some(c) => c,
                        None => break,
                    }
                };
                if kind_of(c) != kind {
                    break;
                }
                start -= c.len_utf8();
            }
        }
        Some(Tok {
            start,
            end,
            kind,
            text: &text[start..end],
        })
    }

    #[test]
    fn reads_tokens_as_the_character_by_character_reading_does() {
        let texts = [
            "",
            "on Wednesday, 10 Dec.\nnext",
            "  \t 2025–2026 \u{a0}Seoul’s\u{2009}50%\r\n",
            "Šefčovič met Yeo Han-koo 中国 on 12/10",
            "FY2025 Q4\u{202f}ends",
            "\u{a0}\u{a0}x",
        ];
        fn key(t: Option<Tok<'_>>) -> Option<(usize, usize, Kind, &str)> {
            t.map(|t| (t.start, t.end, t.kind, t.text))
        }
        for text in texts {
            for pos in 0..=text.len() + 1 {
                assert_eq!(
                    key(next_tok(text, pos)),
                    key(next_tok_by_characters(text, pos)),
                    "next in {text:?} at {pos}"
                );
                assert_eq!(
                    key(prev_tok(text, pos)),
                    key(prev_tok_by_characters(text, pos)),
                    "previous in {text:?} at {pos}"
                );
            }
        }
    }

    #[test]
    fn reads_tokens_both_ways_within_a_line() {
        let text = "on Wednesday, 10 Dec.\nnext";
        let t = next_tok(text, 2).map(|t| (t.text, t.kind));
        assert_eq!(t, Some(("Wednesday", Kind::Word)));
        let t = next_tok(text, 12).map(|t| t.text);
        assert_eq!(t, Some(","));
        let t = next_tok(text, 13).map(|t| (t.text, t.kind));
        assert_eq!(t, Some(("10", Kind::Num)));
        assert!(next_tok(text, 21).is_none(), "a line break ends the line");
        let t = prev_tok(text, 12).map(|t| t.text);
        assert_eq!(t, Some("Wednesday"));
        assert!(prev_tok(text, 22).is_none());
        let t = prev_tok("Seoul’s 2026", 9).map(|t| t.text);
        assert_eq!(t, Some("s"));
    }
}
