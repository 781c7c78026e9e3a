//! The word lists of the name rules, kept as data in `lists/*.toml` and compiled into
//! constants by the build script: `lists::people::TITLES` is the `titles` array of
//! `lists/people.toml`. Each word list lives in one file; rules that need several
//! combine them with [`super::tokens::WordSet::union`].

include!(concat!(env!("OUT_DIR"), "/lists.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list, by name, for the checks below.
    fn all() -> Vec<(&'static str, &'static [&'static str])> {
        vec![
            ("words::FUNCTION_WORDS", words::FUNCTION_WORDS),
            ("words::WEEKDAYS", words::WEEKDAYS),
            ("words::MONTHS", words::MONTHS),
            ("words::HEADLINE_VERBS", words::HEADLINE_VERBS),
            ("people::TITLES", people::TITLES),
            ("people::TITLES_IN_NAMES", people::TITLES_IN_NAMES),
            ("people::HONORIFICS", people::HONORIFICS),
            ("people::LOWER_CASE_TITLES", people::LOWER_CASE_TITLES),
            ("people::TITLE_MODIFIERS", people::TITLE_MODIFIERS),
            ("people::COMPANY_ROLES", people::COMPANY_ROLES),
            ("people::NOT_NAME_WORDS", people::NOT_NAME_WORDS),
            ("people::NAME_PARTICLES", people::NAME_PARTICLES),
            ("people::KOREAN_SURNAMES", people::KOREAN_SURNAMES),
            ("heads::MINISTRY_HEADS", heads::MINISTRY_HEADS),
            ("heads::BODY_HEADS", heads::BODY_HEADS),
            ("heads::ORG_HEADS", heads::ORG_HEADS),
            ("heads::AGREEMENT_HEADS", heads::AGREEMENT_HEADS),
            ("heads::MEMORANDUM_HEADS", heads::MEMORANDUM_HEADS),
            ("heads::EVENT_HEADS", heads::EVENT_HEADS),
            ("heads::GENERIC_SHORT_FORMS", heads::GENERIC_SHORT_FORMS),
            ("heads::LEFT_STOPS", heads::LEFT_STOPS),
            ("heads::GENERIC_MODIFIERS", heads::GENERIC_MODIFIERS),
            ("heads::VENUE_WORDS", heads::VENUE_WORDS),
            ("heads::PARTICIPLES", heads::PARTICIPLES),
            ("heads::COUNTRY_CODES", heads::COUNTRY_CODES),
            ("heads::LOCATED_HEADS", heads::LOCATED_HEADS),
            ("heads::MEETING_NOUNS", heads::MEETING_NOUNS),
            ("heads::MEETING_MODIFIERS", heads::MEETING_MODIFIERS),
            ("heads::COMPANY_SUFFIXES", heads::COMPANY_SUFFIXES),
            ("heads::PROGRAMME_WORDS", heads::PROGRAMME_WORDS),
            ("places::DEMONYMS", places::DEMONYMS),
            ("given_names::GIVEN_NAMES", given_names::GIVEN_NAMES),
            ("places::US_STATES", places::US_STATES),
            ("places::DIRECTIONS", places::DIRECTIONS),
            (
                "places::KOREAN_DISTRICT_SUFFIXES",
                places::KOREAN_DISTRICT_SUFFIXES,
            ),
        ]
    }

    /// A word listed twice in one list is a sign of two lists merged carelessly.
    #[test]
    fn no_list_repeats_a_word() {
        for (name, words) in all() {
            let mut seen = std::collections::HashSet::new();
            for word in words {
                assert!(!word.trim().is_empty(), "{name}: an empty word");
                assert_eq!(word.trim(), *word, "{name}: {word:?} has spaces around it");
                assert!(seen.insert(word), "{name}: {word:?} is listed twice");
            }
        }
    }

    /// Title words are looked up as the tokenizer reads them, which never ends a word
    /// with a period but after single capitals (`H.E.`).
    #[test]
    fn title_words_are_written_as_the_tokenizer_reads_them() {
        use crate::recognize::tokens::tokenize;
        for (name, words) in all().into_iter().filter(|(n, _)| n.starts_with("people::")) {
            for word in words {
                let tokens = tokenize(word);
                assert_eq!(tokens.len(), 1, "{name}: {word:?} is not one token");
                assert_eq!(tokens[0].text(word), *word, "{name}: {word:?}");
            }
        }
    }
}
