//! Named entities: organisations, people, places, agreements and events.
//!
//! Each recogniser proposes candidates; [`resolve`] keeps a flat, non-overlapping set,
//! the longest name first (tags are flat and the outermost name wins). On equal spans
//! a learned form beats the knowledge base, which beats a rule, which beats a date or
//! amount. Acronyms defined in the article then take their long form's type and key,
//! and surnames of people found take their full name's key.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use super::acronyms::{Definition, find_definitions};
use super::cues::{Known, find_cued_names};
use super::gazetteer::{Gazetteer, is_word_boundary};
use super::heads::{VENUE_WORD_SET, find_head_names, head_key};
use super::normalize::{NormalizedText, slug};
use super::people::PeopleFinder;
use super::tokens::{FastHashBuilder, Token};
use super::{AcronymDef, ArticleText, EntityType, Lexicon, Mention, Recognized};
use crate::kb::KnowledgeBase;
use crate::text::TextRange;

/// Where a candidate came from; lower wins on equal spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Lexicon,
    KnowledgeBase,
    Rule,
    Value,
}

#[derive(Clone, Debug)]
struct Candidate {
    mention: Mention,
    tier: Tier,
}

pub struct EntityRecognizer {
    gazetteer: Gazetteer,
}

impl EntityRecognizer {
    pub fn new(kb: &KnowledgeBase) -> EntityRecognizer {
        let mut forms = Vec::new();
        for entry in kb.entries() {
            // The knowledge base holds entries of entity types only: the default ones and
            // those the workspace declares.
            let ty = EntityType::custom(&entry.ty);
            if !ty.is_keyed() {
                continue;
            }
            for surface in std::iter::once(&entry.name).chain(&entry.aliases) {
                forms.push((surface.clone(), ty, Some(entry.key.clone())));
            }
        }
        EntityRecognizer {
            gazetteer: Gazetteer::new(forms),
        }
    }

    /// Finds entities and merges them with the date and amount mentions found by the
    /// other recognisers into one flat, sorted list.
    /// `tokens` are those of the article's text.
    pub fn recognize(
        &self,
        article: &ArticleText<'_>,
        tokens: &[Token],
        lexicon: &Lexicon,
        dates: Vec<Mention>,
        amounts: Vec<Mention>,
    ) -> Recognized {
        let text = article.text;
        let normalized = NormalizedText::new(text);
        // Candidates are large and an article yields hundreds: growing the vector step
        // by step copied them several times over.
        let mut candidates = Vec::with_capacity(dates.len() + amounts.len() + tokens.len() / 4);

        // Learned forms and the knowledge base.
        if let Some(learned) = lexicon.gazetteer() {
            for m in learned.find(text, &normalized, tokens) {
                let target = learned.target(m.target);
                // Names inside a venue's name are never mentions, however taught.
                if matches!(target.ty, EntityType::Place | EntityType::Org)
                    && is_in_venue(text, tokens, m.range)
                {
                    continue;
                }
                candidates.push(candidate(
                    m.range,
                    target.ty,
                    target.key.clone(),
                    Tier::Lexicon,
                ));
            }
        }
        let mut known_places: Vec<TextRange> = Vec::new();
        let mut known_names: Vec<(TextRange, EntityType)> = Vec::new();
        for m in self.gazetteer.find(text, &normalized, tokens) {
            let target = self.gazetteer.target(m.target);
            known_names.push((m.range, target.ty));
            if matches!(target.ty, EntityType::Place | EntityType::Org)
                && is_in_venue(text, tokens, m.range)
            {
                continue;
            }
            if matches!(target.ty, EntityType::Place | EntityType::Org) {
                known_places.push(m.range);
            }
            candidates.push(candidate(
                m.range,
                target.ty,
                target.key.clone(),
                Tier::KnowledgeBase,
            ));
        }
        known_places.sort();
        let is_known = |token: &Token| {
            let range = TextRange::new(token.start, token.end);
            let at = known_places.partition_point(|r| r.start < range.start);
            known_places[at.saturating_sub(1)..]
                .iter()
                .take(3)
                .any(|r| r.intersects(range))
        };

        // People, first: a person's name ends the complement of a head name.
        let finder = PeopleFinder::new(text, tokens, &is_known);
        let people = finder.find();
        let person_starts: Vec<usize> = people.names.iter().map(|p| p.range.start).collect();
        let starts_person = |token: &Token| person_starts.binary_search(&token.start).is_ok();

        // Names by head word.
        let year = article.date.map(|d| d.year());
        for name in find_head_names(text, tokens, year, &is_known, &starts_person) {
            let surface = text.get(name.name.start..name.name.end).unwrap_or("");
            // `the Tanaka Administration` is Tanaka's.
            if is_persons_government(surface, &people.surnames) {
                continue;
            }
            let key = match (self.gazetteer.lookup(surface), &name.occurrence) {
                (Some(target), None) if target.ty == name.ty => target.key.clone(),
                _ => Some(head_key(text, &name)),
            };
            candidates.push(candidate(name.range, name.ty, key, Tier::Rule));
        }

        for person in &people.names {
            candidates.push(candidate(
                person.range,
                EntityType::Person,
                Some(person.key.clone()),
                Tier::Rule,
            ));
        }
        candidates.extend(place_rules(text, tokens));
        candidates.extend(self.country_summits(text, tokens, &known_names));
        candidates.extend(trade_law_sections(text));

        // Names found by context cues.
        let person_ranges: Vec<TextRange> = people.names.iter().map(|p| p.range).collect();
        let known = Known {
            names: &known_names,
            people: &person_ranges,
        };
        for (range, ty) in find_cued_names(text, tokens, &known) {
            let key = text.get(range.start..range.end).map(slug);
            candidates.push(candidate(range, ty, key, Tier::Rule));
        }

        for mention in dates.into_iter().chain(amounts) {
            candidates.push(Candidate {
                mention,
                tier: Tier::Value,
            });
        }

        let mut mentions = resolve(candidates);
        share_keys_between_name_forms(text, &mut mentions);

        // Acronyms: type and key from the long form, then every mention of the short.
        let definitions = find_definitions(text);
        let acronyms = type_acronyms(text, &definitions, &mut mentions);
        add_acronym_mentions(text, tokens, &acronyms, &mut mentions);

        // Full names and surnames of the people found, wherever else they appear.
        let follow_ups: Vec<Candidate> = finder
            .name_mentions(&people)
            .into_iter()
            .chain(finder.surname_mentions(&people))
            .map(|p| candidate(p.range, EntityType::Person, Some(p.key), Tier::Rule))
            .collect();
        add_in_gaps(&mut mentions, follow_ups.into_iter().map(|c| c.mention));
        let markers = date_markers(text);
        if !markers.is_empty() {
            mentions.retain(|m| !markers.iter().any(|r| r.intersects(m.range)));
        }
        mentions.sort_unstable_by_key(|m| (m.range.start, m.range.end));
        Recognized { mentions, acronyms }
    }
}

impl EntityRecognizer {
    /// `Korea–Japan summit`: a lower-case summit named by the countries that hold it is
    /// an event (a summit named by an organisation, `the NATO summit`, is not); so is a
    /// lower-case trade agreement an agreement (`the EU–Chile trade agreement`).
    fn country_summits(
        &self,
        text: &str,
        tokens: &[Token],
        known_names: &[(TextRange, EntityType)],
    ) -> Vec<Candidate> {
        let mut found = Vec::new();
        // What follows the countries, in lower case, what it makes of them and the end
        // of their key.
        const PHRASES: [(&str, EntityType, &str); 5] = [
            ("summit", EntityType::Event, "summit"),
            ("free trade agreement", EntityType::Agreement, "fta"),
            ("trade agreement", EntityType::Agreement, "fta"),
            ("free trade deal", EntityType::Agreement, "fta"),
            ("trade deal", EntityType::Agreement, "fta"),
        ];
        // The last country is a place the gazetteer found, so only the few places
        // followed by one of the phrases need a closer look.
        for (place, _) in known_names
            .iter()
            .filter(|(_, ty)| *ty == EntityType::Place)
        {
            let Some(start) = text
                .get(place.end..)
                .and_then(|rest| rest.strip_prefix(' '))
                .map(|_| place.end + 1)
            else {
                continue;
            };
            let Some(&(phrase, ty, suffix)) = PHRASES.iter().find(|(phrase, ..)| {
                text.get(start..)
                    .is_some_and(|rest| rest.starts_with(phrase))
                    && is_word_boundary(text, start, start + phrase.len())
            }) else {
                continue;
            };
            let at = tokens.partition_point(|t| t.start < start);
            let (Some(first_word), Some(last)) = (tokens.get(at), at.checked_sub(1)) else {
                continue;
            };
            if first_word.start != start
                || !first_word.joined_to_previous
                || !tokens[last].is_word()
            {
                continue;
            }
            let end = start + phrase.len();
            // The countries are the words and dashes written together before the phrase
            // (`Korea–U.S.–Japan` is more than one token).
            const DASHES: [char; 5] = ['-', '\u{2010}', '\u{2011}', '\u{2013}', '\u{2014}'];
            let is_dash = |t: &Token| !t.is_word() && t.text(text).starts_with(DASHES);
            let mut first = last;
            while first > 0
                && tokens[first - 1].end == tokens[first].start
                && (tokens[first - 1].is_word() || is_dash(&tokens[first - 1]))
            {
                first -= 1;
            }
            if !tokens[first].is_word() {
                continue;
            }
            let place = |part: &str| {
                self.gazetteer
                    .lookup(part)
                    .filter(|target| target.ty == EntityType::Place)
            };
            let names = &text[tokens[first].start..tokens[last].end];
            let countries: Option<Vec<_>> = names.split(DASHES).map(place).collect();
            let Some(countries) = countries.filter(|c| c.len() >= 2) else {
                continue;
            };
            // `South Korea–Japan summit`: the first country may be two words.
            let mut from = tokens[first].start;
            if first > 0
                && tokens[first].joined_to_previous
                && tokens[first - 1].is_word()
                && let Some(country) = names.split(DASHES).next()
                && place(&format!("{} {country}", tokens[first - 1].text(text))).is_some()
            {
                from = tokens[first - 1].start;
            }
            let range = TextRange::new(from, end);
            // The key is made of the countries' keys, so that `Korea-US summit` and
            // `South Korea–U.S. summit` are one summit.
            let mut key = String::new();
            for country in countries {
                key.push_str(country.key.as_deref().unwrap_or(&country.name));
                key.push('-');
            }
            key.push_str(suffix);
            found.push(candidate(range, ty, Some(key), Tier::Rule));
        }
        found
    }
}

/// Whether a head name is a person's administration or government: `Tanaka
/// Administration` after `President Tanaka`.
fn is_persons_government(name: &str, surnames: &[(String, String, usize)]) -> bool {
    let Some((modifier, head)) = name.rsplit_once(' ') else {
        return false;
    };
    matches!(head, "Administration" | "Government")
        && surnames.iter().any(|(surname, _, _)| surname == modifier)
}

/// `Section 232`, `Section 301`: the sections of US trade law that name tariff
/// mechanisms are agreements in the sense of the guidelines (trade-policy mechanisms).
/// Sections of other laws and documents (`Section 3`) have fewer digits and are left
/// alone.
fn trade_law_sections(text: &str) -> Vec<Candidate> {
    static SECTION_FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("Section "));
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for start in SECTION_FINDER.find_iter(bytes) {
        let number = start + "Section ".len();
        let digits = bytes[number..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = number + digits;
        if digits != 3 || !is_word_boundary(text, start, end) {
            continue;
        }
        let range = TextRange::new(start, end);
        let key = text.get(start..end).map(slug);
        found.push(candidate(range, EntityType::Agreement, key, Tier::Rule));
    }
    found
}

/// `dateYYYY-MM-DD` article-date markers, which are metadata and never a mention even
/// when a caller leaves one in the text.
fn date_markers(text: &str) -> Vec<TextRange> {
    let mut found = Vec::new();
    // `memmem` finds the same non-overlapping matches as `match_indices`, many times faster;
    // its searcher is built once, not once per article.
    static DATE_FINDER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("date"));
    for start in DATE_FINDER.find_iter(text.as_bytes()) {
        let rest = text.as_bytes().get(start + 4..).unwrap_or(&[]);
        let mut end = start + 4;
        if let Some(&b) = rest.first()
            && matches!(b, b':' | b' ')
        {
            end += 1;
            if rest.get(1) == Some(&b' ') {
                end += 1;
            }
        }
        let shape = b"dddd-dd-dd";
        let date = text.as_bytes().get(end..end + shape.len());
        let is_date = date.is_some_and(|d| {
            d.iter().zip(shape).all(|(&c, &s)| {
                if s == b'd' {
                    c.is_ascii_digit()
                } else {
                    c == s
                }
            })
        });
        if is_date && is_word_boundary(text, start, end + shape.len()) {
            found.push(TextRange::new(start, end + shape.len()));
        }
    }
    found
}

fn candidate(range: TextRange, ty: EntityType, key: Option<String>, tier: Tier) -> Candidate {
    Candidate {
        mention: Mention {
            range,
            ty,
            key,
            value: None,
            date: None,
        },
        tier,
    }
}

/// Keeps the longest candidates that do not overlap; see the module comment. A learned
/// form is never cut by a rule: rule candidates that cross one are dropped first.
fn resolve(mut candidates: Vec<Candidate>) -> Vec<Mention> {
    let learned: Vec<TextRange> = candidates
        .iter()
        .filter(|c| c.tier == Tier::Lexicon)
        .map(|c| c.mention.range)
        .collect();
    if !learned.is_empty() {
        candidates.retain(|c| {
            c.tier == Tier::Lexicon
                || !learned
                    .iter()
                    .any(|l| l.intersects(c.mention.range) && !c.mention.range.contains_range(*l))
        });
    }
    let ranges: Vec<(TextRange, Tier)> = candidates
        .iter()
        .map(|c| (c.mention.range, c.tier))
        .collect();
    let order = resolution_order(&ranges);
    // Kept ranges are non-empty and never overlap, so a set of covered bytes answers
    // "does this cross a kept one" in a few word operations.
    let text_len = ranges.iter().map(|(r, _)| r.end).max().unwrap_or(0);
    let mut covered = CoveredBytes::new(text_len);
    let mut keep = vec![false; candidates.len()];
    for index in order {
        let range = ranges[index].0;
        if range.is_empty() || covered.any(range) {
            continue;
        }
        covered.insert(range);
        keep[index] = true;
    }
    let mut kept: Vec<Mention> = candidates
        .into_iter()
        .zip(keep)
        .filter_map(|(c, keep)| keep.then_some(c.mention))
        .collect();
    // Kept mentions do not overlap, so no two share a start and end.
    kept.sort_unstable_by_key(|m| (m.range.start, m.range.end));
    kept
}

/// The indices of candidates in the order they are tried: longest first, then by tier,
/// start and index (so the order is that of a stable sort).
fn resolution_order(candidates: &[(TextRange, Tier)]) -> Vec<usize> {
    let text_len = candidates.iter().map(|(r, _)| r.end).max().unwrap_or(0);
    let bits = |n: usize| usize::BITS - n.leading_zeros();
    let (position_bits, index_bits) = (bits(text_len), bits(candidates.len()));
    if 2 * position_bits + 2 + index_bits >= u64::BITS {
        return resolution_order_by_tuples(candidates);
    }
    // The same order packed into one integer per candidate, which sorts several times
    // faster than tuples; every article short of tens of megabytes takes this path.
    let mut keys: Vec<u64> = candidates
        .iter()
        .enumerate()
        .map(|(index, (range, tier))| {
            let shorter_by = (text_len - range.len()) as u64;
            let start = range.start as u64;
            (((shorter_by << 2 | *tier as u64) << position_bits | start) << index_bits)
                | index as u64
        })
        .collect();
    keys.sort_unstable();
    let index_mask = (1u64 << index_bits) - 1;
    keys.into_iter()
        .map(|key| (key & index_mask) as usize)
        .collect()
}

/// [`resolution_order`] for candidates too many or too far apart to pack.
fn resolution_order_by_tuples(candidates: &[(TextRange, Tier)]) -> Vec<usize> {
    let mut order: Vec<(std::cmp::Reverse<usize>, Tier, usize, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(index, (range, tier))| (std::cmp::Reverse(range.len()), *tier, range.start, index))
        .collect();
    order.sort_unstable();
    order.into_iter().map(|(_, _, _, index)| index).collect()
}

/// A set of byte offsets, one bit each.
struct CoveredBytes {
    words: Vec<u64>,
}

impl CoveredBytes {
    fn new(len: usize) -> CoveredBytes {
        CoveredBytes {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// The bits of word `word` that fall in `range` (non-empty).
    fn mask(range: TextRange, word: usize) -> u64 {
        let first = (word * 64).max(range.start) - word * 64;
        let last = (range.end.min(word * 64 + 64) - word * 64) - 1;
        (u64::MAX >> (63 - last)) & (u64::MAX << first)
    }

    fn any(&self, range: TextRange) -> bool {
        (range.start / 64..=(range.end - 1) / 64).any(|w| {
            self.words
                .get(w)
                .is_some_and(|&bits| bits & Self::mask(range, w) != 0)
        })
    }

    fn insert(&mut self, range: TextRange) {
        for w in range.start / 64..=(range.end - 1) / 64 {
            if let Some(bits) = self.words.get_mut(w) {
                *bits |= Self::mask(range, w);
            }
        }
    }
}

fn overlaps(taken: &BTreeMap<usize, usize>, range: TextRange) -> bool {
    if let Some((_, &end)) = taken.range(..=range.start).next_back()
        && end > range.start
    {
        return true;
    }
    taken.range(range.start..range.end).next().is_some()
}

/// Adds mentions that fit between the existing ones.
fn add_in_gaps(mentions: &mut Vec<Mention>, extra: impl IntoIterator<Item = Mention>) {
    let extra: Vec<Mention> = extra.into_iter().collect();
    let all_ranges = || mentions.iter().chain(&extra).map(|m| m.range);
    if all_ranges().any(|r| r.is_empty()) {
        // An empty range still blocks a later one that starts at its offset, which the
        // set of covered bytes cannot say; this never happens with ranges from tokens.
        add_in_gaps_by_starts(mentions, extra);
        return;
    }
    let mut covered = CoveredBytes::new(all_ranges().map(|r| r.end).max().unwrap_or(0));
    for mention in mentions.iter() {
        covered.insert(mention.range);
    }
    for mention in extra {
        if !covered.any(mention.range) {
            covered.insert(mention.range);
            mentions.push(mention);
        }
    }
    mentions.sort_unstable_by_key(|m| (m.range.start, m.range.end));
}

fn add_in_gaps_by_starts(mentions: &mut Vec<Mention>, extra: Vec<Mention>) {
    let mut taken: BTreeMap<usize, usize> = mentions
        .iter()
        .map(|m| (m.range.start, m.range.end))
        .collect();
    for mention in extra {
        if !overlaps(&taken, mention.range) {
            taken.insert(mention.range.start, mention.range.end);
            mentions.push(mention);
        }
    }
    mentions.sort_unstable_by_key(|m| (m.range.start, m.range.end));
}

/// Whether a place match sits in a venue name (`Grand Hyatt Seoul`): its run of
/// capitalised words holds a venue word.
fn is_in_venue(text: &str, tokens: &[Token], range: TextRange) -> bool {
    let first = tokens.partition_point(|t| t.start < range.start);
    if first >= tokens.len() {
        return false;
    }
    let last = first + tokens[first..].partition_point(|t| t.end < range.end);
    let last = last.min(tokens.len() - 1);
    let capitalized = |t: &Token| t.is_word() && t.text(text).starts_with(char::is_uppercase);
    let mut start = first;
    while start > 0 && tokens[start].joined_to_previous && capitalized(&tokens[start - 1]) {
        start -= 1;
    }
    let mut end = last;
    while end + 1 < tokens.len()
        && tokens[end + 1].joined_to_previous
        && capitalized(&tokens[end + 1])
    {
        end += 1;
    }
    (start..=end)
        .filter(|&i| i < first || i > last)
        .any(|i| VENUE_WORD_SET.contains(tokens[i].text(text)))
}

/// Places no list holds: Korean districts (`Jung-gu`), `X district`, and `the North`
/// for North Korea in articles that name it.
fn place_rules(text: &str, tokens: &[Token]) -> Vec<Candidate> {
    let mut found = Vec::new();
    let names_north_korea = memchr::memmem::find(text.as_bytes(), b"North Korea").is_some();
    for (index, token) in tokens.iter().enumerate() {
        // Every rule below needs a capitalised word, which most words are not.
        if !token.is_word() || !token.is_capitalized() {
            continue;
        }
        let word = token.text(text);
        let range = TextRange::new(token.start, token.end);
        let next = || {
            tokens
                .get(index + 1)
                .filter(|t| t.joined_to_previous && t.is_word())
                .map(|t| t.text(text))
        };
        // A capital is not lower case, so a lower-case letter is one after the first.
        let is_name = token.has_lower();
        if is_name
            && word.len() > 4
            && super::lists::places::KOREAN_DISTRICT_SUFFIXES
                .iter()
                .any(|suffix| word.ends_with(suffix))
        {
            found.push(candidate(
                range,
                EntityType::Place,
                Some(slug(word)),
                Tier::Rule,
            ));
        }
        if is_name
            && matches!(next(), Some("district" | "province" | "county"))
            && !word.contains('-')
        {
            let prev_capitalized = index > 0
                && token.joined_to_previous
                && tokens[index - 1].text(text).starts_with(char::is_uppercase);
            if !prev_capitalized {
                found.push(candidate(
                    range,
                    EntityType::Place,
                    Some(slug(word)),
                    Tier::Rule,
                ));
            }
        }
        if word == "North"
            && names_north_korea
            && index > 0
            && tokens[index - 1].text(text) == "the"
            && !next().is_some_and(|n| n.starts_with(char::is_uppercase))
        {
            found.push(candidate(
                range,
                EntityType::Place,
                Some("north-korea".to_owned()),
                Tier::Rule,
            ));
        }
    }
    found
}

/// Within one article, a name and its shorter or longer form share a key: `EU Battery
/// Regulation` and `Battery Regulation`, `Foreign Subsidies Regulation` and `EU Foreign
/// Subsidies Regulation`. The key of the first form seen wins. Two names that only end
/// alike are two things: `Korea Energy Agency` and `International Energy Agency`.
fn share_keys_between_name_forms(text: &str, mentions: &mut [Mention]) {
    // Per type, from a name to the mention whose key it takes, and from a name's last
    // words to that mention; that mention keeps its key, so the key itself need not be
    // copied into the maps.
    #[derive(Default)]
    struct Forms {
        whole: HashMap<String, usize, FastHashBuilder>,
        tail: HashMap<String, usize, FastHashBuilder>,
    }
    let mut forms: [Forms; 2] = Default::default();
    for index in 0..mentions.len() {
        let mention = &mentions[index];
        let seen = match mention.ty {
            EntityType::Agreement => &mut forms[0],
            EntityType::Org => &mut forms[1],
            _ => continue,
        };
        if mention.key.is_none() {
            continue;
        }
        let surface = text
            .get(mention.range.start..mention.range.end)
            .unwrap_or("");
        // Forms are compared by their last words: a place prefix is what varies.
        let whole = slug(surface);
        // A slug is made word by word, so that of the last words ends the whole one,
        // after the first word's slug and the hyphen between them.
        let (last_words, tail_is_a_name) = match surface.split_once(' ') {
            Some((first, tail)) => (
                Some(last_words_slug(&whole, &slug(first))),
                tail.contains(' '),
            ),
            None => (None, false),
        };
        // The same name, a shorter form of a name seen, or a longer form of one; a
        // single last word is too little to call a name.
        let found = seen
            .whole
            .get(&whole)
            .or_else(|| seen.tail.get(&whole))
            .or_else(|| {
                last_words
                    .filter(|_| tail_is_a_name)
                    .and_then(|last| seen.whole.get(last))
            })
            .copied();
        match found {
            Some(holder) => mentions[index].key = mentions[holder].key.clone(),
            None => {
                if let Some(last) = last_words {
                    seen.tail.entry(last.to_owned()).or_insert(index);
                }
                seen.whole.entry(whole).or_insert(index);
            }
        }
    }
}

/// The slug of a name without its first word, from the slugs of the name and of that
/// word: what is left of `whole` after `first` and the hyphen that joins them.
fn last_words_slug<'a>(whole: &'a str, first: &str) -> &'a str {
    match whole.strip_prefix(first) {
        Some(rest) if !first.is_empty() => rest.strip_prefix('-').unwrap_or(rest),
        _ => whole,
    }
}

/// Types each definition by the mention that ends where its long form ends, and gives
/// that mention the acronym's key when its own key was only a slug.
fn type_acronyms(
    text: &str,
    definitions: &[Definition],
    mentions: &mut [Mention],
) -> Vec<AcronymDef> {
    let mut acronyms = Vec::new();
    for definition in definitions {
        let short = text
            .get(definition.short.start..definition.short.end)
            .unwrap_or("");
        let long = text
            .get(definition.long.start..definition.long.end)
            .unwrap_or("");
        let owner = mentions.iter_mut().find(|m| {
            m.ty.is_keyed()
                && m.range.end == definition.long.end
                && m.range.start <= definition.long.start + long.len() / 2
        });
        // `Minister of Economy, Trade and Industry (METI)`: an acronym spelt out by a
        // minister's title is the ministry's.
        if owner.is_none() && ministers_title(long) {
            acronyms.push(AcronymDef {
                short: short.to_owned(),
                long: long.to_owned(),
                short_range: definition.short,
                long_range: definition.long,
                ty: Some(EntityType::Org),
                key: Some(slug(short)),
            });
            continue;
        }
        let (ty, key) = match owner {
            Some(mention) => {
                let surface = text
                    .get(mention.range.start..mention.range.end)
                    .unwrap_or("");
                let slug_key = slug(surface);
                let key_is_slug = mention
                    .key
                    .as_deref()
                    .is_none_or(|k| k == slug_key || k.starts_with(&slug_key));
                if key_is_slug && mention.ty != EntityType::Person {
                    // A party prefix stays in an agreement's key (`Korea–EU DTA`); an
                    // organisation is known by its acronym alone.
                    let prefix = match mention.ty {
                        EntityType::Agreement => text
                            .get(mention.range.start..definition.long.start)
                            .unwrap_or(""),
                        _ => "",
                    };
                    mention.key = Some(slug(&format!("{prefix} {short}")));
                }
                (Some(mention.ty), mention.key.clone())
            }
            None => (None, None),
        };
        acronyms.push(AcronymDef {
            short: short.to_owned(),
            long: long.to_owned(),
            short_range: definition.short,
            long_range: definition.long,
            ty,
            key,
        });
    }
    acronyms
}

/// Whether a long form is a minister's title (`Minister of Economy, Trade and
/// Industry`), whose acronym names the ministry.
fn ministers_title(long: &str) -> bool {
    let rest = long
        .strip_prefix("Minister of ")
        .or_else(|| long.strip_prefix("Minister for "));
    rest.is_some_and(|rest| rest.starts_with(char::is_uppercase))
}

/// Every mention of a typed short form in the article. A short form right after a
/// place compound (`Korea–EU DTA`) is one agreement with it.
fn add_acronym_mentions(
    text: &str,
    tokens: &[Token],
    acronyms: &[AcronymDef],
    mentions: &mut Vec<Mention>,
) {
    let mut extra = Vec::new();
    let mut merged: Vec<(TextRange, Mention)> = Vec::new();
    for acronym in acronyms {
        let Some(ty) = acronym.ty else { continue };
        if acronym.short.is_empty()
            || acronyms
                .iter()
                .any(|a| a.short == acronym.short && a.ty.is_some() && a.key != acronym.key)
        {
            continue;
        }
        // The article's own definition comes first: a short form found as a learned or
        // known name takes the type and key the article gives it.
        for mention in mentions.iter_mut() {
            if mention.range.len() == acronym.short.len()
                && text.get(mention.range.start..mention.range.end) == Some(acronym.short.as_str())
            {
                mention.ty = ty;
                mention.key = acronym.key.clone();
            }
        }
        // The short form is not empty, so `memmem` yields the matches `match_indices` would.
        for start in memchr::memmem::find_iter(text.as_bytes(), acronym.short.as_bytes()) {
            let end = start + acronym.short.len();
            if !is_word_boundary(text, start, end) {
                continue;
            }
            let range = TextRange::new(start, end);
            if ty == EntityType::Agreement
                && let Some(prefix) = place_compound_before(text, tokens, start, mentions)
            {
                merged.push((
                    prefix,
                    Mention {
                        range: TextRange::new(prefix.start, end),
                        ty,
                        key: acronym.key.clone(),
                        value: None,
                        date: None,
                    },
                ));
                continue;
            }
            extra.push(Mention {
                range,
                ty,
                key: acronym.key.clone(),
                value: None,
                date: None,
            });
        }
    }
    for (prefix, mention) in merged {
        mentions.retain(|m| !prefix.contains_range(m.range));
        if !mentions.iter().any(|m| m.range.intersects(mention.range)) {
            mentions.push(mention);
        }
    }
    add_in_gaps(mentions, extra);
}

/// The range of a dash compound of places (`Korea–EU`) ending one space before `at`.
fn place_compound_before(
    text: &str,
    tokens: &[Token],
    at: usize,
    mentions: &[Mention],
) -> Option<TextRange> {
    let index = tokens.partition_point(|t| t.start < at);
    if tokens.get(index)?.start != at {
        return None;
    }
    if index == 0 || !tokens[index].joined_to_previous {
        return None;
    }
    let prev = &tokens[index - 1];
    let word = prev.text(text);
    if !prev.is_word() || !word.contains(['-', '–', '\u{2011}']) {
        return None;
    }
    let range = TextRange::new(prev.start, prev.end);
    let parts: Vec<&Mention> = mentions
        .iter()
        .filter(|m| range.contains_range(m.range))
        .collect();
    (parts.len() >= 2 && parts.iter().all(|m| m.ty == EntityType::Place)).then_some(range)
}

#[cfg(test)]
mod tests;
