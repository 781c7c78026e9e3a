//! Names found by their context rather than by a head word or a list: a company
//! is what has shares, a chairman or a spokesman's weekday (`X said Tuesday`), and a
//! town is what a country or US state follows (`in X, Tennessee`).

use super::EntityType;
use super::gazetteer::is_word_boundary;
use super::lists::{heads, people, places, words};
use super::people::TITLE_WORDS_SET as TITLE_SET;
use super::tokens::{Token, WordSet, may_be_ordinal};
use crate::text::TextRange;

static US_STATE_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(places::US_STATES)
            .expect("the state names form a valid automaton")
    });

/// Words that open a sentence or clause and are capitalised only for that reason.
static LEADING_WORDS: WordSet = WordSet::union(&[words::FUNCTION_WORDS, &["State-run"]]);

static WEEKDAYS: WordSet = WordSet::new(words::WEEKDAYS);

static COMPANY_ROLES: WordSet = WordSet::new(people::COMPANY_ROLES);

static DIRECTIONS: WordSet = WordSet::new(places::DIRECTIONS);

static DEMONYMS: WordSet = WordSet::new(places::DEMONYMS);

/// What the cue rules see of the other recognisers' results.
pub struct Known<'a> {
    /// Names the knowledge base found, with their types.
    pub names: &'a [(TextRange, EntityType)],
    /// People the people rules found.
    pub people: &'a [TextRange],
}

/// Organisations and places found by context, with every later or earlier mention
/// of a cued organisation's name.
pub fn find_cued_names(
    text: &str,
    tokens: &[Token],
    known: &Known<'_>,
) -> Vec<(TextRange, EntityType)> {
    let mut found = Vec::new();
    let word = |i: usize| tokens.get(i).filter(|t| t.is_word()).map(|t| t.text(text));
    let held_by_known_name = KnownIndex::holding(known.names.iter().map(|(r, _)| *r));
    let meets_person = KnownIndex::meeting(known.people.iter().copied());
    let mut index = 0;
    while index < tokens.len() {
        // Most tokens start no name; they are passed over before any other test.
        if !is_name_word(&tokens[index]) {
            index += 1;
            continue;
        }
        let start = index;
        let mut end = index;
        while end < tokens.len()
            && is_name_word(&tokens[end])
            && (end == start || tokens[end].joined_to_previous)
        {
            end += 1;
        }
        index = end.max(start + 1);
        let mut first = start;
        while first < end
            && word(first).is_some_and(|w| LEADING_WORDS.contains(w) || may_be_ordinal(w))
        {
            first += 1;
        }
        // A title ends the name before it (`X Chairman Y`).
        let is_cut = |i: usize| {
            word(i).is_some_and(|w| {
                TITLE_SET.contains(w) || WEEKDAYS.contains(w) || COMPANY_ROLES.contains(w)
            })
        };
        let end = (first..end).find(|&i| is_cut(i)).unwrap_or(end);
        if first >= end {
            continue;
        }
        let (Some(first_token), Some(last_token)) = (tokens.get(first), tokens.get(end - 1)) else {
            continue;
        };
        let range = TextRange::new(first_token.start, last_token.end);
        // `South Korean President Lee`: a nationality, not a company.
        let is_demonym = word(end - 1).is_some_and(|w| DEMONYMS.contains(w));
        if meets_person.meets(range) || held_by_known_name.holds(range) || is_demonym {
            continue;
        }
        if let Some(company) = company_with_suffix(text, tokens, first, end) {
            found.push((company.name, EntityType::Org));
            found.push((company.base, EntityType::Org));
            if let Some(alias) = company.alias {
                found.push((alias, EntityType::Org));
            }
        } else if is_org_cue(text, tokens, first, end) {
            found.push((range, EntityType::Org));
        } else if is_place_cue(text, tokens, first, end, known) {
            found.push((range, EntityType::Place));
        }
    }
    // Every mention of a cued company, headlines included.
    let mut names: Vec<&str> = found
        .iter()
        .filter(|(_, ty)| *ty == EntityType::Org)
        .filter_map(|(r, _)| text.get(r.start..r.end))
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        // `memmem` finds the matches `match_indices` does, many times faster, except
        // for an empty name, which `match_indices` matches at characters, not bytes.
        let starts: Vec<usize> = if name.is_empty() {
            text.match_indices(name).map(|(start, _)| start).collect()
        } else {
            memchr::memmem::find_iter(text.as_bytes(), name.as_bytes()).collect()
        };
        for start in starts {
            let range = TextRange::new(start, start + name.len());
            if is_word_boundary(text, range.start, range.end)
                && !meets_person.meets(range)
                && !found.iter().any(|(r, _)| *r == range)
            {
                found.push((range, EntityType::Org));
            }
        }
    }
    // US states no list holds.
    // One automaton pass instead of a search per state.
    for found_state in US_STATE_FINDER.find_iter(text) {
        let range = TextRange::new(found_state.start(), found_state.end());
        if is_word_boundary(text, range.start, range.end) {
            found.push((range, EntityType::Place));
        }
    }
    found
}

static COMPANY_SUFFIXES: WordSet = WordSet::new(heads::COMPANY_SUFFIXES);

/// A company named with its legal form, as [`company_with_suffix`] finds it.
struct Company {
    /// The name with its legal form: `Borealis Copper, Inc.`.
    name: TextRange,
    /// The name without it, which the text may use alone.
    base: TextRange,
    /// A short name the text gives in brackets: `Borealis Copper, Inc. (Borealis)`.
    alias: Option<TextRange>,
}

/// `Borealis Copper, Inc.`, `Nordwind Logistics GmbH`: a run of capitalised words
/// (`first..end`) with a company's legal form after it, or as its last word.
fn company_with_suffix(text: &str, tokens: &[Token], first: usize, end: usize) -> Option<Company> {
    let word = |i: usize| tokens.get(i).filter(|t| t.is_word()).map(|t| t.text(text));
    let is_suffix = |i: usize| word(i).is_some_and(|w| COMPANY_SUFFIXES.contains(w));
    let (base_end, mut suffix) = if end - first >= 2 && is_suffix(end - 1) {
        (end - 1, end - 1)
    } else if tokens.get(end).is_some_and(|t| t.text(text) == ",")
        && tokens.get(end + 1).is_some_and(|t| t.joined_to_previous)
        && is_suffix(end + 1)
    {
        (end, end + 1)
    } else if tokens.get(end).is_some_and(|t| t.joined_to_previous) && is_suffix(end) {
        (end, end)
    } else {
        return None;
    };
    // The period of an abbreviated form (`Inc.`, `Co., Ltd.`).
    while let Some(next) = tokens.get(suffix + 1) {
        let glued = next.start == tokens[suffix].end;
        if glued && next.text(text) == "." {
            suffix += 1;
        } else if next.text(text) == "," && is_suffix(suffix + 2) {
            suffix += 2;
        } else {
            break;
        }
    }
    let name = TextRange::new(tokens[first].start, tokens[suffix].end);
    let base = TextRange::new(tokens[first].start, tokens[base_end - 1].end);
    // `(Borealis)`: the first word of the name alone, in brackets after it.
    let alias = (tokens.get(suffix + 1).is_some_and(|t| t.text(text) == "(")
        && word(suffix + 2) == word(first)
        && tokens.get(suffix + 3).is_some_and(|t| t.text(text) == ")"))
    .then(|| TextRange::new(tokens[suffix + 2].start, tokens[suffix + 2].end));
    Some(Company { name, base, alias })
}

/// Known ranges prepared so that asking whether one of them holds or meets a range
/// takes a binary search instead of a scan of them all.
struct KnownIndex {
    /// `(bound, other end)` of each range, sorted.
    bounds: Vec<(usize, usize)>,
    /// For each position of `bounds`, the most extreme other end from there on
    /// (holding) or up to there (meeting).
    extreme: Vec<usize>,
}

impl KnownIndex {
    /// For [`KnownIndex::holds`]: ranges by end, with the least start of those ending
    /// at or after each.
    fn holding(ranges: impl Iterator<Item = TextRange>) -> KnownIndex {
        let mut bounds: Vec<(usize, usize)> = ranges.map(|r| (r.end, r.start)).collect();
        bounds.sort_unstable();
        let mut extreme = vec![usize::MAX; bounds.len() + 1];
        for i in (0..bounds.len()).rev() {
            extreme[i] = extreme[i + 1].min(bounds[i].1);
        }
        KnownIndex { bounds, extreme }
    }

    /// Whether some range contains `range`: one ends at or after its end and starts
    /// at or before its start.
    fn holds(&self, range: TextRange) -> bool {
        let from = self.bounds.partition_point(|&(end, _)| end < range.end);
        self.extreme[from] <= range.start
    }

    /// For [`KnownIndex::meets`]: ranges by start, with the greatest end of those
    /// starting at or before each.
    fn meeting(ranges: impl Iterator<Item = TextRange>) -> KnownIndex {
        let mut bounds: Vec<(usize, usize)> = ranges.map(|r| (r.start, r.end)).collect();
        bounds.sort_unstable();
        let mut extreme = Vec::with_capacity(bounds.len());
        let mut greatest = 0;
        for &(_, end) in &bounds {
            greatest = greatest.max(end);
            extreme.push(greatest);
        }
        KnownIndex { bounds, extreme }
    }

    /// Whether some range intersects `range`: one starts before its end and ends after
    /// its start.
    fn meets(&self, range: TextRange) -> bool {
        let before = self.bounds.partition_point(|&(start, _)| start < range.end);
        before > 0 && self.extreme[before - 1] > range.start
    }
}

/// A capitalised word with lower-case letters; the tokenizer has decided both.
#[inline]
fn is_name_word(token: &Token) -> bool {
    token.is_word() && token.is_capitalized() && token.has_lower()
}

fn is_org_cue(text: &str, tokens: &[Token], first: usize, end: usize) -> bool {
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| t.text(text))
            .unwrap_or("")
    };
    let before = |n: usize| first.checked_sub(n).map(word).unwrap_or("");
    if before(1) == "of" && matches!(before(2), "Shares" | "shares") {
        return true;
    }
    if COMPANY_ROLES.contains(word(end)) && tokens.get(end + 1).is_some_and(is_name_word) {
        return true;
    }
    if word(end) == "said" {
        let next = if word(end + 1) == "on" {
            end + 2
        } else {
            end + 1
        };
        if WEEKDAYS.contains(word(next)) {
            return true;
        }
    }
    let after = tokens
        .get(end - 1)
        .and_then(|t| text.get(t.end..))
        .unwrap_or("");
    after.starts_with(", the world's") || after.starts_with(", the world\u{2019}s")
}

fn is_place_cue(text: &str, tokens: &[Token], first: usize, end: usize, known: &Known<'_>) -> bool {
    let word = |i: usize| {
        tokens
            .get(i)
            .filter(|t| t.is_word())
            .map(|t| t.text(text))
            .unwrap_or("")
    };
    let before = first.checked_sub(1).map(word).unwrap_or("");
    if !matches!(before, "in" | "at" | "near") {
        return false;
    }
    let Some(comma) = tokens.get(end).filter(|t| t.text(text) == ",") else {
        return false;
    };
    let _ = comma;
    let mut next = end + 1;
    if DIRECTIONS.contains(word(next)) {
        next += 1;
    }
    if word(next) == "a" && matches!(word(next + 1), "town" | "city" | "village" | "port") {
        return true;
    }
    let Some(place_token) = tokens.get(next) else {
        return false;
    };
    known
        .names
        .iter()
        .any(|(r, ty)| *ty == EntityType::Place && r.start == place_token.start)
        || places::US_STATES.iter().any(|s| {
            text.get(place_token.start..)
                .is_some_and(|rest| rest.starts_with(s))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::tokens::tokenize;
    use expect_test::expect;

    fn render(text: &str) -> String {
        let tokens = tokenize(text);
        let known = Known {
            names: &[],
            people: &[],
        };
        let mut found = find_cued_names(text, &tokens, &known);
        found.sort_by_key(|(r, _)| (r.start, r.end));
        found
            .iter()
            .map(|(r, ty)| format!("{:?} {}\n", ty, text.get(r.start..r.end).unwrap_or("")))
            .collect()
    }

    #[test]
    fn companies_and_towns_by_context() {
        expect![[r#"
            Org Borealis Copper
            Org Borealis Copper
            Place Dunmore
            Place Ohio
            Org Nordwind Logistics
            Org Pelican Foods
            Org Pelican Foods
        "#]]
        .assert_eq(&render(
            "Borealis Copper plans a mill. Borealis Copper said on Friday it would build it \
             in Dunmore, Ohio. Nordwind Logistics Chairman Ada Berg agreed. Pelican Foods, \
             the world's largest canner, rose. Shares of Pelican Foods fell.",
        ));
    }

    #[test]
    fn known_index_answers_as_a_scan_of_the_ranges() {
        let ranges = [
            (3, 9),
            (0, 2),
            (12, 12),
            (5, 20),
            (7, 8),
            (30, 34),
            (30, 31),
        ];
        let ranges: Vec<TextRange> = ranges.iter().map(|&(s, e)| TextRange::new(s, e)).collect();
        for count in 0..=ranges.len() {
            let known = &ranges[..count];
            let holding = KnownIndex::holding(known.iter().copied());
            let meeting = KnownIndex::meeting(known.iter().copied());
            for start in 0..36 {
                for end in start..36 {
                    let range = TextRange::new(start, end);
                    let holds = known.iter().any(|r| r.contains_range(range));
                    let meets = known.iter().any(|r| r.intersects(range));
                    assert_eq!(holding.holds(range), holds, "{count} hold {range:?}");
                    assert_eq!(meeting.meets(range), meets, "{count} meet {range:?}");
                }
            }
        }
    }

    #[test]
    fn companies_by_their_legal_form() {
        expect![[r#"
            Org Borealis
            Org Borealis Copper
            Org Borealis
            Org Borealis Copper
            Org Borealis Copper, Inc.
            Org Borealis
            Org Nordwind Logistics
            Org Nordwind Logistics GmbH
            Org Borealis
        "#]]
        .assert_eq(&render(
            "Borealis Copper expands. Borealis Copper, Inc. (Borealis) said it would. Then \
             Nordwind Logistics GmbH agreed, and Borealis left.",
        ));
    }

    #[test]
    fn cue_words_alone_make_no_name() {
        expect![[""]].assert_eq(&render(
            "The ministry said Tuesday it would act. In March, officials met in Paris, France.",
        ));
    }
}
