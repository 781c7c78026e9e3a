//! Word and punctuation tokens, the unit the name rules work on.
//!
//! A word keeps internal hyphens and dashes (`Han-koo`, `Korea–U.S.`), periods of
//! initialisms (`U.S.`), `&` between letters (`R&D`) and apostrophes inside names
//! (`O'Brien`), but not the possessive `’s`, so `Korea’s` gives the word `Korea`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Whether only spaces or tabs separate this token from the previous one.
    pub joined_to_previous: bool,
    /// What the name rules ask of nearly every word, decided once here: see
    /// [`Token::is_capitalized`] and [`Token::has_lower`].
    shape: u8,
}

/// The word starts with a capital letter.
const CAPITALIZED: u8 = 1;
/// The word has a lower-case letter.
const HAS_LOWER: u8 = 2;
/// The word holds a joiner between its letters (`Korea–U.S.`, `R&D`), so a word of
/// its own may start inside it.
const HAS_JOINER: u8 = 4;

/// The shape bits of a word.
fn word_shape(word: &str) -> u8 {
    let mut shape = 0;
    if is_capitalized(word) {
        shape |= CAPITALIZED;
    }
    if word.chars().any(char::is_lowercase) {
        shape |= HAS_LOWER;
    }
    shape
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }

    /// The runs of letters and digits of a word, as byte ranges in `source`: the whole
    /// word, or the pieces its joiners separate (`mid` and `December` in
    /// `mid-December`). Callers on a hot path read a word without joiners (see
    /// [`Token::has_joiner`]) as it is, and only the others through this.
    pub fn runs<'a>(&self, source: &'a str) -> Runs<'a> {
        Runs {
            base: self.start,
            chars: self.text(source).char_indices(),
        }
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// A word whose first character is a capital, as [`is_capitalized`] says of its text.
    #[inline]
    pub fn is_capitalized(&self) -> bool {
        self.shape & CAPITALIZED != 0
    }

    /// A word with a lower-case letter in it.
    #[inline]
    pub fn has_lower(&self) -> bool {
        self.shape & HAS_LOWER != 0
    }

    /// A word with a joiner between its letters.
    #[inline]
    pub fn has_joiner(&self) -> bool {
        self.shape & HAS_JOINER != 0
    }
}

/// See [`Token::runs`].
pub struct Runs<'a> {
    base: usize,
    chars: std::str::CharIndices<'a>,
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let (start, first) = self.chars.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = start + first.len_utf8();
        for (offset, c) in self.chars.by_ref() {
            if !c.is_alphanumeric() {
                break;
            }
            end = offset + c.len_utf8();
        }
        Some((self.base + start, self.base + end))
    }
}

fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\'' | '\u{2019}' | '.' | '&'
    )
}

/// The character at byte `at`, if a character starts there.
#[inline]
fn char_at(text: &str, at: usize) -> Option<char> {
    let byte = *text.as_bytes().get(at)?;
    if byte < 0x80 {
        return Some(char::from(byte));
    }
    text.get(at..)?.chars().next()
}

/// The character ending at byte `at`.
#[inline]
fn char_before(text: &str, at: usize) -> Option<char> {
    let byte = *text.as_bytes().get(at.checked_sub(1)?)?;
    if byte < 0x80 {
        return Some(char::from(byte));
    }
    text.get(..at)?.chars().next_back()
}

/// What an ASCII byte means to the tokenizer's fast path; every other byte takes the
/// general path, which decodes characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// Not ASCII, or a character that may join words (`-`, `'`, `.`, `&`).
    General,
    /// A space or tab, which separates tokens but keeps them joined.
    Blank,
    /// An ASCII letter or digit.
    Word,
    /// Any other ASCII character, which ends a word.
    WordEnd,
}

static BYTE_CLASSES: [ByteClass; 256] = {
    let mut classes = [ByteClass::General; 256];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        classes[byte] = if b == b' ' || b == b'\t' {
            ByteClass::Blank
        } else if b.is_ascii_alphanumeric() {
            ByteClass::Word
        } else if matches!(b, b'-' | b'\'' | b'.' | b'&') {
            ByteClass::General
        } else {
            ByteClass::WordEnd
        };
        byte += 1;
    }
    classes
};

fn byte_class(byte: u8) -> ByteClass {
    BYTE_CLASSES[usize::from(byte)]
}

/// Which ASCII bytes a run is made of, for [`ascii_run_end`] and [`ascii_run_start`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum AsciiRun {
    LettersAndDigits,
    Letters,
    Digits,
}

impl AsciiRun {
    fn has(self, byte: u8) -> bool {
        match self {
            AsciiRun::LettersAndDigits => byte.is_ascii_alphanumeric(),
            AsciiRun::Letters => byte.is_ascii_alphabetic(),
            AsciiRun::Digits => byte.is_ascii_digit(),
        }
    }

    /// The high bit of each byte of `chunk` that is *not* of the run.
    ///
    /// Eight bytes at a time: a word's end is then found by arithmetic rather than by
    /// a branch per byte, the last of which was mispredicted at nearly every word.
    #[inline]
    fn others(self, chunk: u64) -> u64 {
        const ONES: u64 = u64::MAX / 255;
        const HIGH: u64 = ONES * 0x80;
        /// The high bit of each byte of `x` strictly between `low` and `high`, for
        /// `low` up to 127 and `high` up to 128; bytes of 128 and more are never
        /// between. No sum or difference crosses into the next byte.
        fn between(x: u64, low: u8, high: u8) -> u64 {
            let seven_bits = x & (ONES * 127);
            (ONES * (127 + u64::from(high))).wrapping_sub(seven_bits)
                & !x
                & (seven_bits + ONES * (127 - u64::from(low)))
                & HIGH
        }
        let digits = || between(chunk, b'0' - 1, b'9' + 1);
        // `| 0x20` folds capitals onto small letters and keeps digits as they are.
        let letters = || between(chunk | (ONES * 0x20), b'a' - 1, b'z' + 1);
        let members = match self {
            AsciiRun::LettersAndDigits => digits() | letters(),
            AsciiRun::Letters => letters(),
            AsciiRun::Digits => digits(),
        };
        !members & HIGH
    }
}

/// Where the run of `run` bytes that starts at `from` ends.
#[inline]
pub(crate) fn ascii_run_end(bytes: &[u8], mut from: usize, run: AsciiRun) -> usize {
    while let Some(chunk) = bytes.get(from..).and_then(<[u8]>::first_chunk::<8>) {
        let others = run.others(u64::from_le_bytes(*chunk));
        if others != 0 {
            return from + (others.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    from + bytes
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&b| run.has(b))
        .count()
}

/// Where the run of `run` bytes that ends at `to` starts.
#[inline]
pub(crate) fn ascii_run_start(bytes: &[u8], mut to: usize, run: AsciiRun) -> usize {
    while let Some(chunk) = to
        .checked_sub(8)
        .and_then(|from| bytes.get(from..to))
        .and_then(<[u8]>::first_chunk::<8>)
    {
        let others = run.others(u64::from_le_bytes(*chunk));
        if others != 0 {
            return to - (others.leading_zeros() / 8) as usize;
        }
        to -= 8;
    }
    to - bytes
        .get(..to)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|&&b| run.has(b))
        .count()
}

/// Splits `text` into tokens; whitespace separates them and is not kept.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut joined = false;
    while let Some(c) = char_at(text, at) {
        let start = at;
        // Most text is ASCII words between spaces: a word that a space or punctuation
        // other than a joiner ends is measured eight bytes at a time. Anything else
        // takes the general path below, which decides the same for these. Tests
        // rather than a `match`: the jump table it compiled to was mispredicted at most
        // tokens.
        let class = byte_class(bytes[at]);
        if class == ByteClass::Blank {
            at += 1;
            continue;
        }
        if class == ByteClass::Word {
            let end = ascii_run_end(bytes, at + 1, AsciiRun::LettersAndDigits);
            let ends_here = bytes
                .get(end)
                .is_none_or(|&b| matches!(byte_class(b), ByteClass::Blank | ByteClass::WordEnd));
            if ends_here {
                // A word that starts in lower case has a lower-case letter; only
                // the others are read further.
                let first = bytes[start];
                let mut shape = 0;
                if first.is_ascii_uppercase() {
                    shape |= CAPITALIZED;
                }
                if first.is_ascii_lowercase()
                    || bytes[start + 1..end].iter().any(u8::is_ascii_lowercase)
                {
                    shape |= HAS_LOWER;
                }
                tokens.push(Token {
                    start,
                    end,
                    kind: TokenKind::Word,
                    joined_to_previous: joined && !tokens.is_empty(),
                    shape,
                });
                joined = true;
                at = end;
                continue;
            }
        }
        let width = c.len_utf8();
        if c == ' ' || c == '\t' || c == '\u{a0}' {
            at += width;
            continue;
        }
        if c.is_whitespace() {
            joined = false;
            at += width;
            continue;
        }
        let joined_to_previous = joined && !tokens.is_empty();
        joined = true;
        if !c.is_alphanumeric() {
            tokens.push(Token {
                start,
                end: start + width,
                kind: TokenKind::Punct,
                joined_to_previous,
                shape: 0,
            });
            at += width;
            continue;
        }
        // `last` is where the word's last character starts, `end` where it ends.
        let mut last = start;
        let mut end = start + width;
        let mut next = end;
        let mut took_joiner = false;
        loop {
            // Most of a word is ASCII letters and digits; skip them a byte at a time.
            let run_end = ascii_run_end(bytes, next, AsciiRun::LettersAndDigits);
            if run_end > next {
                last = run_end - 1;
                end = run_end;
                next = run_end;
            }
            let Some(c) = char_at(text, next) else {
                break;
            };
            let after = next + c.len_utf8();
            if c.is_alphanumeric() {
                last = next;
                end = after;
                next = after;
                continue;
            }
            if !is_joiner(c) {
                break;
            }
            let following = char_at(text, after);
            let takes = match c {
                '\'' | '\u{2019}' => {
                    let possessive = matches!(following, Some('s' | 'S'))
                        && char_at(text, after + 1).is_none_or(|a| !a.is_alphanumeric());
                    following.is_some_and(char::is_alphanumeric) && !possessive
                }
                '.' => {
                    // Periods only join single capitals: `U.S.`, `M.AX`, not `end.Next`.
                    let starts_word = last == start
                        || char_before(text, last).is_none_or(|p| !p.is_alphanumeric());
                    let initial =
                        char_at(text, last).is_some_and(char::is_uppercase) && starts_word;
                    if initial && following.is_some_and(char::is_alphanumeric) {
                        true
                    } else if initial && last > start {
                        // The closing period of `U.S.` belongs to the word.
                        end = after;
                        next = after;
                        break;
                    } else {
                        false
                    }
                }
                _ => following.is_some_and(char::is_alphanumeric),
            };
            if !takes {
                break;
            }
            took_joiner = true;
            next = after;
        }
        tokens.push(Token {
            start,
            end,
            kind: TokenKind::Word,
            joined_to_previous,
            shape: word_shape(text.get(start..end).unwrap_or(""))
                | if took_joiner { HAS_JOINER } else { 0 },
        });
        at = next.max(end);
    }
    tokens
}

/// Whether a word starts with a capital letter (or is a code like `G7`).
#[inline]
pub fn is_capitalized(word: &str) -> bool {
    // Name rules ask this of nearly every word, and nearly every word starts in ASCII.
    match word.as_bytes().first() {
        Some(&byte) if byte < 0x80 => byte.is_ascii_uppercase(),
        _ => word.chars().next().is_some_and(char::is_uppercase),
    }
}

/// Whether a word has letters and all of them are capitals.
pub fn is_all_caps(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && !word.chars().any(char::is_lowercase)
}

/// The ordinal words as they open a sentence or run on in it.
static ORDINAL_WORDS: WordSet = WordSet::new(&[
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Thirteenth",
    "Fourteenth",
    "Fifteenth",
    "Sixteenth",
    "Seventeenth",
    "Eighteenth",
    "Nineteenth",
    "Twentieth",
]);

/// Whether a word is an ordinal (`52nd`, `third`), cheaply for the many that are not.
#[inline]
pub fn may_be_ordinal(word: &str) -> bool {
    // Every ordinal ends in `t`, `d` or `h` (`first`, `2nd`, `fourth`).
    if !matches!(
        word.as_bytes().last(),
        Some(b't' | b'd' | b'h' | b'T' | b'D' | b'H')
    ) {
        return false;
    }
    match word.as_bytes().first() {
        Some(b'0'..=b'9') => ordinal_value(word).is_some(),
        Some(_) => ORDINAL_WORDS.contains(word),
        None => false,
    }
}

/// `52nd`, `3rd`, `first` … `twentieth`: the number it stands for.
pub fn ordinal_value(word: &str) -> Option<u32> {
    const WORDS: [&str; 20] = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ];
    // The name rules ask this of many words, and nearly all of them are neither: a
    // word ordinal starts with one of five letters and a numeric one with a digit.
    let bytes = word.as_bytes();
    let first = *bytes.first()?;
    if first.is_ascii_digit() {
        let digits_end = bytes.iter().position(|b| !b.is_ascii_digit())?;
        let suffix = &word[digits_end..];
        if !["st", "nd", "rd", "th"]
            .iter()
            .any(|s| suffix.eq_ignore_ascii_case(s))
        {
            return None;
        }
        return word[..digits_end].parse().ok();
    }
    if !matches!(first.to_ascii_lowercase(), b'e' | b'f' | b'n' | b's' | b't') || bytes.len() > 11 {
        return None;
    }
    WORDS
        .iter()
        .position(|w| w.eq_ignore_ascii_case(word))
        .map(|position| position as u32 + 1)
}

/// A fixed list of words with constant-time look-up, built on first use.
///
/// Most look-ups are of words not in the list, so a word is first checked against the
/// first and last bytes the list's words of its length have; only the rest are hashed,
/// with a hasher much cheaper than the default one (the keys are fixed, so flooding is
/// no concern).
pub struct WordSet {
    lists: Lists,
    index: std::sync::OnceLock<WordIndex>,
}

/// The lists a [`WordSet`] holds the words of.
enum Lists {
    One(&'static [&'static str]),
    Many(&'static [&'static [&'static str]]),
}

impl Lists {
    fn words(&self) -> impl Iterator<Item = &'static str> + '_ {
        let lists: &[&'static [&'static str]] = match self {
            Lists::One(words) => std::slice::from_ref(words),
            Lists::Many(lists) => lists,
        };
        lists.iter().flat_map(|list| list.iter().copied())
    }
}

/// Words longer than this share the last entry of [`WordIndex::shapes`].
const LONGEST_SHAPE: usize = 24;

struct WordIndex {
    /// For each word length (longer ones together at [`LONGEST_SHAPE`]), the bytes the
    /// list's words of that length start and end with.
    shapes: Vec<Shape>,
    set: std::collections::HashSet<&'static str, FastHashBuilder>,
}

#[derive(Clone, Copy, Default)]
struct Shape {
    /// Bit `b % 64` of `first[b / 64]` is set when some word starts with byte `b`.
    first: [u64; 4],
    /// The same for the last byte.
    last: [u64; 4],
}

fn has_byte(bits: &[u64; 4], byte: u8) -> bool {
    bits[usize::from(byte / 64)] & (1 << (byte % 64)) != 0
}

fn add_byte(bits: &mut [u64; 4], byte: u8) {
    bits[usize::from(byte / 64)] |= 1 << (byte % 64);
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> WordSet {
        WordSet {
            lists: Lists::One(words),
            index: std::sync::OnceLock::new(),
        }
    }

    /// The words of several lists, such as the function words and the headline verbs
    /// that both end a name.
    pub const fn union(lists: &'static [&'static [&'static str]]) -> WordSet {
        WordSet {
            lists: Lists::Many(lists),
            index: std::sync::OnceLock::new(),
        }
    }

    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        let index = self.index.get_or_init(|| WordIndex::new(&self.lists));
        let bytes = word.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return false;
        };
        index
            .shapes
            .get(bytes.len().min(LONGEST_SHAPE))
            .is_some_and(|shape| has_byte(&shape.first, first) && has_byte(&shape.last, last))
            && index.set.contains(word)
    }
}

impl WordIndex {
    fn new(lists: &Lists) -> WordIndex {
        let longest = lists.words().map(|w| w.len().min(LONGEST_SHAPE)).max();
        let mut shapes = vec![Shape::default(); longest.map_or(0, |l| l + 1)];
        for word in lists.words() {
            let bytes = word.as_bytes();
            if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
                let shape = &mut shapes[bytes.len().min(LONGEST_SHAPE)];
                add_byte(&mut shape.first, first);
                add_byte(&mut shape.last, last);
            }
        }
        WordIndex {
            shapes,
            set: lists.words().collect(),
        }
    }
}

/// A multiplicative hasher for short keys (the one rustc uses, FxHash).
#[derive(Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

const FAST_HASH_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FAST_HASH_SEED);
    }
}

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FastHasher`]s, for hash maps keyed by short strings.
pub type FastHashBuilder = std::hash::BuildHasherDefault<FastHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let text = "Korea’s Yeo Han-koo met U.S. officials (R&D) on Korea–U.S. ties. End.";
        let words: Vec<&str> = tokenize(text).iter().map(|t| t.text(text)).collect();
        assert_eq!(
            words,
            [
                "Korea",
                "’",
                "s",
                "Yeo",
                "Han-koo",
                "met",
                "U.S.",
                "officials",
                "(",
                "R&D",
                ")",
                "on",
                "Korea–U.S.",
                "ties",
                ".",
                "End",
                "."
            ]
        );
    }

    /// Where a word ends and whether the next token is joined to it, for every kind of
    /// byte that may follow an ASCII word: the fast path decides some, the general path
    /// the rest. A token after a line break is marked `|`.
    #[test]
    fn word_ends() {
        let render = |text: &str| {
            tokenize(text)
                .iter()
                .map(|t| {
                    let mark = if t.joined_to_previous { "" } else { "|" };
                    format!("{mark}{}", t.text(text))
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let cases = [
            ("ab cd", "|ab cd"),
            ("ab\tcd", "|ab cd"),
            ("ab\ncd", "|ab |cd"),
            ("ab\r\n cd", "|ab |cd"),
            ("ab,cd", "|ab , cd"),
            ("ab-cd 9am", "|ab-cd 9am"),
            ("ab- cd", "|ab - cd"),
            ("ab.cd", "|ab . cd"),
            ("U.S. talks", "|U.S. talks"),
            ("R&D", "|R&D"),
            ("ab's cd", "|ab ' s cd"),
            ("O'Brien", "|O'Brien"),
            ("Šefčovič abé cd", "|Šefčovič abé cd"),
            ("ab\u{a0}cd", "|ab cd"),
            ("ab\u{2028}cd", "|ab |cd"),
            ("ab–cd", "|ab–cd"),
            ("ab’s", "|ab ’ s"),
            ("ab", "|ab"),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "in {text:?}");
        }
    }

    #[test]
    fn word_sets() {
        static SET: WordSet = WordSet::new(&[
            "Minister",
            "Kim",
            "Secretary-General",
            "of",
            "Commissioner-for-Trade-and-Security",
        ]);
        let cases = [
            ("Commissioner-for-Trade-and-Security", true),
            ("Commissioner-for-Trade-and-Economic-Security", false),
            ("Commissioner-for-Trade-and-Securitx", false),
            ("Mister", false),
            ("Monster", false),
            ("Kin", false),
            ("Minister", true),
            ("Kim", true),
            ("Secretary-General", true),
            ("of", true),
            ("minister", false),
            ("Ministers", false),
            ("Ki", false),
            ("", false),
            ("Zebra", false),
            ("Šefčovič", false),
        ];
        for (word, expected) in cases {
            assert_eq!(SET.contains(word), expected, "{word:?}");
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal_value("52nd"), Some(52));
        assert_eq!(ordinal_value("Third"), Some(3));
        assert_eq!(ordinal_value("2025"), None);
        assert_eq!(ordinal_value("nd"), None);
    }

    proptest::proptest! {
        /// Every byte value, in runs long enough to cross several eight-byte chunks.
        #[test]
        fn ascii_runs_end_and_start_where_a_byte_by_byte_scan_does(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::sample::select(b"az09AZ".to_vec()),
                    1 => proptest::num::u8::ANY,
                ],
                0..40,
            ),
            at in 0usize..40,
        ) {
            let at = at.min(bytes.len());
            for run in [AsciiRun::LettersAndDigits, AsciiRun::Letters, AsciiRun::Digits] {
                let end = at + bytes[at..].iter().take_while(|&&b| run.has(b)).count();
                proptest::prop_assert_eq!(ascii_run_end(&bytes, at, run), end, "{:?}", run);
                let start = at - bytes[..at].iter().rev().take_while(|&&b| run.has(b)).count();
                proptest::prop_assert_eq!(ascii_run_start(&bytes, at, run), start, "{:?}", run);
            }
        }
    }

    #[test]
    fn ascii_runs_stop_at_each_neighbour_of_the_ranges() {
        for stop in [
            b'/', b':', b'@', b'[', b'`', b'{', 0x7F, 0x80, 0xC3, 0xFF, b' ', 0,
        ] {
            for at in 0..14 {
                let mut bytes = b"aZ09aZ09aZ09aZ".to_vec();
                bytes[at] = stop;
                let run = AsciiRun::LettersAndDigits;
                assert_eq!(ascii_run_end(&bytes, 0, run), at, "{stop:#x} at {at}");
                assert_eq!(
                    ascii_run_start(&bytes, 14, run),
                    at + 1,
                    "{stop:#x} at {at}"
                );
            }
        }
        assert_eq!(ascii_run_end(b"abcdefgh1234", 0, AsciiRun::Letters), 8);
        assert_eq!(ascii_run_start(b"abcdefgh1234", 12, AsciiRun::Digits), 8);
    }
}
