//! Acronym definitions after Schwartz & Hearst.
//!
//! Two shapes: `long form (SHORT)` and `SHORT (long form)`. A parenthesis may add more
//! after a comma, `(MOTIR, Minister JK Kim)`; only its first item is a candidate. The
//! long form is the shortest span before the parenthesis that the short form
//! abbreviates, found by matching the short form's characters right to left, its first
//! character at the start of a word.

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub short: TextRange,
    pub long: TextRange,
}

/// Every acronym definition in `text`, in text order.
pub fn find_definitions(text: &str) -> Vec<Definition> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for open in memchr::memchr_iter(b'(', bytes) {
        let inner_start = open + 1;
        let Some(close) = find_close(bytes, inner_start) else {
            continue;
        };
        let inner = &text[inner_start..close];
        let first_item_len = inner
            .find(", ")
            .into_iter()
            .chain(inner.find("; "))
            .min()
            .unwrap_or(inner.len());
        let item = &inner[..first_item_len];
        let trimmed = item.trim();
        let item_start = inner_start + (item.len() - item.trim_start().len());
        if is_short_form(trimmed) {
            let short = TextRange::new(item_start, item_start + trimmed.len());
            if let Some(long) = long_form_before(text, open, trimmed) {
                found.push(Definition { short, long });
            }
        } else if let Some(definition) = reverse_definition(text, open, item_start, trimmed) {
            found.push(definition);
        }
    }
    found
}

/// The closing parenthesis on the same line, with no other parenthesis in between.
fn find_close(bytes: &[u8], from: usize) -> Option<usize> {
    for (offset, &b) in bytes.get(from..)?.iter().enumerate() {
        match b {
            b')' => return Some(from + offset),
            b'(' | b'\n' | b'\r' => return None,
            _ if offset > 200 => return None,
            _ => {}
        }
    }
    None
}

/// A short form: one word of 2 to 10 characters, starting with a letter or digit, with
/// at least two letters, mostly capitals (`TRQs` and `IoT` pass, `Yonhap` does not).
pub fn is_short_form(candidate: &str) -> bool {
    let chars = candidate.chars().count();
    if !(2..=10).contains(&chars) || candidate.chars().any(char::is_whitespace) {
        return false;
    }
    let Some(first) = candidate.chars().next() else {
        return false;
    };
    if !first.is_alphanumeric() {
        return false;
    }
    let upper = candidate.chars().filter(|c| c.is_uppercase()).count();
    let lower = candidate.chars().filter(|c| c.is_lowercase()).count();
    upper >= 2 && upper >= lower
}

/// The strict shape for `SHORT (long form)`: capitals and digits only, as a word in
/// running text is otherwise too often a plain name.
fn is_strict_short_form(candidate: &str) -> bool {
    is_short_form(candidate)
        && candidate
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&' || c == '-')
}

/// Characters that end the window a long form may come from.
fn is_window_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | ':' | '(' | ')' | '[' | ']' | '\n' | '\r' | '—'
    )
}

/// Finds the long form of `short` in the words before the parenthesis at `open`.
fn long_form_before(text: &str, open: usize, short: &str) -> Option<TextRange> {
    let before = text.get(..open)?;
    let letters = short.chars().filter(|c| c.is_alphanumeric()).count();
    let max_words = letters + 5;
    // Walk back over at most `max_words` words, stopping at a sentence break.
    let mut window_start = before.len();
    let mut words = 0;
    let mut in_word = false;
    for (offset, c) in before.char_indices().rev() {
        if is_window_break(c) && !(c == '.' && is_initialism_period(before, offset)) {
            break;
        }
        if c.is_whitespace() {
            if in_word {
                words += 1;
                in_word = false;
                if words >= max_words {
                    break;
                }
            }
        } else {
            in_word = true;
        }
        window_start = offset;
    }
    let window = before.get(window_start..)?;
    let trimmed_end = window
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ','));
    let start = match_backwards(short, trimmed_end)?;
    let long = TextRange::new(window_start + start, window_start + trimmed_end.len());
    let long_text = text.get(long.start..long.end)?;
    if long_text.chars().count() <= short.chars().count() || long_text.contains(short) {
        return None;
    }
    Some(long)
}

/// Whether the period at `offset` is inside an initialism like `U.S.`.
fn is_initialism_period(text: &str, offset: usize) -> bool {
    let prev = text.get(..offset).and_then(|s| s.chars().next_back());
    let next = text.get(offset + 1..).and_then(|s| s.chars().next());
    prev.is_some_and(|c| c.is_ascii_uppercase())
        && next.is_some_and(|c| c.is_ascii_uppercase() || c == ' ')
        && text
            .get(..offset)
            .and_then(|s| s.chars().rev().nth(1))
            .is_none_or(|c| !c.is_alphanumeric() || c == '.')
}

/// The Schwartz & Hearst match: the start (byte offset in `long`) of the shortest
/// suffix of `long` that `short` abbreviates, or `None`.
fn match_backwards(short: &str, long: &str) -> Option<usize> {
    let short_chars: Vec<char> = short.chars().collect();
    let long_chars: Vec<(usize, char)> = long.char_indices().collect();
    let mut long_index = long_chars.len() as isize - 1;
    let mut short_index = short_chars.len() as isize - 1;
    while short_index >= 0 {
        let wanted = short_chars[short_index as usize];
        if !wanted.is_alphanumeric() {
            short_index -= 1;
            continue;
        }
        let wanted = lower(wanted);
        loop {
            if long_index < 0 {
                return None;
            }
            let (_, c) = long_chars[long_index as usize];
            let at_word_start =
                long_index == 0 || !long_chars[long_index as usize - 1].1.is_alphanumeric();
            if lower(c) == wanted && (short_index > 0 || at_word_start) {
                break;
            }
            long_index -= 1;
        }
        long_index -= 1;
        short_index -= 1;
    }
    // The first character matched at the start of a word; the long form begins at the
    // start of the whitespace-delimited word holding it, unless a dash joins that word
    // to another name (`Korea–Gulf Cooperation Council (GCC)` defines `Gulf Cooperation
    // Council`).
    let mut start = (long_index + 1) as usize;
    let after_dash = start > 0
        && matches!(
            long_chars[start - 1].1,
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}'
        );
    while !after_dash && start > 0 && !long_chars[start - 1].1.is_whitespace() {
        start -= 1;
    }
    long_chars.get(start).map(|&(offset, _)| offset)
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// `SHORT (long form)`: the word before the parenthesis is a strict short form and the
/// parenthesis holds several words it abbreviates from their very start.
fn reverse_definition(
    text: &str,
    open: usize,
    item_start: usize,
    item: &str,
) -> Option<Definition> {
    if item.split_whitespace().count() < 2 {
        return None;
    }
    let before = text.get(..open)?.trim_end();
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .map(|(offset, c)| offset + c.len_utf8())
        .unwrap_or(0);
    let short = before.get(word_start..)?;
    if !is_strict_short_form(short) {
        return None;
    }
    if match_backwards(short, item)? != 0 {
        return None;
    }
    Some(Definition {
        short: TextRange::new(word_start, word_start + short.len()),
        long: TextRange::new(item_start, item_start + item.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> String {
        find_definitions(text)
            .iter()
            .map(|d| {
                format!(
                    "{} = {}",
                    &text[d.short.start..d.short.end],
                    &text[d.long.start..d.long.end]
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn definition_shapes() {
        let cases = [
            (
                "the Ministry of Foreign Affairs (MOFA) said",
                "MOFA = Ministry of Foreign Affairs",
            ),
            (
                "the Ministry of Oceans and Fisheries (MOF, Minister Lee Ha-na) met",
                "MOF = Ministry of Oceans and Fisheries",
            ),
            (
                "a green steel tariff rate quota (TRQ) regime",
                "TRQ = tariff rate quota",
            ),
            (
                "the Committee on Budgets, Finance and Audit (BFA) chair",
                "BFA = Budgets, Finance and Audit",
            ),
            (
                "the U.S. Federal Communications Commission (FCC)",
                "FCC = Federal Communications Commission",
            ),
            (
                "the Japan–Korea Digital Partnership Agreement (DPA).",
                "DPA = Digital Partnership Agreement",
            ),
            (
                "the Korea–Gulf Cooperation Council (GCC) Free Trade Agreement",
                "GCC = Gulf Cooperation Council",
            ),
            (
                "the Asia-Pacific Economic Cooperation (APEC) forum",
                "APEC = Asia-Pacific Economic Cooperation",
            ),
            (
                "joined IPEF (Indo-Pacific Economic Framework) talks",
                "IPEF = Indo-Pacific Economic Framework",
            ),
            ("partners (including Japan) and", ""),
            ("news (Reuters)", ""),
            ("new sectors (AI, chips, and batteries)", ""),
            ("in M.AX (Manufacturing AX) programs", ""),
            ("about 300 dollars ($440)", ""),
            ("unclosed (ABC", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "in {text:?}");
        }
    }
}
