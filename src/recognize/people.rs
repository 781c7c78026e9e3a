//! People: names after titles (`Trade Minister Yeo Han-koo`), before titles
//! (`Maroš Šefčovič, Commissioner for …`), Korean names by their shape
//! (`Kim Dae-ja`), `X administration`, and later surname-only mentions.
//!
//! Titles stay outside the span. A full name's key is the slug of the name; an
//! initials form (`JK Kim`) takes the key of a full name in the article whose given
//! name has those initials (`Kim Jung-kwan`), and a bare surname takes the key of the
//! nearest full name with that surname.

use super::lists::{people, words};
use super::normalize::slug;
use super::tokens::{Token, WordSet, is_all_caps, is_capitalized};
use crate::text::TextRange;

static KOREAN_SURNAMES_SET: WordSet = WordSet::new(people::KOREAN_SURNAMES);

/// Words that introduce a name: titles, ranks and roles. The last one before the name
/// counts, so `Deputy Secretary-General` and `Trade Minister` work alike.
pub static TITLE_WORDS_SET: WordSet = WordSet::union(&[people::TITLES, people::TITLES_IN_NAMES]);

/// Words before a title in `Name, Deputy Minister …`.
static TITLE_MODIFIERS_SET: WordSet = WordSet::new(people::TITLE_MODIFIERS);

/// Capitalised words that are never part of a person's name.
static NOT_NAME_WORDS_SET: WordSet = WordSet::union(&[
    people::NOT_NAME_WORDS,
    words::FUNCTION_WORDS,
    words::WEEKDAYS,
    words::MONTHS,
]);

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
    /// Surnames of full names with their keys, for follow-up mentions.
    pub surnames: Vec<(String, String, usize)>,
}

fn is_title(word: &str) -> bool {
    TITLE_WORDS_SET.contains(word)
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

    /// A word that may be part of a name.
    fn is_name_token(&self, index: usize) -> bool {
        let Some(word) = self.word(index) else {
            return false;
        };
        let Some(first) = word.chars().next() else {
            return false;
        };
        if !first.is_uppercase() || NOT_NAME_WORDS_SET.contains(word) || is_title(word) {
            return false;
        }
        if (self.is_known)(&self.tokens[index]) {
            return false;
        }
        if is_all_caps(word) {
            // Only initials followed by a surname: `JK Kim`.
            return is_initials(word)
                && self.joined(index + 1)
                && self
                    .word(index + 1)
                    .is_some_and(|w| is_capitalized(w) && !is_all_caps(w));
        }
        word.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    }

    /// The tokens of a name starting at `start`, at most `max` words before a surname
    /// with particles (`Ursula von der Leyen`, `Luiz Inácio Lula da Silva`), which ends
    /// the name.
    fn name_from(&self, start: usize, max: usize) -> usize {
        let mut count = 0;
        while count < max
            && self.is_name_token(start + count)
            && (count == 0 || self.joined(start + count))
        {
            count += 1;
        }
        if count > 0 {
            let surname = self.particle_surname_at(start + count);
            count += surname;
            // Arabic names go on after `bin` (`Tamim bin Hamad Al Thani`).
            let mut more = 0;
            while surname > 0
                && more < 2
                && self.joined(start + count)
                && self.is_name_token(start + count)
            {
                count += 1;
                more += 1;
            }
        }
        count
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
        if end > index && self.joined(end) && self.is_name_token(end) {
            end + 1 - index
        } else {
            0
        }
    }

    pub fn find(&self) -> People {
        let mut names: Vec<(usize, usize)> = Vec::new();
        let mut singles: Vec<usize> = Vec::new();
        for index in 0..self.tokens.len() {
            // `Name, Deputy Minister …`.
            if self.punct(index) == Some(',') {
                self.before_title(index, &mut names);
            }
            let Some(word) = self.word(index) else {
                continue;
            };
            // Titles and Korean family names are capitalised but for a few listed
            // words; most words of a text are passed over here.
            if !self.tokens[index].is_capitalized()
                && word != "administration"
                && !people::LOWER_CASE_TITLES.contains(&word)
            {
                continue;
            }
            if is_title(word) && !self.word(index + 1).is_some_and(is_title) {
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
                        singles.push(start);
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
        }
        let _ = singles;
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
        self.keyed(kept)
    }

    fn after_title(&self, title: usize, names: &mut Vec<(usize, usize)>, singles: &mut Vec<usize>) {
        let next = title + 1;
        if !self.joined(next) {
            return;
        }
        match self.word(next) {
            Some("for" | "of") => {
                // `Director-General for Trade and Investment Kang Gam-chan`: the name
                // closes the complement.
                let mut end = next + 1;
                if self.word(end) == Some("the") {
                    end += 1;
                }
                let mut last_word = None;
                // Where the name ends when another title follows: at the first `and`
                // after two capitalised words or more (`Minister of Economy, Trade and
                // Industry Ryosei Akazawa and Korean Trade, Industry and Resources
                // Minister Kim Jung-kwan`).
                let mut cut = None;
                let mut run = 0;
                while self.joined(end) {
                    match (self.word(end), self.punct(end)) {
                        (Some(w), _) if is_title(w) && cut.is_some() => {
                            last_word = cut;
                            break;
                        }
                        (Some("and"), _) => {
                            if run >= 2 && cut.is_none() {
                                cut = last_word;
                            }
                            run = 0;
                            last_word = Some(end);
                            end += 1;
                        }
                        (Some(w), _) if is_capitalized(w) => {
                            run += 1;
                            last_word = Some(end);
                            end += 1;
                        }
                        (_, Some(',' | '&')) => {
                            run = 0;
                            end += 1;
                        }
                        _ => break,
                    }
                }
                let Some(last) = last_word else { return };
                let mut start = last + 1;
                while start > next + 1
                    && last + 1 - (start - 1) <= 3
                    && self.is_name_token(start - 1)
                    && self.joined(start)
                {
                    start -= 1;
                }
                let length = last + 1 - start;
                // Two words, or three for a Korean name written unhyphenated
                // (`Lee Jae Myung`); a longer run is more likely part of the title.
                let take = if length >= 3
                    && is_korean_surname(self.word(last - 2).unwrap_or(""))
                    && !is_hyphenated_given_name(self.word(last - 1).unwrap_or(""))
                {
                    3
                } else {
                    2
                };
                if length >= 2 {
                    names.push((last + 1 - take, last + 1));
                }
            }
            _ => {
                let length = self.name_from(next, 3);
                match length {
                    0 => {}
                    1 => singles.push(next),
                    _ => {
                        let end = next + length;
                        // A capitalised word right after is not part of a name we
                        // understand; leave the whole thing alone.
                        if !(self.joined(end)
                            && self.word(end).is_some_and(|w| {
                                is_capitalized(w) && !is_title(w) && !NOT_NAME_WORDS_SET.contains(w)
                            }))
                        {
                            names.push((next, end));
                        }
                    }
                }
            }
        }
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
        let mut start = comma;
        while start > 0
            && comma - start < 3
            && self.is_name_token(start - 1)
            && (start == comma || self.joined(start))
        {
            start -= 1;
        }
        let length = comma - start;
        if length < 2 {
            return;
        }
        // The name must start its phrase, not continue a capitalised run.
        if start > 0 && self.joined(start) && self.word(start - 1).is_some_and(is_capitalized) {
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
        if is_initials(first) {
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

    fn keyed(&self, spans: Vec<(usize, usize)>) -> People {
        let mut people = People::default();
        let full_text = |start: usize, end: usize| {
            self.text
                .get(self.tokens[start].start..self.tokens[end - 1].end)
                .unwrap_or("")
        };
        for &(start, end) in &spans {
            let name = full_text(start, end);
            let mut key = slug(name);
            let first = self.word(start).unwrap_or("");
            if is_initials(first) && end - start == 2 {
                // `JK Kim` is `Kim Jung-kwan` when the article names him in full.
                let surname = self.word(start + 1).unwrap_or("");
                let wanted: Vec<char> = first.chars().collect();
                for &(other_start, other_end) in &spans {
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

    /// Follow-up mentions of known surnames: `Yeo` after `Yeo Han-koo`. A surname
    /// right after another capitalised word that is not a title (`Namsan Park`) or
    /// before one (`Park Avenue`) is not a mention.
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
                    .is_some_and(|w| is_capitalized(w) && !is_title(w))
            {
                continue;
            }
            if self.joined(index + 1) && self.word(index + 1).is_some_and(is_capitalized) {
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
                "[Moon Jae-in]{moon-jae-in}",
            ),
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
