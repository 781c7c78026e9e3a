//! The gazetteer: knowledge-base names and aliases matched leftmost-longest.
//!
//! Names are normalised (see [`super::normalize`]) on both sides, so dash and period
//! variants match alike. Matches must start and end at word boundaries of the original
//! text. Case is relaxed only where that is safe: multi-word names other than
//! organisations' match in any case when the match starts with a capital (`Korea-US free
//! trade agreement`, but not `Korea zinc` for `Korea Zinc`), and mixed-case names match
//! in capitals (`WASHINGTON` datelines), but acronyms match exactly (`US` is never `us`).

use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous::{Builder as NfaBuilder, NFA};
use aho_corasick::{Anchored, MatchKind};

use super::EntityType;
use super::normalize::{NormalizedText, normalize};
use super::tokens::{FastHashBuilder, Token};
use crate::text::TextRange;

/// What a gazetteer name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub ty: EntityType,
    pub key: Option<String>,
    /// The normalised name as listed.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazetteerMatch {
    pub range: TextRange,
    /// Index of the target, see [`Gazetteer::target`].
    pub target: usize,
}

/// One automaton over some of the names, with the target of each of its patterns.
///
/// A match must start where a word of the original text may start, and the tokens
/// already say where that is: at each token, and after each joiner inside a word
/// (`U.S.` in `Korea–U.S.`). The automaton is anchored and walked only from there,
/// and only where a name may start with the text's next few bytes, which a table of
/// 32 KB answers (one of 2 KB for a word in lower case, since few names start in
/// lower case). An anchored walk needs no failure transitions, so the
/// compact contiguous NFA serves: a third of a megabyte for the built-in names, where
/// the DFA an unanchored search over every byte wants took six and spent most of its
/// time waiting for memory.
struct Matcher {
    automaton: NFA,
    anchored_start: StateID,
    prefixes: AllNamesFilter,
    /// The first bytes of the names a match starting with a lower-case letter may be
    /// of: by [`case_is_acceptable`], only names that do not start with a capital.
    /// Most words of running text start in lower case, and few names do.
    lower_case_prefixes: LowerCaseNamesFilter,
    /// Whether some name starts with a character other than a letter or digit, which
    /// can start a match anywhere: then every character is a possible start.
    starts_anywhere: bool,
    targets: Vec<usize>,
}

/// Which first bytes the names have, as a set that may answer yes wrongly but never
/// no wrongly: the first four bytes of names of four bytes or more, and the whole of
/// shorter names. Names with a lower-case letter may match in another case and are
/// kept with ASCII case folded; names without one (`US`, `IT`) match only as written
/// and are kept as they are, so `us` and `it` in running text pass by quickly.
struct PrefixFilter<const WORDS: usize> {
    /// A bit per hashed key, in four tables of [`PrefixFilter::TABLE_BITS`] bits: long
    /// keys as written, long keys folded, short keys as written, short keys folded.
    bits: Box<[u64; WORDS]>,
    has_short: bool,
    /// No name at all, so nothing may start anywhere.
    is_empty: bool,
    /// `0x20` in every byte where case is folded, else nothing.
    fold: u32,
}

/// The filter of every name: 8 KB per table, so that few of a thousand names share a
/// bit.
type AllNamesFilter = PrefixFilter<4096>;
/// The filter of the few names that start in lower case: 512 bytes per table, so
/// that looking up the many words in lower case costs few cache misses.
type LowerCaseNamesFilter = PrefixFilter<256>;

impl<const WORDS: usize> PrefixFilter<WORDS> {
    const LONG_EXACT: usize = 0;
    const LONG_FOLDED: usize = 1;
    const SHORT_EXACT: usize = 2;
    const SHORT_FOLDED: usize = 3;
    /// Bits of one table: each key's hash picks one of them.
    const TABLE_BITS: u32 = (WORDS * 64 / 4).trailing_zeros();

    fn new<'a>(names: impl Iterator<Item = &'a str>, fold_case: bool) -> PrefixFilter<WORDS> {
        let mut filter = PrefixFilter {
            bits: Box::new([0; WORDS]),
            has_short: false,
            is_empty: true,
            fold: if fold_case { 0x2020_2020 } else { 0 },
        };
        for name in names {
            let bytes = name.as_bytes();
            if bytes.len() < 2 {
                continue;
            }
            let mut padded = [0u8; 4];
            let len = bytes.len().min(4);
            padded[..len].copy_from_slice(&bytes[..len]);
            let word = u32::from_le_bytes(padded);
            let folded = fold_case && name.chars().any(char::is_lowercase);
            let key = if folded { word | filter.fold } else { word };
            let slot = match (len, folded) {
                (4, false) => Self::slot(Self::LONG_EXACT, key),
                (4, true) => Self::slot(Self::LONG_FOLDED, key),
                (short, false) => Self::slot(Self::SHORT_EXACT, Self::short_key(key, short)),
                (short, true) => Self::slot(Self::SHORT_FOLDED, Self::short_key(key, short)),
            };
            filter.has_short |= len < 4;
            filter.is_empty = false;
            filter.bits[slot / 64] |= 1 << (slot % 64);
        }
        filter
    }

    /// A key of the first `len` (2 or 3) bytes of `word`, with the length in it so
    /// that `ab` and `ab\0` differ.
    fn short_key(word: u32, len: usize) -> u32 {
        let mask = if len == 2 { 0xFFFF } else { 0xFF_FFFF };
        (word & mask) | (len as u32) << 28
    }

    /// The bit of `key` in table `table`.
    fn slot(table: usize, key: u32) -> usize {
        let hash = key.wrapping_mul(0x9E37_79B1) >> (32 - Self::TABLE_BITS);
        (table << Self::TABLE_BITS | hash as usize) % (WORDS * 64)
    }

    fn has(&self, table: usize, key: u32) -> bool {
        let slot = Self::slot(table, key);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }

    /// Whether some name may start with `rest`, the text from a possible start on.
    /// `| 0x20` maps both cases of a letter to one value, and any other byte to the
    /// same value for the text as for the names.
    fn may_start(&self, rest: &[u8]) -> bool {
        if self.is_empty {
            return false;
        }
        let Some(&first_four) = rest.first_chunk::<4>() else {
            return true;
        };
        let word = u32::from_le_bytes(first_four);
        let folded = word | self.fold;
        if self.has(Self::LONG_EXACT, word) || self.has(Self::LONG_FOLDED, folded) {
            return true;
        }
        self.has_short
            && [2, 3].into_iter().any(|len| {
                self.has(Self::SHORT_EXACT, Self::short_key(word, len))
                    || self.has(Self::SHORT_FOLDED, Self::short_key(folded, len))
            })
    }
}

pub struct Gazetteer {
    /// One automaton over every name, matching ASCII letters in any case; each match
    /// is then held to the case rule of its name. Names without lower-case letters
    /// (`US`) must match exactly, which keeps `us` in `business` from being a match.
    matcher: Option<Matcher>,
    targets: Vec<Target>,
    by_name: HashMap<String, usize, FastHashBuilder>,
}

impl Gazetteer {
    /// Builds the automaton over `(surface, type, key)` forms. The first form listed for
    /// a normalised name wins, so callers list preferred readings first.
    pub fn new<I>(forms: I) -> Gazetteer
    where
        I: IntoIterator<Item = (String, EntityType, Option<String>)>,
    {
        let mut targets = Vec::new();
        let mut by_name = HashMap::default();
        for (surface, ty, key) in forms {
            let name = normalize(surface.trim());
            if name.chars().count() < 2 || by_name.contains_key(&name) {
                continue;
            }
            by_name.insert(name.clone(), targets.len());
            targets.push(Target { ty, key, name });
        }
        Gazetteer {
            matcher: Matcher::new(&targets, (0..targets.len()).collect(), true),
            targets,
            by_name,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    pub fn target(&self, index: usize) -> &Target {
        &self.targets[index]
    }

    /// The target listed under exactly this (normalised) name, if any.
    pub fn lookup(&self, surface: &str) -> Option<&Target> {
        self.by_name
            .get(&normalize(surface))
            .map(|&index| &self.targets[index])
    }

    /// Every acceptable match, overlapping ones included; the caller decides between
    /// them (longest first). `tokens` are the tokens of `original`.
    pub fn find(
        &self,
        original: &str,
        normalized: &NormalizedText,
        tokens: &[Token],
    ) -> Vec<GazetteerMatch> {
        let mut found = Vec::new();
        if let Some(matcher) = &self.matcher {
            self.find_with(matcher, original, normalized, tokens, &mut found);
        }
        // Text order, longer first at the same end.
        found.sort_unstable_by_key(|m| (m.range.end, m.range.start, m.target));
        found
    }

    fn find_with(
        &self,
        matcher: &Matcher,
        original: &str,
        normalized: &NormalizedText,
        tokens: &[Token],
        found: &mut Vec<GazetteerMatch>,
    ) {
        let bytes = normalized.text.as_bytes();
        let walk_from = |start: usize, found: &mut Vec<GazetteerMatch>| {
            let rest = bytes.get(start..).unwrap_or(&[]);
            let may_start = match rest.first() {
                Some(first) if first.is_ascii_lowercase() => {
                    matcher.lower_case_prefixes.may_start(rest)
                }
                _ => matcher.prefixes.may_start(rest),
            };
            if may_start {
                self.walk(matcher, original, normalized, start, found);
            }
        };
        if matcher.starts_anywhere {
            for (start, _) in normalized.text.char_indices() {
                walk_from(start, found);
            }
            return;
        }
        let mut to_normalized = normalized.forward_map();
        for token in tokens {
            // A word's own start is the start of its first run; only a word with
            // joiners has others.
            if !token.is_word() || !token.has_joiner() {
                if let Some(start) = to_normalized.to_normalized(token.start) {
                    walk_from(start, found);
                }
                continue;
            }
            for (run_start, _) in token.runs(original) {
                if let Some(start) = to_normalized.to_normalized(run_start) {
                    walk_from(start, found);
                }
            }
        }
    }

    /// Follows the anchored automaton from normalised byte `start` until it dies,
    /// keeping the names that start there.
    fn walk(
        &self,
        matcher: &Matcher,
        original: &str,
        normalized: &NormalizedText,
        start: usize,
        found: &mut Vec<GazetteerMatch>,
    ) {
        let automaton = &matcher.automaton;
        let mut state = matcher.anchored_start;
        let bytes = normalized.text.as_bytes().get(start..).unwrap_or(&[]);
        for (end, &byte) in (start + 1..).zip(bytes) {
            state = automaton.next_state(Anchored::Yes, state, byte);
            if !automaton.is_special(state) {
                continue;
            }
            if automaton.is_dead(state) {
                break;
            }
            if !automaton.is_match(state) {
                continue;
            }
            for index in 0..automaton.match_len(state) {
                let pattern = automaton.match_pattern(state, index);
                // A state also holds the names that are suffixes of its path, which
                // start later and are found from their own start.
                if automaton.pattern_len(pattern) == end - start {
                    self.accept(
                        matcher,
                        pattern.as_usize(),
                        original,
                        normalized,
                        (start, end),
                        found,
                    );
                }
            }
        }
    }

    /// Keeps the match of `pattern` at normalised `start..end` if its case and its
    /// word boundaries in the original text allow it. Kept out of line: few walks
    /// reach a name, and the walk's loop stays small.
    #[inline(never)]
    fn accept(
        &self,
        matcher: &Matcher,
        pattern: usize,
        original: &str,
        normalized: &NormalizedText,
        (start, end): (usize, usize),
        found: &mut Vec<GazetteerMatch>,
    ) {
        let Some(&target_index) = matcher.targets.get(pattern) else {
            return;
        };
        let target = &self.targets[target_index];
        let Some(matched) = normalized.text.get(start..end) else {
            return;
        };
        if !case_is_acceptable(&target.name, target.ty, matched) {
            return;
        }
        let (start, end) = normalized.original_range(start, end);
        if start >= end || !is_word_boundary(original, start, end) {
            return;
        }
        found.push(GazetteerMatch {
            range: TextRange::new(start, end),
            target: target_index,
        });
    }
}

impl Matcher {
    fn new(targets: &[Target], indices: Vec<usize>, fold_case: bool) -> Option<Matcher> {
        if indices.is_empty() {
            return None;
        }
        let names = || indices.iter().map(|&i| targets[i].name.as_str());
        let automaton = NfaBuilder::new()
            .ascii_case_insensitive(fold_case)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(names())
            .ok()?;
        let anchored_start = automaton.start_state(Anchored::Yes).ok()?;
        let starts_anywhere =
            names().any(|name| name.chars().next().is_some_and(|c| !c.is_alphanumeric()));
        Some(Matcher {
            automaton,
            anchored_start,
            prefixes: PrefixFilter::new(names(), fold_case),
            lower_case_prefixes: PrefixFilter::new(
                names().filter(|name| !name.chars().next().is_some_and(char::is_uppercase)),
                fold_case,
            ),
            starts_anywhere,
            targets: indices,
        })
    }
}

/// Whether `start..end` in `text` neither starts nor ends inside a word.
pub fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    let first = text.get(start..).and_then(|s| s.chars().next());
    let last = text.get(..end).and_then(|s| s.chars().next_back());
    let joins = |outside: Option<char>, inside: Option<char>| match (outside, inside) {
        (Some(o), Some(i)) => o.is_alphanumeric() && i.is_alphanumeric(),
        _ => false,
    };
    !joins(before, first) && !joins(after, last)
}

/// The case rule described in the module comment.
fn case_is_acceptable(name: &str, ty: EntityType, matched: &str) -> bool {
    if name == matched {
        return true;
    }
    let name_has_lower = name.chars().any(|c| c.is_lowercase());
    if !name_has_lower {
        return false;
    }
    let matched_has_lower = matched.chars().any(|c| c.is_lowercase());
    if !matched_has_lower {
        // A capitalised dateline or heading; short words in capitals are too often
        // acronyms of something else.
        return matched.chars().filter(|c| c.is_alphabetic()).count() >= 4;
    }
    // An organisation's capitals are part of its name: in `U.S. steel` and `Korea zinc`
    // the words after the first are common nouns, not `U.S. Steel` or `Korea Zinc`. An
    // informal name listed in lower case may still be capitalised (`Unification
    // Ministry` for `unification ministry`).
    if ty == EntityType::Org
        && name
            .chars()
            .zip(matched.chars())
            .any(|(listed, written)| listed.is_uppercase() && written.is_lowercase())
    {
        return false;
    }
    let multi_word = name.contains(' ');
    let starts_upper = matched.chars().next().is_some_and(|c| c.is_uppercase());
    let name_starts_upper = name.chars().next().is_some_and(|c| c.is_uppercase());
    multi_word && (starts_upper || !name_starts_upper)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::normalize::slug;
    use crate::recognize::tokens::tokenize;

    fn gazetteer() -> Gazetteer {
        let forms = [
            ("Korea-U.S. FTA", EntityType::Agreement, "korus-fta"),
            ("Korea", EntityType::Place, "south-korea"),
            ("U.S.", EntityType::Place, "united-states"),
            ("US", EntityType::Place, "united-states"),
            (
                "Korea-US Free Trade Agreement",
                EntityType::Agreement,
                "korus-fta",
            ),
            ("Washington", EntityType::Place, "washington-dc"),
            ("U.S. Steel", EntityType::Org, "us-steel"),
            (
                "unification ministry",
                EntityType::Org,
                "ministry-of-unification",
            ),
        ];
        Gazetteer::new(
            forms
                .into_iter()
                .map(|(s, ty, key)| (s.to_owned(), ty, Some(key.to_owned()))),
        )
    }

    /// Renders the text with every accepted match bracketed and keyed.
    fn render(text: &str) -> String {
        let gazetteer = gazetteer();
        let normalized = NormalizedText::new(text);
        let mut found = gazetteer.find(text, &normalized, &tokenize(text));
        found.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
        found
            .iter()
            .map(|m| {
                let target = gazetteer.target(m.target);
                format!(
                    "[{}]{{{}}}",
                    &text[m.range.start..m.range.end],
                    target.key.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn variants_case_and_boundaries() {
        let cases = [
            (
                "the Korea–U.S. FTA",
                "[Korea–U.S. FTA]{korus-fta} [Korea]{south-korea} [U.S.]{united-states}",
            ),
            (
                "a Korea-US FTA deal",
                "[Korea-US FTA]{korus-fta} [Korea]{south-korea} [US]{united-states}",
            ),
            (
                "Korea–US FTA",
                "[Korea–US FTA]{korus-fta} [Korea]{south-korea} [US]{united-states}",
            ),
            (
                "Korea-U.S. FTA",
                "[Korea-U.S. FTA]{korus-fta} [Korea]{south-korea} [U.S.]{united-states}",
            ),
            (
                "the Korea-US free trade agreement",
                "[Korea-US free trade agreement]{korus-fta} [Korea]{south-korea} [US]{united-states}",
            ),
            ("let us go", ""),
            ("Korean firms and inter-Korean talks", ""),
            ("WASHINGTON -- officials", "[WASHINGTON]{washington-dc}"),
            (
                "the Unification Ministry said",
                "[Unification Ministry]{ministry-of-unification}",
            ),
            // A name listed in lower case is found from a word in lower case, which
            // only such names are looked up for.
            (
                "the unification ministry said",
                "[unification ministry]{ministry-of-unification}",
            ),
            (
                "Korea-unification ministry",
                "[Korea]{south-korea} [unification ministry]{ministry-of-unification}",
            ),
            ("USB sticks from the US.", "[US]{united-states}"),
            (
                "U.S. Steel cut jobs as U.S. steel imports fell",
                "[U.S. Steel]{us-steel} [U.S.]{united-states} [U.S.]{united-states}",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "in {text:?}");
        }
    }

    /// Every match of an unanchored, overlapping search over the whole normalised text
    /// that [`Gazetteer::accept`] keeps: what the walks from the tokens must find.
    fn find_by_unanchored_search(gazetteer: &Gazetteer, text: &str) -> Vec<GazetteerMatch> {
        let normalized = NormalizedText::new(text);
        let matcher = gazetteer.matcher.as_ref().expect("names");
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(
                matcher
                    .targets
                    .iter()
                    .map(|&i| gazetteer.targets[i].name.as_str()),
            )
            .expect("names build");
        let mut found = Vec::new();
        for m in automaton.find_overlapping_iter(normalized.text.as_str()) {
            gazetteer.accept(
                matcher,
                m.pattern().as_usize(),
                text,
                &normalized,
                (m.start(), m.end()),
                &mut found,
            );
        }
        found.sort_unstable_by_key(|m| (m.range.end, m.range.start, m.target));
        found
    }

    /// Texts made of pieces that exercise dashes, initialisms, case and boundaries.
    fn texts() -> impl proptest::strategy::Strategy<Value = String> {
        crate::recognize::texts_of_pieces(
            vec![
                "Korea",
                "korea",
                "KOREA",
                "-",
                "\u{2013}",
                "U.S.",
                "U.S",
                "US",
                "us",
                " ",
                "  ",
                "FTA",
                "fta",
                "Free Trade Agreement",
                "\u{e9}",
                "Ministry",
                "unification",
                "ministry",
                "unification ministry",
                ".",
                "S.",
                "\u{2019}",
                "\u{a0}",
                "Steel",
                "steel",
                "x",
                "7",
                "Washington",
                "WASHINGTON",
                "(",
                "U",
                "K.",
                "&",
                "'",
                "\n",
                "EU",
                "eu",
                "G7",
            ],
            24,
        )
    }

    proptest::proptest! {
        #[test]
        fn walks_from_tokens_find_what_an_unanchored_search_finds(text in texts()) {
            let gazetteer = gazetteer();
            let normalized = NormalizedText::new(&text);
            proptest::prop_assert_eq!(
                gazetteer.find(&text, &normalized, &tokenize(&text)),
                find_by_unanchored_search(&gazetteer, &text),
                "in {:?}", text
            );
        }

        #[test]
        fn names_that_start_with_punctuation_are_found_anywhere(text in texts()) {
            let forms = [("(U", EntityType::Place), ("-EU", EntityType::Org), ("G7", EntityType::Event)];
            let gazetteer = Gazetteer::new(
                forms.into_iter().map(|(s, ty)| (s.to_owned(), ty, Some(slug(s)))),
            );
            let normalized = NormalizedText::new(&text);
            proptest::prop_assert_eq!(
                gazetteer.find(&text, &normalized, &tokenize(&text)),
                find_by_unanchored_search(&gazetteer, &text),
                "in {:?}", text
            );
        }
    }
}
