//! The gazetteer: knowledge-base names and aliases matched leftmost-longest.
//!
//! Names are normalised (see [`super::normalize`]) on both sides, so dash and period
//! variants match alike. Matches must start and end at word boundaries of the original
//! text. Case is relaxed only where that is safe: multi-word names other than
//! organisations' match in any case when the match starts with a capital (`Korea-US free
//! trade agreement`, but not `Korea zinc` for `Korea Zinc`), and mixed-case names match
//! in capitals (`WASHINGTON` datelines), but acronyms match exactly (`US` is never `us`).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::EntityType;
use super::normalize::{NormalizedText, normalize};
use super::tokens::FastHashBuilder;
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
struct Matcher {
    automaton: AhoCorasick,
    targets: Vec<usize>,
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
    /// them (longest first).
    pub fn find(&self, original: &str, normalized: &NormalizedText) -> Vec<GazetteerMatch> {
        let mut found = Vec::new();
        if let Some(matcher) = &self.matcher {
            self.find_with(matcher, original, normalized, &mut found);
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
        found: &mut Vec<GazetteerMatch>,
    ) {
        for m in matcher
            .automaton
            .find_overlapping_iter(normalized.text.as_str())
        {
            let Some(&target_index) = matcher.targets.get(m.pattern().as_usize()) else {
                continue;
            };
            let target = &self.targets[target_index];
            let Some(matched) = normalized.text.get(m.start()..m.end()) else {
                continue;
            };
            if !case_is_acceptable(&target.name, target.ty, matched) {
                continue;
            }
            let (start, end) = normalized.original_range(m.start(), m.end());
            if start >= end || !is_word_boundary(original, start, end) {
                continue;
            }
            found.push(GazetteerMatch {
                range: TextRange::new(start, end),
                target: target_index,
            });
        }
    }
}

impl Matcher {
    fn new(targets: &[Target], indices: Vec<usize>, fold_case: bool) -> Option<Matcher> {
        if indices.is_empty() {
            return None;
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(fold_case)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(indices.iter().map(|&i| targets[i].name.as_str()))
            .ok()?;
        Some(Matcher {
            automaton,
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
        let mut found = gazetteer.find(text, &normalized);
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
}
