//! What a tagged span or an acronym definition may teach recognition in other articles.
//!
//! A tag says what a span is in its own sentence; whether the same words mean the same
//! thing elsewhere depends on the words. A full name (`Korea–EU Digital Trade
//! Agreement`) does; a bare surname (`Kim`), a generic short form (`FTA`) or a word the
//! article itself leaves untagged elsewhere (`Commerce` for a department in one sentence
//! and in a job title in the next) does not. And a form that two teachers read
//! differently (two keys for one acronym) teaches nothing: an article's own definitions
//! decide it there.

use std::collections::{HashMap, HashSet};

use super::gazetteer::is_word_boundary;
use super::lists::{heads, words};
use super::normalize::normalize;
use super::tokens::{FastHashBuilder, WordSet};
use super::{EntityType, LearnedForm};
use crate::text::TextRange;

/// Whether a span of `article` tagged (or defined) as `ty` teaches its form to other
/// articles. `tagged` holds the article's tagged spans, in its plain text.
pub fn teaches(surface: &str, ty: EntityType, article: &str, tagged: &[TextRange]) -> bool {
    let surface = surface.trim();
    if surface.is_empty() || !ty.is_keyed() {
        return false;
    }
    if heads::GENERIC_SHORT_FORMS.contains(&surface) {
        return false;
    }
    let one_word = !surface.contains(char::is_whitespace);
    if !one_word {
        // `Trade Talks`, `Free Trade Agreement`: generic words and a head name a kind of
        // thing; a name has a word of its own.
        return !surface.split_whitespace().all(is_generic_word);
    }
    // A surname alone names whoever of that name the article is about.
    if ty == EntityType::Person {
        return false;
    }
    !left_untagged(surface, article, tagged)
}

/// Words that name no one thing: head words, generic modifiers, function words.
static GENERIC_WORDS: WordSet = WordSet::union(&[
    heads::GENERIC_MODIFIERS,
    heads::MINISTRY_HEADS,
    heads::BODY_HEADS,
    heads::ORG_HEADS,
    heads::AGREEMENT_HEADS,
    heads::EVENT_HEADS,
    heads::GENERIC_SHORT_FORMS,
    words::FUNCTION_WORDS,
]);

/// A word that names no one thing, capitalised as the lists write it or in lower case.
fn is_generic_word(word: &str) -> bool {
    if GENERIC_WORDS.contains(word) {
        return true;
    }
    let mut chars = word.chars();
    let Some(first) = chars.next().filter(|c| c.is_lowercase()) else {
        return false;
    };
    let capitalised: String = first.to_uppercase().chain(chars).collect();
    GENERIC_WORDS.contains(&capitalised)
}

/// Whether `surface` occurs in `article` as a word outside every tagged span.
fn left_untagged(surface: &str, article: &str, tagged: &[TextRange]) -> bool {
    memchr::memmem::find_iter(article.as_bytes(), surface.as_bytes()).any(|start| {
        let range = TextRange::new(start, start + surface.len());
        is_word_boundary(article, range.start, range.end)
            && !tagged.iter().any(|tag| tag.contains_range(range))
    })
}

/// The forms whose teachers all agree: every form with the same normalised surface has
/// the same type and key. Each distinct form comes once, where it first appears in
/// `forms`: a workspace teaches the same few thousand forms tens of thousands of times,
/// and a lexicon is built from them after every change to what it teaches.
pub fn unambiguous(forms: &[LearnedForm]) -> Vec<&LearnedForm> {
    let mut seen: HashSet<(&str, EntityType, Option<&str>), FastHashBuilder> = HashSet::default();
    let distinct: Vec<&LearnedForm> = forms
        .iter()
        .filter(|form| seen.insert((form.surface.as_str(), form.ty, form.key.as_deref())))
        .collect();
    let mut readings: HashMap<String, Option<(EntityType, Option<&str>)>, FastHashBuilder> =
        HashMap::default();
    let names: Vec<String> = distinct
        .iter()
        .map(|form| normalize(form.surface.trim()))
        .collect();
    for (form, name) in distinct.iter().zip(&names) {
        let reading = (form.ty, form.key.as_deref());
        readings
            .entry(name.clone())
            .and_modify(|agreed| {
                if *agreed != Some(reading) {
                    *agreed = None;
                }
            })
            .or_insert(Some(reading));
    }
    distinct
        .into_iter()
        .zip(&names)
        .filter(|(_, name)| readings.get(*name).is_some_and(Option::is_some))
        .map(|(form, _)| form)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taught(surface: &str, ty: EntityType, article: &str) -> bool {
        // The tagged spans are every occurrence marked with brackets in `article`.
        let mut plain = String::new();
        let mut tagged = Vec::new();
        let mut open = None;
        for c in article.chars() {
            match c {
                '[' => open = Some(plain.len()),
                ']' => tagged.push(TextRange::new(open.take().unwrap(), plain.len())),
                _ => plain.push(c),
            }
        }
        teaches(surface, ty, &plain, &tagged)
    }

    #[test]
    fn full_names_teach_and_bare_or_generic_forms_do_not() {
        use EntityType::*;
        let cases = [
            (
                "Ruth Okafor",
                Person,
                "[Ruth Okafor] spoke. [Okafor] left.",
                true,
            ),
            (
                "Okafor",
                Person,
                "[Ruth Okafor] spoke. [Okafor] left.",
                false,
            ),
            ("FTA", Agreement, "the [FTA] and another FTA", false),
            ("FTA", Agreement, "the [FTA] only", false),
            ("Velmar", Place, "[Velmar] and [Velmar]", true),
            (
                "Commerce",
                Org,
                "[Commerce] and the Commerce Secretary",
                false,
            ),
            ("BPTA", Agreement, "the [BPTA] and the [BPTA]", true),
            ("BPTA", Agreement, "the [BPTA] and BPTAs", true),
            ("2025", Date, "in [2025]", false),
            ("Trade Talks", Event, "our annual [Trade Talks]", false),
            (
                "Free Trade Agreement",
                Agreement,
                "the [Free Trade Agreement]",
                false,
            ),
            (
                "Baltic Trade Talks",
                Event,
                "the [Baltic Trade Talks]",
                true,
            ),
        ];
        for (surface, ty, article, expected) in cases {
            assert_eq!(
                taught(surface, ty, article),
                expected,
                "{surface} in {article}"
            );
        }
    }

    #[test]
    fn forms_read_two_ways_teach_nothing() {
        let form = |surface: &str, ty, key: &str| LearnedForm {
            surface: surface.to_owned(),
            ty,
            key: Some(key.to_owned()),
            origin: None,
        };
        let forms = vec![
            form("DTA", EntityType::Agreement, "korea-eu-dta"),
            form("Velmar Accord", EntityType::Agreement, "velmar-accord"),
            form("DTA", EntityType::Agreement, "uk-dta"),
            form("Velmar  Accord", EntityType::Agreement, "velmar-accord"),
            form("Velmar Accord", EntityType::Agreement, "velmar-accord"),
        ];
        let kept: Vec<&str> = unambiguous(&forms)
            .iter()
            .map(|f| f.surface.as_str())
            .collect();
        assert_eq!(kept, ["Velmar Accord", "Velmar  Accord"]);
    }
}
