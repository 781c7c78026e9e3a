//! Normalisation of text for matching: dashes, periods in abbreviations, quotes, case.
//!
//! Knowledge-base names and article text go through the same [`normalize_into`], so
//! `Korea–U.S.`, `Korea-US` and `Korea–US` compare equal. The normalised text keeps a
//! map back to original byte offsets, so matches are reported on the original text.

/// Text prepared for matching, with a map back to original byte offsets.
#[derive(Debug, Default)]
pub struct NormalizedText {
    pub text: String,
    /// Where each piece of the normalised text came from, sorted: a run copied
    /// unchanged, or one mapped character. Most text is long unchanged runs, so this
    /// is far smaller than a map per byte.
    pieces: Vec<Piece>,
    original_len: usize,
}

#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Offset of the piece in the normalised text.
    normalized: u32,
    /// Offset of its first character in the original text.
    original: u32,
    /// Whether the piece is a run copied byte for byte (else one mapped character,
    /// every byte of which maps to the character's start).
    copied: bool,
}

impl NormalizedText {
    pub fn new(original: &str) -> NormalizedText {
        let mut normalized = NormalizedText::default();
        normalize_into(original, &mut normalized);
        normalized
    }

    /// The original offset of the character that produced normalised byte `at`; the
    /// end maps to the end. A dropped character (a period in `U.S.`) is therefore
    /// included in a match that ends right before the next kept character.
    fn to_original(&self, at: usize) -> usize {
        if at >= self.text.len() {
            return self.original_len;
        }
        let index = self
            .pieces
            .partition_point(|piece| piece.normalized as usize <= at);
        match index.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(piece) if piece.copied => {
                piece.original as usize + (at - piece.normalized as usize)
            }
            Some(piece) => piece.original as usize,
            None => 0,
        }
    }

    /// A cursor that maps original offsets, asked in increasing order, to normalised
    /// ones.
    pub fn forward_map(&self) -> ForwardMap<'_> {
        ForwardMap {
            normalized: self,
            piece: 0,
        }
    }

    /// The original byte range of the normalised range `start..end`.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.to_original(start), self.to_original(end))
    }
}

/// Maps original offsets to normalised ones, walking the pieces once for offsets
/// asked in increasing order.
pub struct ForwardMap<'a> {
    normalized: &'a NormalizedText,
    piece: usize,
}

impl ForwardMap<'_> {
    /// The normalised offset of the character starting at original byte `at`, or
    /// `None` if normalisation dropped it (a period in `U.S.`). An offset before the
    /// one asked last may be answered wrongly.
    pub fn to_normalized(&mut self, at: usize) -> Option<usize> {
        let pieces = &self.normalized.pieces;
        while pieces
            .get(self.piece + 1)
            .is_some_and(|next| next.original as usize <= at)
        {
            self.piece += 1;
        }
        let piece = pieces.get(self.piece)?;
        let offset = at.checked_sub(piece.original as usize)?;
        if !piece.copied {
            return (offset == 0).then_some(piece.normalized as usize);
        }
        let piece_end = pieces
            .get(self.piece + 1)
            .map_or(self.normalized.text.len(), |next| next.normalized as usize);
        let normalized = piece.normalized as usize + offset;
        (normalized < piece_end).then_some(normalized)
    }
}

/// Normalises one string for comparison, e.g. a knowledge-base alias.
pub fn normalize(text: &str) -> String {
    NormalizedText::new(text).text
}

/// Maps one character other than a period to its matching form.
fn map_char(c: char) -> char {
    match c {
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' | '\u{FE63}'
        | '\u{FF0D}' => '-',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => '"',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{2009}' => ' ',
        _ => c,
    }
}

/// Whether the period at byte `at` belongs to an initialism such as `U.S.` or `U.K.`:
/// it follows a single capital letter, and either another capital follows it or the
/// capital itself came after such a period. `S. Korea` keeps its period.
fn is_abbreviation_period(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    if at == 0 || !bytes[at - 1].is_ascii_uppercase() {
        return false;
    }
    let before_prev = text.get(..at - 1).and_then(|s| s.chars().next_back());
    if before_prev.is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    let next_is_capital = bytes.get(at + 1).is_some_and(u8::is_ascii_uppercase);
    next_is_capital || before_prev == Some('.')
}

/// The first byte at or after `at` that is a period or not ASCII, or the end. Eight
/// bytes are tested at a time, as most text has neither; a word that may hold one is
/// then searched byte by byte.
fn plain_ascii_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte of `word ^ periods` is zero where `word` has a period.
        let periods = word ^ (ONES * u64::from(b'.'));
        let may_have_period = periods.wrapping_sub(ONES) & !periods & HIGH_BITS != 0;
        if (word & HIGH_BITS != 0 || may_have_period)
            && let Some(offset) = chunk.iter().position(|&b| b >= 0x80 || b == b'.')
        {
            return at + offset;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte >= 0x80 || byte == b'.' {
            break;
        }
        at += 1;
    }
    at
}

/// Normalises `original` into `out`, replacing its previous content.
pub fn normalize_into(original: &str, out: &mut NormalizedText) {
    out.text.clear();
    out.pieces.clear();
    out.text.reserve(original.len());
    out.original_len = original.len();
    // Runs of ASCII other than periods are copied as they are; only periods and
    // non-ASCII characters are looked at one by one.
    let bytes = original.as_bytes();
    let mut copy_from = 0;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte < 0x80 && byte != b'.' {
            at = plain_ascii_end(bytes, at + 1);
            continue;
        }
        copy_unchanged(original, copy_from, at, out);
        if byte == b'.' {
            if !is_abbreviation_period(original, at) {
                // A kept period is one byte copied as it is.
                copy_unchanged(original, at, at + 1, out);
            }
            at += 1;
        } else {
            // `at` is on a character boundary: it only ever moves past whole characters.
            let Some(c) = original.get(at..).and_then(|s| s.chars().next()) else {
                break;
            };
            let mapped = map_char(c);
            if mapped == c {
                copy_unchanged(original, at, at + c.len_utf8(), out);
            } else {
                out.pieces.push(Piece {
                    normalized: out.text.len() as u32,
                    original: at as u32,
                    copied: false,
                });
                out.text.push(mapped);
            }
            at += c.len_utf8();
        }
        copy_from = at;
    }
    copy_unchanged(original, copy_from, bytes.len().max(copy_from), out);
}

/// Appends `original[from..to]` unchanged, each byte mapping to itself; a run that
/// continues the previous copied run extends it.
fn copy_unchanged(original: &str, from: usize, to: usize, out: &mut NormalizedText) {
    let Some(run) = original.get(from..to).filter(|run| !run.is_empty()) else {
        return;
    };
    let continues = out.pieces.last().is_some_and(|last| {
        last.copied && last.original as usize + (out.text.len() - last.normalized as usize) == from
    });
    if !continues {
        out.pieces.push(Piece {
            normalized: out.text.len() as u32,
            original: from as u32,
            copied: true,
        });
    }
    out.text.push_str(run);
}

/// Folds a Latin letter with a diacritic to its base letters, for keys:
/// `Šefčovič` → `sefcovic`, `Bjørn` → `bjorn`.
pub fn fold_diacritic(c: char) -> Option<&'static str> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "i",
        'ķ' | 'Ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ŕ' | 'ř' | 'Ŕ' | 'Ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'ș' | 'Ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'Ţ' | 'Ť' | 'ț' | 'Ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'þ' | 'Þ' => "th",
        _ => return None,
    };
    Some(folded)
}

/// A stable key for a name: lowercase ASCII words joined by hyphens, with diacritics
/// folded, periods of initialisms dropped (`U.S.` → `us`) and `&` read as `and`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    // Names are mostly ASCII: bytes are read one by one and only the rest decoded.
    let bytes = name.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte < 0x80 {
            at += 1;
            match byte {
                b'.' | b'\'' => {}
                b'&' => {
                    if !out.is_empty() {
                        out.push('-');
                    }
                    out.push_str("and");
                    pending_hyphen = true;
                }
                _ if byte.is_ascii_alphanumeric() => {
                    if pending_hyphen && !out.is_empty() {
                        out.push('-');
                    }
                    pending_hyphen = false;
                    out.push(char::from(byte.to_ascii_lowercase()));
                }
                _ => pending_hyphen = true,
            }
            continue;
        }
        // `at` is on a character boundary: it only ever moves past whole characters.
        let Some(c) = name.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        at += c.len_utf8();
        if c == '\u{2019}' {
            continue;
        }
        match fold_diacritic(c) {
            Some(piece) => {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push_str(piece);
            }
            None => pending_hyphen = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ascii_runs_end_where_a_byte_by_byte_search_ends() {
        let texts = [
            "",
            "plain",
            "exactly 8",
            "sixteen letters!",
            "a longer run of plain text before the U.S. and after it",
            "no period here but a dash – later on in the run",
            "/-/-/-/-/-/-/-/-/-/-/-/-.",
            "Korea’s exports",
            "........",
        ];
        for text in texts {
            let bytes = text.as_bytes();
            for at in 0..=bytes.len() {
                let expected = bytes[at..]
                    .iter()
                    .position(|&b| b >= 0x80 || b == b'.')
                    .map_or(bytes.len(), |n| at + n);
                assert_eq!(plain_ascii_end(bytes, at), expected, "{text:?} from {at}");
            }
        }
    }

    #[test]
    fn surface_variants_normalise_alike() {
        let cases = [
            ("Korea–U.S.", "Korea-US"),
            ("Korea-US", "Korea-US"),
            ("Korea–US", "Korea-US"),
            ("Korea-U.S.", "Korea-US"),
            ("U.K.", "UK"),
            ("S. Korea", "S. Korea"),
            ("Korea’s", "Korea's"),
            ("“deal”", "\"deal\""),
            ("end. Next", "end. Next"),
            ("J.K. Kim", "JK Kim"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "normalising {input:?}");
        }
    }

    #[test]
    fn ranges_map_back_including_dropped_periods() {
        let original = "the U.S. and Korea–UK";
        let normalized = NormalizedText::new(original);
        let start = normalized.text.find("US").unwrap();
        let (a, b) = normalized.original_range(start, start + 2);
        assert_eq!(&original[a..b], "U.S.");
        let start = normalized.text.find("Korea-UK").unwrap();
        let (a, b) = normalized.original_range(start, start + "Korea-UK".len());
        assert_eq!(&original[a..b], "Korea–UK");
    }

    #[test]
    fn every_offset_maps_to_its_character() {
        let original = "U.S.–EU talks: “é” A.B. x\u{00A0}y. End.";
        let normalized = NormalizedText::new(original);
        assert_eq!(normalized.text, "US-EU talks: \"é\" AB x y. End.");
        let mapped: Vec<usize> = (0..=normalized.text.len())
            .map(|i| normalized.to_original(i))
            .collect();
        expect_test::expect![[r#"
            [0, 2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 25, 26, 28, 30, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41]
        "#]]
        .assert_eq(&format!("{mapped:?}\n"));
    }

    #[test]
    fn slugs() {
        let cases = [
            ("Maroš Šefčovič", "maros-sefcovic"),
            ("Bjørn Berge", "bjorn-berge"),
            ("Korea–U.S. Standards Forum", "korea-us-standards-forum"),
            (
                "Korea Hydro & Nuclear Power",
                "korea-hydro-and-nuclear-power",
            ),
            (
                "Ministry of Trade, Industry and Resources",
                "ministry-of-trade-industry-and-resources",
            ),
            ("Yeo Han-koo", "yeo-han-koo"),
            ("  ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(slug(input), expected, "slug of {input:?}");
        }
    }

    /// The slug rules read one character at a time, as the module comment states them.
    fn slug_by_characters(name: &str) -> String {
        let mut out = String::new();
        let mut pending_hyphen = false;
        for c in name.chars() {
            if c == '.' || c == '\'' || c == '\u{2019}' {
                continue;
            }
            let piece = if c == '&' {
                Some("and")
            } else if c.is_ascii() {
                None
            } else {
                fold_diacritic(c)
            };
            if let Some(piece) = piece {
                if c == '&' {
                    pending_hyphen = true;
                }
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = c == '&';
                out.push_str(piece);
            } else if c.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c.to_ascii_lowercase());
            } else {
                pending_hyphen = true;
            }
        }
        out
    }

    #[test]
    fn slugs_read_bytes_as_the_rules_read_characters() {
        let names = [
            "",
            "&",
            "& Co",
            "R&D",
            "AT & T",
            "&&x&",
            "U.S.",
            "O'Brien",
            "Korea’s",
            "’s-Hertogenbosch",
            "Šefčovič & Ørsted",
            "Łódź – Kraków",
            "中国 China",
            "  -- ",
            "Æsir Þór œuvre ß",
            "x\u{a0}y\u{2011}z",
            "Ministry of Trade, Industry and Resources (MOTIR)",
        ];
        for name in names {
            assert_eq!(slug(name), slug_by_characters(name), "slug of {name:?}");
        }
    }
}
