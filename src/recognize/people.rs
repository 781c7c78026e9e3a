//! People: names after titles and honorifics (`Trade Minister Yeo Han-koo`, `Mr. Ito`,
//! `the Honourable …`), before titles (`Maroš Šefčovič, Commissioner for …`), Korean
//! names by their shape (`Kim Dae-ja`), names with a listed given name or a middle
//! initial, `X administration`, and later surname-only mentions.
//!
//! Titles and honorifics stay outside the span, and a name ends before a headline verb
//! (`Minister Ito Holds Talks`). A full name's key is the slug of the name; an initials
//! form (`JK Kim`) takes the key of a full name in the article whose given name has those
//! initials (`Kim Jung-kwan`), and a bare surname, after a title or alone, takes the key
//! of the nearest full name with that surname in the article, or its own.

use super::lists::{given_names, heads, people, places, words};
use super::normalize::slug;
use super::tokens::{Token, WordSet, is_all_caps, is_capitalized};
use crate::text::TextRange;

static KOREAN_SURNAMES_SET: WordSet = WordSet::new(people::KOREAN_SURNAMES);

/// Words that introduce a name: titles, ranks and roles. The last one before the name
/// counts, so `Deputy Secretary-General` and `Trade Minister` work alike.
pub static TITLE_WORDS_SET: WordSet = WordSet::union(&[people::TITLES, people::TITLES_IN_NAMES]);

/// Honorifics and forms of address, which introduce a name as titles do.
static HONORIFICS_SET: WordSet = WordSet::new(people::HONORIFICS);

/// Words before a title in `Name, Deputy Minister …`.
static TITLE_MODIFIERS_SET: WordSet = WordSet::new(people::TITLE_MODIFIERS);

/// Capitalised words that are never part of a person's name.
static NOT_NAME_WORDS_SET: WordSet = WordSet::union(&[
    people::NOT_NAME_WORDS,
    places::DEMONYMS,
    words::FUNCTION_WORDS,
    words::WEEKDAYS,
    words::MONTHS,
    heads::MINISTRY_HEADS,
    heads::BODY_HEADS,
    heads::ORG_HEADS,
    heads::AGREEMENT_HEADS,
    heads::MEMORANDUM_HEADS,
    heads::EVENT_HEADS,
]);

static GIVEN_NAMES_SET: WordSet = WordSet::new(given_names::GIVEN_NAMES);

/// Every word a name rule of [`PeopleFinder::find`] starts at but a middle initial.
static NAME_TRIGGERS: WordSet = WordSet::union(&[
    people::TITLES,
    people::TITLES_IN_NAMES,
    people::HONORIFICS,
    people::KOREAN_SURNAMES,
    people::LOWER_CASE_TITLES,
    given_names::GIVEN_NAMES,
    &["administration"],
]);

/// The verbs of title-case headlines, which end a name (`Minister Ito Holds Talks`) but
/// may start one (`Mark`).
static HEADLINE_VERBS_SET: WordSet = WordSet::new(words::HEADLINE_VERBS);

/// A person mention found by the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName {
    pub range: TextRange,
    pub key: String,
}

/// What the people rules found in one article.
#[derive(Debug, Default)]
pub struct People {
    pub names: Vec<PersonName>,
    /// Surnames of the names found with their keys and where the name starts, for
    /// follow-up mentions.
    pub surnames: Vec<(String, String, usize)>,
}

fn is_title(word: &str) -> bool {
    TITLE_WORDS_SET.contains(word)
}

fn is_honorific(word: &str) -> bool {
    HONORIFICS_SET.contains(word)
}

/// A title or an honorific: a word after which a name may follow.
fn introduces_name(word: &str) -> bool {
    is_title(word) || is_honorific(word)
}

fn is_korean_surname(word: &str) -> bool {
    KOREAN_SURNAMES_SET.contains(word)
}

/// `Han-koo`, `Gyu-baek`: a romanised Korean given name.
fn is_hyphenated_given_name(word: &str) -> bool {
    let mut parts = word.split('-');
    let (Some(first), Some(second), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    is_capitalized(first)
        && first.chars().skip(1).all(|c| c.is_lowercase())
        && !second.is_empty()
        && second.chars().all(|c| c.is_lowercase())
        && first.chars().count() <= 6
        && second.chars().count() <= 6
}

/// Initials such as `JK` in `JK Kim`.
fn is_initials(word: &str) -> bool {
    (2..=3).contains(&word.chars().count()) && word.chars().all(|c| c.is_ascii_uppercase())
}

/// Initials written with periods, as one word: `S.M.`, `J.K.`.
fn is_dotted_initials(word: &str) -> bool {
    let bytes = word.as_bytes();
    (4..=6).contains(&bytes.len())
        && bytes.len().is_multiple_of(2)
        && bytes
            .chunks(2)
            .all(|pair| pair[0].is_ascii_uppercase() && pair[1] == b'.')
}

/// What kind of name piece a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    /// A capitalised word that may be part of a name.
    Word,
    /// An initial and its period, `W.` (two tokens), or initials in one word (`S.M.`,
    /// `JK`).
    Initial,
}

pub struct PeopleFinder<'a> {
    text: &'a str,
    tokens: &'a [Token],
    /// Whether a token is already a known place or organisation.
    is_known: &'a dyn Fn(&Token) -> bool,
}

impl<'a> PeopleFinder<'a> {
    pub fn new(text: &'a str, tokens: &'a [Token], is_known: &'a dyn Fn(&Token) -> bool) -> Self {
        PeopleFinder {
            text,
            tokens,
            is_known,
        }
    }

    fn word(&self, index: usize) -> Option<&'a str> {
        self.tokens
            .get(index)
            .filter(|t| t.is_word())
            .map(|t| t.text(self.text))
    }

    fn punct(&self, index: usize) -> Option<char> {
        self.tokens
            .get(index)
            .filter(|t| !t.is_word())
            .and_then(|t| t.text(self.text).chars().next())
    }

    fn joined(&self, index: usize) -> bool {
        self.tokens.get(index).is_some_and(|t| t.joined_to_previous)
    }

    /// A capitalised word that may be part of a name: not a title, honorific, listed
    /// word of offices and policy, head word or headline verb, and not a known place or
    /// organisation.
    fn is_name_word(&self, index: usize) -> bool {
        let Some(token) = self.tokens.get(index).filter(|t| t.is_word()) else {
            return false;
        };
        if !token.is_capitalized() || !token.has_lower() {
            return false;
        }
        let word = token.text(self.text);
        if NOT_NAME_WORDS_SET.contains(word) || introduces_name(word) || (self.is_known)(token) {
            return false;
        }
        word.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    }

    /// A word that may be part of a name, the initials forms included: `JK` before a
    /// surname (`JK Kim`).
    fn is_name_token(&self, index: usize) -> bool {
        if self.is_name_word(index) {
            return true;
        }
        self.word(index).is_some_and(|word| {
            is_initials(word)
                && !(self.is_known)(&self.tokens[index])
                && self.joined(index + 1)
                && self.is_name_word(index + 1)
        })
    }

    /// The tokens of the name piece at `index`, and what it is; `None` for anything else.
    fn piece_at(&self, index: usize) -> Option<(Piece, usize)> {
        if self.is_name_word(index) {
            return Some((Piece::Word, 1));
        }
        let word = self.word(index)?;
        if (self.is_known)(&self.tokens[index]) || NOT_NAME_WORDS_SET.contains(word) {
            return None;
        }
        // `W.`: one capital and its period.
        if word.len() == 1
            && word.as_bytes()[0].is_ascii_uppercase()
            && self.punct(index + 1) == Some('.')
            && self.joined(index + 1)
        {
            return Some((Piece::Initial, 2));
        }
        if is_dotted_initials(word) || (is_initials(word) && self.is_name_word(index + 1)) {
            return Some((Piece::Initial, 1));
        }
        None
    }

    /// A family name in capitals before the given name (`TANAKA Kenji`), as Japanese
    /// releases write them after a title.
    fn is_capitals_family_name(&self, index: usize) -> bool {
        self.word(index).is_some_and(|word| {
            word.len() >= 2
                && word.bytes().all(|b| b.is_ascii_uppercase())
                && !(self.is_known)(&self.tokens[index])
                && !NOT_NAME_WORDS_SET.contains(word)
                && !introduces_name(word)
        }) && self.joined(index + 1)
            && self.is_name_word(index + 1)
    }

    /// A family name in capitals alone after a title (`Minister TANAKA said`): a word of
    /// three capitals or more that no list or knowledge base knows.
    fn capitals_surname_at(&self, index: usize) -> Option<(usize, usize)> {
        let word = self.word(index)?;
        let is_surname = word.len() >= 3
            && word.bytes().all(|b| b.is_ascii_uppercase())
            && !(self.is_known)(&self.tokens[index])
            && !NOT_NAME_WORDS_SET.contains(word)
            && !introduces_name(word)
            && !self.runs_on(index + 1);
        is_surname.then_some((index + 1, 1))
    }

    /// The name starting at `start`: its end (exclusive) and how many words it has
    /// besides initials. A name is words and initials written together, at most four
    /// words, ending with a word; a surname with particles (`von der Leyen`) ends it.
    /// With `capitals_first`, the first word may be a family name in capitals.
    fn name_at(&self, start: usize, capitals_first: bool) -> Option<(usize, usize)> {
        let mut at = start;
        let mut words = 0;
        let mut ends_with_word = false;
        if capitals_first && self.is_capitals_family_name(at) {
            at += 1;
            words += 1;
        }
        while words < 4 && (at == start || self.joined(at)) {
            if words > 0
                && self
                    .word(at)
                    .is_some_and(|w| HEADLINE_VERBS_SET.contains(w))
            {
                break;
            }
            match self.piece_at(at) {
                Some((Piece::Word, length)) => {
                    at += length;
                    words += 1;
                    ends_with_word = true;
                }
                // An initial is followed by more of the name.
                Some((Piece::Initial, length))
                    if self.joined(at + length) && self.piece_at(at + length).is_some() =>
                {
                    at += length;
                    ends_with_word = false;
                }
                _ => break,
            }
        }
        if words > 0 && ends_with_word {
            let particles = self.particle_surname_at(at);
            if particles > 0 {
                at += particles;
                words += 1;
                // Arabic names go on after `bin` (`Tamim bin Hamad Al Thani`).
                let mut more = 0;
                while more < 2 && self.joined(at) && self.is_name_word(at) {
                    at += 1;
                    more += 1;
                }
            }
        }
        (words > 0 && ends_with_word).then_some((at, words))
    }

    /// The tokens of a surname with particles starting at `index` (`von der Leyen`,
    /// `da Silva`), or 0: at most two lower-case particles, then a name word.
    fn particle_surname_at(&self, index: usize) -> usize {
        let mut end = index;
        while end - index < 2
            && self.joined(end)
            && self
                .word(end)
                .is_some_and(|w| people::NAME_PARTICLES.contains(&w))
        {
            end += 1;
        }
        if end > index && self.joined(end) && self.is_name_word(end) {
            end + 1 - index
        } else {
            0
        }
    }

    /// Whether the token at `index` continues a capitalised run in a way no name rule
    /// understands (`Nordwind Logistics` after a name is a company): a capitalised word
    /// written on, other than a title, a listed word or a headline verb.
    fn runs_on(&self, index: usize) -> bool {
        self.joined(index)
            && self.word(index).is_some_and(|w| {
                is_capitalized(w)
                    && !introduces_name(w)
                    && !NOT_NAME_WORDS_SET.contains(w)
                    && !HEADLINE_VERBS_SET.contains(w)
            })
    }

    pub fn find(&self) -> People {
        let mut names: Vec<(usize, usize)> = Vec::new();
        let mut singles: Vec<(usize, usize)> = Vec::new();
        for index in 0..self.tokens.len() {
            // `Name, Deputy Minister …`.
            if self.punct(index) == Some(',') {
                self.before_title(index, &mut names);
            }
            let token = &self.tokens[index];
            // Titles and names are capitalised but for a few listed words; most words of
            // a text are passed over here, before their text is read.
            if !token.is_word() || (!token.is_capitalized() && token.end - token.start > 14) {
                continue;
            }
            let word = token.text(self.text);
            if !token.is_capitalized()
                && word != "administration"
                && !people::LOWER_CASE_TITLES.contains(&word)
            {
                continue;
            }
            // Every rule below but `X administration` needs more of the name, a period
            // or a complement after the word; most capitalised words are followed by
            // none of these. One look-up passes over most of the others.
            let name_may_follow = self.tokens.get(index + 1).is_some_and(|next| {
                next.joined_to_previous
                    && (next.is_capitalized()
                        || matches!(next.text(self.text), "." | "for" | "of")
                        || is_all_caps(next.text(self.text)))
            });
            if !name_may_follow && word != "administration" {
                continue;
            }
            let middle_initial = self.has_middle_initial(index);
            if !middle_initial && !NAME_TRIGGERS.contains(word) {
                continue;
            }
            if introduces_name(word) && !self.word(index + 1).is_some_and(introduces_name) {
                self.after_title(index, &mut names, &mut singles);
            }
            if word == "administration" {
                let mut start = index;
                while start > 0
                    && index - start < 3
                    && self.joined(start)
                    && self.is_name_token(start - 1)
                {
                    start -= 1;
                }
                if start < index {
                    if index - start == 1 {
                        singles.push((start, index));
                    } else {
                        names.push((start, index));
                    }
                }
            }
            // Korean names by shape: a family name and a hyphenated given name.
            if is_korean_surname(word)
                && self.joined(index + 1)
                && self.word(index + 1).is_some_and(is_hyphenated_given_name)
                && !(index > 0 && self.joined(index) && self.is_name_token(index - 1))
            {
                names.push((index, index + 2));
            }
            // A listed given name or a middle initial starts a name of its own.
            if (middle_initial || GIVEN_NAMES_SET.contains(word))
                && !(index > 0 && self.joined(index) && self.is_name_token(index - 1))
                && self.is_name_word(index)
                && let Some((end, count)) = self.name_at(index, false)
                && count >= 2
                && !self.runs_on(end)
            {
                names.push((index, end));
            }
        }
        names.sort();
        names.dedup();
        // Overlapping finds keep the longer one.
        let mut kept: Vec<(usize, usize)> = Vec::new();
        for (start, end) in names {
            if let Some(last) = kept.last_mut()
                && start < last.1
            {
                if end - start > last.1 - last.0 {
                    *last = (start, end);
                }
                continue;
            }
            kept.push((start, end));
        }
        let mut people = self.keyed(&kept);
        self.add_singles(&mut people, singles, &kept);
        people
    }

    /// `Paul R. Okafor`: a word, an initial with its period, and another word.
    fn has_middle_initial(&self, index: usize) -> bool {
        self.punct(index + 2) == Some('.')
            && self.joined(index + 1)
            && self.piece_at(index + 1) == Some((Piece::Initial, 2))
            && self.joined(index + 3)
            && self.is_name_word(index + 3)
    }

    fn after_title(
        &self,
        title: usize,
        names: &mut Vec<(usize, usize)>,
        singles: &mut Vec<(usize, usize)>,
    ) {
        // The period of an abbreviation and further honorifics come before the name:
        // `Mr. …`, `H.E. Mr. …`, `His Excellency Dr. …`.
        let mut next = title + 1;
        while self.joined(next)
            && (self.punct(next) == Some('.') || self.word(next).is_some_and(is_honorific))
        {
            next += 1;
        }
        if !self.joined(next) {
            return;
        }
        match self.word(next) {
            Some("for" | "of") => self.after_title_complement(next, names, singles),
            _ => {
                let Some((end, count)) = self
                    .name_at(next, true)
                    .or_else(|| self.capitals_surname_at(next))
                else {
                    return;
                };
                // A capitalised word right after is not part of a name we understand;
                // leave the whole thing alone.
                if self.runs_on(end) {
                    return;
                }
                if count == 1 {
                    singles.push((next, end));
                } else {
                    names.push((next, end));
                }
            }
        }
    }

    /// `Director-General for Trade and Investment Kang Gam-chan`: the name closes the
    /// complement that starts with the `for` or `of` at `preposition`.
    fn after_title_complement(
        &self,
        preposition: usize,
        names: &mut Vec<(usize, usize)>,
        singles: &mut Vec<(usize, usize)>,
    ) {
        let mut end = preposition + 1;
        if self.word(end) == Some("the") {
            end += 1;
        }
        let first = end;
        let mut last_word = None;
        while self.joined(end) && end - first < 40 {
            match (self.word(end), self.punct(end)) {
                (Some("and"), _) => {
                    end += 1;
                    // `Growth, Energy, and the Environment`.
                    if self.word(end) == Some("the") && self.joined(end) {
                        end += 1;
                    }
                }
                // `Under Secretary of State for Economic Growth`.
                (Some("for" | "of" | "on"), _)
                    if self.joined(end + 1) && self.word(end + 1).is_some_and(is_capitalized) =>
                {
                    end += 1;
                }
                (Some(w), _) if is_capitalized(w) => {
                    last_word = Some(end);
                    end += 1;
                }
                // The period of an initial (`Paul R. Okafor`) or of an honorific.
                (_, Some('.'))
                    if self.piece_at(end - 1) == Some((Piece::Initial, 2))
                        || self.word(end - 1).is_some_and(is_honorific) =>
                {
                    end += 1;
                }
                // `Minister of Economy, Trade and Industry (METI) Ito Kenta`.
                (_, Some('('))
                    if self.word(end + 1).is_some_and(is_all_caps)
                        && self.punct(end + 2) == Some(')') =>
                {
                    end += 3;
                }
                (_, Some(',' | '&')) => {
                    end += 1;
                }
                _ => break,
            }
        }
        let Some(last) = last_word else { return };
        // The name is the first run of name words in the complement that has two words
        // or more (`Minister of Economy, Trade and Industry Ryosei Akazawa and Korean
        // Trade, Industry and Resources Minister …`); else a single word written right
        // after the complement (`Secretary of State Smith`), not the last item of a list
        // (`Minister for Trade and Tourism`).
        let mut single = None;
        let mut at = first;
        while at <= last {
            let Some(group_end) = self.name_pieces_end(at) else {
                at += 1;
                continue;
            };
            let count = (at..group_end).filter(|&i| self.is_name_word(i)).count();
            let ends_with_word = self.is_name_word(group_end - 1);
            if count >= 2 && ends_with_word {
                if let Some(start) = self.name_start_before(group_end, at) {
                    names.push((start, group_end));
                }
                return;
            }
            let after_word = at > first
                && self.joined(at)
                && self
                    .word(at - 1)
                    .is_some_and(|w| is_capitalized(w) && !introduces_name(w));
            if count == 1 && ends_with_word && after_word {
                single = Some((at, group_end));
            }
            at = group_end;
        }
        if let Some(single) = single {
            singles.push(single);
        }
    }

    /// The end of the run of name pieces written together from `start`, if one starts
    /// there.
    fn name_pieces_end(&self, start: usize) -> Option<usize> {
        let mut at = start;
        loop {
            let length = match self.piece_at(at) {
                Some((_, length)) => length,
                None if self.is_capitals_family_name(at) => 1,
                None => break,
            };
            if at > start && !self.joined(at) {
                break;
            }
            at += length;
        }
        (at > start).then_some(at)
    }

    /// Where the name that ends before `end` starts, not before `from`: the words and
    /// initials written together before `end`. Of a longer run, the name is what a
    /// middle initial or a listed given name starts, three words for a Korean name
    /// written unhyphenated (`Lee Jae Myung`) or after a listed word, and otherwise the
    /// last two words.
    fn name_start_before(&self, end: usize, from: usize) -> Option<usize> {
        // The pieces before `end`, last first.
        let mut pieces: Vec<(usize, Piece)> = Vec::new();
        let mut at = end;
        while at > from {
            let (index, piece) = if at >= 2
                && self.punct(at - 1) == Some('.')
                && self.piece_at(at - 2) == Some((Piece::Initial, 2))
            {
                (at - 2, Piece::Initial)
            } else if let Some((piece, 1)) = self.piece_at(at - 1) {
                (at - 1, piece)
            } else if self.is_capitals_family_name(at - 1) {
                (at - 1, Piece::Word)
            } else {
                break;
            };
            if index < from || (at < end && !self.joined(at)) {
                break;
            }
            pieces.push((index, piece));
            at = index;
        }
        pieces.reverse();
        let words: Vec<usize> = pieces
            .iter()
            .filter(|(_, piece)| *piece == Piece::Word)
            .map(|(index, _)| *index)
            .collect();
        let (&(first, _), Some(&last_word)) = (pieces.first()?, words.last()) else {
            return None;
        };
        if last_word < pieces.last()?.0 {
            // The run ends with an initial, which is no name.
            return None;
        }
        if words.len() <= 2 {
            return Some(first);
        }
        // `Maria T. Lindgren Ruiz`: the word before the first middle initial.
        if let Some(position) = pieces
            .iter()
            .position(|(_, piece)| *piece == Piece::Initial)
            .filter(|&p| p > 0)
        {
            return Some(pieces[position - 1].0);
        }
        if let Some(&given) = words
            .iter()
            .find(|&&i| self.word(i).is_some_and(|w| GIVEN_NAMES_SET.contains(w)))
        {
            return Some(given);
        }
        let last_three = words[words.len() - 3];
        if is_korean_surname(self.word(last_three).unwrap_or(""))
            && !is_hyphenated_given_name(self.word(last_three + 1).unwrap_or(""))
        {
            return Some(last_three);
        }
        // Three words after a listed word of an office (`Minister of Energy Affairs Saad
        // Sherida Al-Kaabi`) are one name; after an unlisted one, that word is more likely
        // the office's own.
        let after_listed = self
            .word(first.wrapping_sub(1))
            .is_some_and(|w| NOT_NAME_WORDS_SET.contains(w) || introduces_name(w));
        if words.len() == 3 && after_listed {
            return Some(first);
        }
        Some(words[words.len() - 2])
    }

    fn before_title(&self, comma: usize, names: &mut Vec<(usize, usize)>) {
        let mut after = comma + 1;
        while self
            .word(after)
            .is_some_and(|w| TITLE_MODIFIERS_SET.contains(w))
        {
            after += 1;
        }
        if !self.word(after).is_some_and(is_title) {
            return;
        }
        let Some(start) = self.name_start_before(comma, comma.saturating_sub(6)) else {
            return;
        };
        if comma - start < 2 {
            return;
        }
        // The name must start its phrase, not continue a capitalised run.
        if start > 0
            && self.joined(start)
            && self
                .word(start - 1)
                .is_some_and(|w| is_capitalized(w) && !introduces_name(w))
        {
            return;
        }
        names.push((start, comma));
    }

    fn surname_of(&self, start: usize, end: usize) -> Option<&'a str> {
        let first = self.word(start)?;
        let second = self.word(start + 1).unwrap_or("");
        // `von der Leyen`: the particles belong to the surname.
        let mut particles = end - 1;
        while particles > start + 1
            && self
                .word(particles - 1)
                .is_some_and(|w| people::NAME_PARTICLES.contains(&w))
        {
            particles -= 1;
        }
        if particles < end - 1 {
            return self
                .text
                .get(self.tokens[particles].start..self.tokens[end - 1].end);
        }
        // `TANAKA Kenji`: the family name comes first.
        if self.is_capitals_family_name(start) {
            return Some(first);
        }
        if is_initials(first) || is_dotted_initials(first) {
            return self.word(end - 1);
        }
        if is_korean_surname(first) && (is_hyphenated_given_name(second) || end - start == 3) {
            return Some(first);
        }
        self.word(end - 1)
    }

    /// Where a mention of `surname` ending with the word at `index` starts: `index`
    /// itself, or the first of its particles (`von der Leyen`, also `Von der Leyen`
    /// opening a sentence), which must all be there.
    fn particles_before(&self, index: usize, surname: &str) -> Option<usize> {
        let mut first = index;
        for particle in surname.rsplit(' ').skip(1) {
            let previous = first.checked_sub(1)?;
            let word = self.word(previous)?;
            if !self.joined(first) || !word.eq_ignore_ascii_case(particle) {
                return None;
            }
            first = previous;
        }
        Some(first)
    }

    fn keyed(&self, spans: &[(usize, usize)]) -> People {
        let mut people = People::default();
        let full_text = |start: usize, end: usize| {
            self.text
                .get(self.tokens[start].start..self.tokens[end - 1].end)
                .unwrap_or("")
        };
        for &(start, end) in spans {
            let name = full_text(start, end);
            let mut key = slug(name);
            let first = self.word(start).unwrap_or("");
            if is_initials(first) && end - start == 2 {
                // `JK Kim` is `Kim Jung-kwan` when the article names him in full.
                let surname = self.word(start + 1).unwrap_or("");
                let wanted: Vec<char> = first.chars().collect();
                for &(other_start, other_end) in spans {
                    if other_end - other_start != 2 || self.word(other_start) != Some(surname) {
                        continue;
                    }
                    let given = self.word(other_start + 1).unwrap_or("");
                    let initials: Vec<char> = given
                        .split('-')
                        .filter_map(|part| part.chars().next())
                        .map(|c| c.to_ascii_uppercase())
                        .collect();
                    if initials == wanted {
                        key = slug(full_text(other_start, other_end));
                    }
                }
            }
            if let Some(surname) = self.surname_of(start, end) {
                people
                    .surnames
                    .push((surname.to_owned(), key.clone(), self.tokens[start].start));
            }
            people.names.push(PersonName {
                range: TextRange::new(self.tokens[start].start, self.tokens[end - 1].end),
                key,
            });
        }
        people
    }

    /// Surnames after a title (`President Tanaka`): the key of the full name with that
    /// surname nearest before (or else after) in the article, or their own. Each becomes
    /// a surname later mentions follow.
    fn add_singles(
        &self,
        people: &mut People,
        singles: Vec<(usize, usize)>,
        names: &[(usize, usize)],
    ) {
        let mut own: Vec<(String, String, usize)> = Vec::new();
        for (start, end) in singles {
            if names.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            let range = TextRange::new(self.tokens[start].start, self.tokens[end - 1].end);
            let Some(surname) = self.text.get(range.start..range.end) else {
                continue;
            };
            let key = nearest_key(&people.surnames, surname, range.start)
                .or_else(|| nearest_key(&own, surname, range.start))
                .unwrap_or_else(|| slug(surname));
            own.push((surname.to_owned(), key.clone(), range.start));
            people.names.push(PersonName { range, key });
        }
        people.surnames.extend(own);
        people.names.sort_by_key(|n| (n.range.start, n.range.end));
    }

    /// Follow-up mentions of known surnames: `Yeo` after `Yeo Han-koo`. A surname
    /// right after another capitalised word that is not a title or an acronym
    /// (`Namsan Park`) or before one (`Park Avenue`) is not a mention; before
    /// `Administration` or `Government`, or a headline verb, it is.
    pub fn surname_mentions(&self, people: &People) -> Vec<PersonName> {
        let mut found = Vec::new();
        // Few words start like a known surname; the rest are skipped at their first byte,
        // looked up in a table rather than searched for in a list.
        // A surname with particles (`von der Leyen`) is found at its last word, then
        // checked backwards.
        let by_last_word: Vec<(&str, &(String, String, usize))> = people
            .surnames
            .iter()
            .map(|entry| (entry.0.rsplit(' ').next().unwrap_or(""), entry))
            .collect();
        let mut first_bytes = [false; 256];
        for (last_word, _) in &by_last_word {
            if let Some(&first) = last_word.as_bytes().first() {
                first_bytes[usize::from(first)] = true;
            }
        }
        if !first_bytes.contains(&true) {
            return found;
        }
        for index in 0..self.tokens.len() {
            let Some(word) = self.word(index) else {
                continue;
            };
            if !word
                .as_bytes()
                .first()
                .is_some_and(|&b| first_bytes[usize::from(b)])
            {
                continue;
            }
            let candidates: Vec<(usize, &(String, String, usize))> = by_last_word
                .iter()
                .filter(|(last_word, _)| *last_word == word)
                .filter_map(|(_, entry)| Some((self.particles_before(index, &entry.0)?, *entry)))
                .collect();
            let Some(&(first, _)) = candidates.first() else {
                continue;
            };
            if first > 0
                && self.joined(first)
                && self
                    .word(first - 1)
                    .is_some_and(|w| is_capitalized(w) && !introduces_name(w) && !is_all_caps(w))
            {
                continue;
            }
            if self.joined(index + 1)
                && self.word(index + 1).is_some_and(|w| {
                    is_capitalized(w)
                        && !matches!(w, "Administration" | "Government")
                        && !words::HEADLINE_VERBS.contains(&w)
                })
            {
                continue;
            }
            let at = self.tokens[first].start;
            let key = candidates
                .iter()
                .map(|(_, entry)| *entry)
                .filter(|(_, _, start)| *start <= at)
                .max_by_key(|(_, _, start)| *start)
                .or_else(|| {
                    candidates
                        .iter()
                        .map(|(_, entry)| *entry)
                        .min_by_key(|(_, _, start)| *start)
                })
                .map(|(_, key, _)| key.clone());
            if let Some(key) = key {
                found.push(PersonName {
                    range: TextRange::new(at, self.tokens[index].end),
                    key,
                });
            }
        }
        found
    }
}

impl PeopleFinder<'_> {
    /// Every other mention of a full name found: a headline often names a person
    /// without the title the body gives (`Anna Lind Meets …`).
    pub fn name_mentions(&self, people: &People) -> Vec<PersonName> {
        let mut found = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for person in &people.names {
            let Some(name) = self.text.get(person.range.start..person.range.end) else {
                continue;
            };
            if !name.contains(' ') || !seen.insert(name) {
                continue;
            }
            for start in memchr::memmem::find_iter(self.text.as_bytes(), name.as_bytes()) {
                let range = TextRange::new(start, start + name.len());
                if super::gazetteer::is_word_boundary(self.text, range.start, range.end)
                    && !people.names.iter().any(|p| p.range.intersects(range))
                {
                    found.push(PersonName {
                        range,
                        key: person.key.clone(),
                    });
                }
            }
        }
        found
    }
}

/// The key of the name with `surname` nearest before `at`, or else the first after it.
fn nearest_key(surnames: &[(String, String, usize)], surname: &str, at: usize) -> Option<String> {
    let matching = surnames.iter().filter(|(s, _, _)| s == surname);
    matching
        .clone()
        .filter(|(_, _, start)| *start <= at)
        .max_by_key(|(_, _, start)| *start)
        .or_else(|| matching.min_by_key(|(_, _, start)| *start))
        .map(|(_, key, _)| key.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::tokens::tokenize;

    fn render(text: &str) -> String {
        let tokens = tokenize(text);
        let known = |t: &Token| matches!(t.text(text), "Korea" | "NATO" | "US" | "Seoul");
        let finder = PeopleFinder::new(text, &tokens, &known);
        let people = finder.find();
        let mut all = people.names.clone();
        for follow in finder.surname_mentions(&people) {
            if !all.iter().any(|n| n.range.intersects(follow.range)) {
                all.push(follow);
            }
        }
        all.sort_by_key(|n| n.range.start);
        all.iter()
            .map(|n| format!("[{}]{{{}}}", &text[n.range.start..n.range.end], n.key))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The people scan passes over lower-case words unless they are listed.
    #[test]
    fn lower_case_titles_are_listed() {
        let titles = [
            people::TITLES,
            people::TITLES_IN_NAMES,
            people::KOREAN_SURNAMES,
        ];
        for title in titles.concat() {
            assert!(
                crate::recognize::tokens::is_capitalized(title)
                    || people::LOWER_CASE_TITLES.contains(&title),
                "{title}"
            );
        }
    }

    #[test]
    fn title_patterns() {
        let cases = [
            (
                "Trade Minister Ahn Duk-geun said. Later, Ahn added",
                "[Ahn Duk-geun]{ahn-duk-geun} [Ahn]{ahn-duk-geun}",
            ),
            (
                "Commissioner for Competition and Digital Affairs Teresa Ribera met",
                "[Teresa Ribera]{teresa-ribera}",
            ),
            (
                "Minister of Land, Transport and Tourism Kenji Sato and Korean Oceans, \
                 Fisheries and Ports Minister Park Ji-won signed",
                "[Kenji Sato]{kenji-sato} [Park Ji-won]{park-ji-won}",
            ),
            (
                "Crown Prince Mohammed bin Salman and Emir Sheikh Tamim bin Hamad Al Thani met",
                "[Mohammed bin Salman]{mohammed-bin-salman} \
                 [Tamim bin Hamad Al Thani]{tamim-bin-hamad-al-thani}",
            ),
            (
                "met Teresa Ribera, Executive Vice-President of the Commission",
                "[Teresa Ribera]{teresa-ribera}",
            ),
            (
                "President Moon Jae-in and Prime Minister Han Duck-soo",
                "[Moon Jae-in]{moon-jae-in} [Han Duck-soo]{han-duck-soo}",
            ),
            (
                "NATO Secretary General Jens Stoltenberg spoke",
                "[Jens Stoltenberg]{jens-stoltenberg}",
            ),
            (
                "Director-General for Trade Policy Lee Ha-eun and Director-General Lee",
                "[Lee Ha-eun]{lee-ha-eun} [Lee]{lee-ha-eun}",
            ),
            (
                "Minister DG Choi opened. Minister Choi Dong-gyu of the",
                "[DG Choi]{choi-dong-gyu} [Choi Dong-gyu]{choi-dong-gyu}",
            ),
            (
                "under the Moon Jae-in administration and the Biden administration",
                "[Moon Jae-in]{moon-jae-in} [Biden]{biden}",
            ),
            // A surname after a title, and again alone.
            (
                "President Okonkwo met Chancellor Lindqvist. Okonkwo said",
                "[Okonkwo]{okonkwo} [Lindqvist]{lindqvist} [Okonkwo]{okonkwo}",
            ),
            // A surname after a title takes the key of the full name in the article.
            (
                "Trade Minister Aiko Tanabe spoke. Later, Minister Tanabe added",
                "[Aiko Tanabe]{aiko-tanabe} [Tanabe]{aiko-tanabe}",
            ),
            // Middle initials, with or without a title.
            (
                "Assistant Secretary for Industry Paul R. Okafor and Maria T. Lindgren met",
                "[Paul R. Okafor]{paul-r-okafor} [Maria T. Lindgren]{maria-t-lindgren}",
            ),
            // Honorifics, with their periods, and in a row.
            (
                "Shri Vikram Rao met H.E. Mr. R.K. Menon and Dr. Lena Holt. Mr. Rao said",
                "[Vikram Rao]{vikram-rao} [R.K. Menon]{rk-menon} [Lena Holt]{lena-holt} \
                 [Rao]{vikram-rao}",
            ),
            (
                "the Honourable Mary Okeke, Minister of Finance",
                "[Mary Okeke]{mary-okeke}",
            ),
            // Family names in capitals come first.
            (
                "Minister for Foreign Affairs TANAKA Kenji and Minister NODA said",
                "[TANAKA Kenji]{tanaka-kenji} [NODA]{noda}",
            ),
            // A name stops before a headline verb.
            (
                "Prime Minister Kenta Mori Visits Lisbon",
                "[Kenta Mori]{kenta-mori}",
            ),
            // A listed given name starts a name without a title.
            (
                "Talks with Daniel Ferreira went on",
                "[Daniel Ferreira]{daniel-ferreira}",
            ),
            // The name after a complement is the run of name words in it.
            (
                "Minister of Mining and Heavy Industry Batbold Dorj and Vice Minister Lee said",
                "[Batbold Dorj]{batbold-dorj} [Lee]{lee}",
            ),
            (
                "Minister of Economy, Trade and Industry (METI) Ito Kenta spoke",
                "[Ito Kenta]{ito-kenta}",
            ),
            // Words of portfolios and demonyms are not names.
            ("the Minister for Trade and Tourism said", ""),
            ("the Australian Government and Minister of Textiles", ""),
            (
                "President Yoon Suk Yeol vowed",
                "[Yoon Suk Yeol]{yoon-suk-yeol}",
            ),
            (
                "US President Joe Biden said Biden would",
                "[Joe Biden]{joe-biden} [Biden]{joe-biden}",
            ),
            (
                "walked in Namsan Park with Park Ji-won; Park said",
                "[Park Ji-won]{park-ji-won} [Park]{park-ji-won}",
            ),
            ("the President of the Korea Institute said", ""),
            ("Chair of the Trade Committee", ""),
            (
                "Vice Finance Minister Kim Beom-seok, who",
                "[Kim Beom-seok]{kim-beom-seok}",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(render(text), expected, "in {text:?}");
        }
    }
}
