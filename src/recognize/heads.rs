//! Organisations, agreements and events found by their head word.
//!
//! A name such as `Korea Trade-Investment Promotion Agency` or `Committee on Industry,
//! Research and Energy` is a head word (`Agency`, `Committee`) with capitalised
//! modifiers before it and an `of`/`for`/`on` complement after it. The head decides the
//! type; an ordinal in front (`52nd Trade Promotion Committee`) makes a committee or
//! council meeting an event. Spans never take a leading `the`, a possessive, or a
//! headline verb, so title-case headlines give no junk.

use std::collections::HashMap;

use super::EntityType;
use super::lists::{heads, people, words};
use super::normalize::slug;
use super::tokens::{
    FastHashBuilder, Token, WordSet, is_all_caps, is_capitalized, may_be_ordinal, ordinal_value,
};
use crate::text::TextRange;

/// What a head word makes of the name it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    Org,
    /// A standing body whose numbered sessions are events.
    Body,
    Agreement,
    /// `MOU`, `Memorandum`: only a name when something before it names it.
    Memorandum,
    Event,
    /// `Ministry`, `Department`: its own name is the complement, no modifiers.
    Ministry,
}

/// Every head word with what it makes of a name, from the lists.
static HEADS: std::sync::LazyLock<HashMap<&'static str, Head, FastHashBuilder>> =
    std::sync::LazyLock::new(|| {
        let kinds = [
            (heads::MINISTRY_HEADS, Head::Ministry),
            (heads::BODY_HEADS, Head::Body),
            (heads::ORG_HEADS, Head::Org),
            (heads::AGREEMENT_HEADS, Head::Agreement),
            (heads::MEMORANDUM_HEADS, Head::Memorandum),
            (heads::EVENT_HEADS, Head::Event),
        ];
        let mut heads = HashMap::default();
        for (words, head) in kinds {
            for word in words {
                heads.insert(*word, head);
            }
        }
        heads
    });

/// Every head word, which rejects most words faster than the map.
static HEAD_WORDS: WordSet = WordSet::union(&[
    heads::MINISTRY_HEADS,
    heads::BODY_HEADS,
    heads::ORG_HEADS,
    heads::AGREEMENT_HEADS,
    heads::MEMORANDUM_HEADS,
    heads::EVENT_HEADS,
]);

fn head_of(word: &str) -> Option<Head> {
    if !HEAD_WORDS.contains(word) {
        return None;
    }
    HEADS.get(word).copied()
}

/// Capitalised words that end a name on the left: articles, pronouns, prepositions
/// at the start of a sentence, and the verbs of title-case headlines.
static LEFT_STOPS_SET: WordSet = WordSet::union(&[
    words::FUNCTION_WORDS,
    words::HEADLINE_VERBS,
    heads::LEFT_STOPS,
]);

/// Modifiers that do not make a head a name by themselves (`the Joint Committee`).
static GENERIC_MODIFIERS_SET: WordSet = WordSet::new(heads::GENERIC_MODIFIERS);

/// Words that make a capitalised run a venue, whose names are never tagged.
pub static VENUE_WORD_SET: WordSet = WordSet::new(heads::VENUE_WORDS);

/// Titles end a name's complement (`Department of Commerce Secretary …`).
static TITLE_WORDS_SET: WordSet = WordSet::new(people::TITLES);

/// A name found by a head word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadName {
    pub range: TextRange,
    pub ty: EntityType,
    /// The name without its ordinal, for keys and knowledge-base look-ups.
    pub name: TextRange,
    /// The key suffix for a numbered or dated occurrence: `-52`, `-2025`.
    pub occurrence: Option<String>,
}

/// Finds head-word names. `is_place_word` tells whether a token is a known place, which
/// stops `and` from joining two names (`Korea and Japan Forum` is not one name);
/// `starts_person` whether a person's name starts at a token, which ends a complement
/// (`Department of Commerce Under Secretary Jane Doe`).
pub fn find_head_names(
    text: &str,
    tokens: &[Token],
    article_year: Option<i16>,
    is_place_word: &dyn Fn(&Token) -> bool,
    starts_person: &dyn Fn(&Token) -> bool,
) -> Vec<HeadName> {
    let mut found = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if !token.is_word() {
            continue;
        }
        let word = token.text(text);
        // Every head word starts with an ASCII capital.
        if !word.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
            continue;
        }
        let Some(head) = head_of(word) else {
            continue;
        };
        let known = Known {
            is_place_word,
            starts_person,
        };
        if let Some(name) = name_at(text, tokens, index, head, article_year, &known) {
            found.push(name);
        }
    }
    found.extend(find_numbered_rounds(text, tokens));
    found.extend(find_numbered_meetings(
        text,
        tokens,
        &known_for_meetings(is_place_word),
    ));
    found
}

fn known_for_meetings<'a>(is_place_word: &'a dyn Fn(&Token) -> bool) -> Known<'a> {
    Known {
        is_place_word,
        starts_person: &|_| false,
    }
}

static MEETING_NOUNS_SET: WordSet = WordSet::new(heads::MEETING_NOUNS);
static MEETING_MODIFIERS_SET: WordSet = WordSet::new(heads::MEETING_MODIFIERS);

/// Numbered meetings written in lower case: an ordinal, modifiers, and a meeting noun
/// (`26th annual trade talks`, `third negotiating round`, `5th Korea–Chile FTA
/// implementation review`, `third meeting of the Joint Council on Trade`). A bare
/// `third meeting` is no name: `meeting` and `session` need what they are of, the other
/// nouns a modifier. A capitalised head (`20th Trade Committee`) is left to the head
/// rule, and a `meeting` after it stays out of the name.
fn find_numbered_meetings(text: &str, tokens: &[Token], known: &Known<'_>) -> Vec<HeadName> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (index, token) in tokens.iter().enumerate() {
        // Every ordinal ends in `t`, `d` or `h`; most words are passed over at that byte.
        let last = bytes.get(token.end.wrapping_sub(1)).copied().unwrap_or(0);
        if !matches!(last | 0x20, b't' | b'd' | b'h')
            || token.end - token.start < 3
            || !token.is_word()
        {
            continue;
        }
        let word = token.text(text);
        let Some(number) = may_be_ordinal(word).then(|| ordinal_value(word)).flatten() else {
            continue;
        };
        let mut at = index + 1;
        let mut modifiers = 0;
        let mut named = false;
        let mut noun = None;
        while at < tokens.len() && at <= index + 7 && tokens[at].joined_to_previous {
            let Some(word) = word_at(text, tokens, at) else {
                break;
            };
            if MEETING_NOUNS_SET.contains(word) {
                noun = Some(at);
                break;
            }
            let capitalised_part =
                is_name_word(word) && head_of(word).is_none_or(|head| head == Head::Agreement);
            if !(capitalised_part || MEETING_MODIFIERS_SET.contains(word)) {
                break;
            }
            named |= capitalised_part;
            modifiers += 1;
            at += 1;
        }
        let Some(noun) = noun else { continue };
        let noun_word = tokens[noun].text(text);
        // A session of a series (`26th annual trade talks`, `5th implementation review`)
        // needs no name; a dialogue or forum does (`their first economic dialogue` is
        // a description), and so does anything `first`, which also means first-ever.
        let is_session = matches!(
            noun_word,
            "round" | "talks" | "review" | "session" | "negotiations" | "consultations" | "meeting"
        );
        if !named && (!is_session || number == 1) {
            continue;
        }
        let mut end = noun;
        if matches!(noun_word, "meeting" | "session") {
            // What the meeting is of: `of the Joint Council on Trade and Investment`.
            let Some(of_end) = complement_end(text, tokens, noun + 1, known.starts_person, false)
            else {
                continue;
            };
            end = of_end;
            // The body's own complement: `Council on Trade and Investment`.
            if let Some(more) = complement_end(text, tokens, end + 1, known.starts_person, false) {
                end = more;
            }
        } else if modifiers == 0
            || (noun_word == "round" && word_at(text, tokens, noun + 1) == Some("of"))
        {
            // Rounds of something are the round rule's.
            continue;
        }
        let name = TextRange::new(tokens[index + 1].start, tokens[end].end);
        found.push(HeadName {
            range: TextRange::new(token.start, tokens[end].end),
            ty: EntityType::Event,
            name,
            occurrence: Some(format!("-{number}")),
        });
    }
    found
}

fn word_at<'a>(text: &'a str, tokens: &[Token], index: usize) -> Option<&'a str> {
    tokens
        .get(index)
        .filter(|t| t.is_word())
        .map(|t| t.text(text))
}

fn punct_at(text: &str, tokens: &[Token], index: usize) -> Option<char> {
    tokens
        .get(index)
        .filter(|t| !t.is_word())
        .and_then(|t| t.text(text).chars().next())
}

/// A capitalised word that can sit inside a name.
fn is_name_word(word: &str) -> bool {
    let code = word.chars().next().is_some_and(|c| c.is_ascii_digit())
        && word.chars().any(char::is_alphabetic);
    (is_capitalized(word) || code)
        && !LEFT_STOPS_SET.contains(word)
        && !is_participle_compound(word)
        && !may_be_ordinal(word)
}

/// Whether two tokens are written together with nothing between them.
fn glued(tokens: &[Token], left: usize, right: usize) -> bool {
    tokens[left].end == tokens[right].start
}

const DASHES: [char; 5] = ['-', '\u{2010}', '\u{2011}', '\u{2013}', '\u{2014}'];

/// How many tokens before `left` (whose token is part of a name) also belong to it,
/// besides single words: a plural possessive (`Ministers’ Meeting`), a bracketed count
/// (`China–ASEAN (10+1) Trade Ministers`), a dash glued between two words
/// (`U.S.-Mongolia`), or the comma of a list the name closes with `and` (`Trade,
/// Industry and Energy Ministry`, once `and` has been passed). 0 when none does.
fn joined_modifier_tokens(text: &str, tokens: &[Token], left: usize, passed_and: bool) -> usize {
    if left < 2 {
        return 0;
    }
    let prev = &tokens[left - 1];
    if prev.is_word() {
        return 0;
    }
    let prev_text = prev.text(text);
    let before = left - 2;
    let word_before = || word_at(text, tokens, before).is_some_and(is_name_word);
    match prev_text {
        "'" | "’"
            if glued(tokens, before, left - 1)
                && word_at(text, tokens, before).is_some_and(|w| w.ends_with('s'))
                && word_before() =>
        {
            2
        }
        ")" => {
            // The opening bracket within a few tokens, with a number and no words in
            // lower case between.
            let open = (left.saturating_sub(8)..left - 1)
                .rev()
                .find(|&i| punct_at(text, tokens, i) == Some('('));
            let Some(open) = open.filter(|&o| o > 0) else {
                return 0;
            };
            let inner = open + 1..left - 1;
            let has_number = inner.clone().any(|i| {
                tokens[i]
                    .text(text)
                    .starts_with(|c: char| c.is_ascii_digit())
            });
            let has_lower = inner
                .clone()
                .any(|i| tokens[i].is_word() && tokens[i].has_lower());
            let named_before = word_at(text, tokens, open - 1).is_some_and(is_name_word);
            if has_number && !has_lower && named_before {
                left - open + 1
            } else {
                0
            }
        }
        _ if prev_text.starts_with(DASHES)
            && glued(tokens, before, left - 1)
            && glued(tokens, left - 1, left)
            && word_before() =>
        {
            2
        }
        "," if passed_and && glued(tokens, before, left - 1) && word_before() => 2,
        _ => 0,
    }
}

/// `State-run`, `Government-backed`, `Seoul-based`: a compound ending in a participle
/// describes the name that follows rather than being part of it.
fn is_participle_compound(word: &str) -> bool {
    let Some((_, last)) = word.rsplit_once(['-', '\u{2010}', '\u{2011}']) else {
        return false;
    };
    heads::PARTICIPLES.contains(&last)
}

/// Days and months end a complement: `Committee on Wednesday` is a date after a name.
static CALENDAR_WORDS_SET: WordSet = WordSet::union(&[words::WEEKDAYS, words::MONTHS]);

/// What the other recognisers found, as [`find_head_names`] takes it.
struct Known<'a> {
    is_place_word: &'a dyn Fn(&Token) -> bool,
    starts_person: &'a dyn Fn(&Token) -> bool,
}

fn name_at(
    text: &str,
    tokens: &[Token],
    head_index: usize,
    head: Head,
    article_year: Option<i16>,
    known: &Known<'_>,
) -> Option<HeadName> {
    let is_place_word = known.is_place_word;
    let head_word = tokens[head_index].text(text);
    // A head written on into the name of a programme or system (`Data Exchange System`,
    // `Trade Agency Platform`) names nothing by itself, and programmes are not tagged.
    if let Some(next) = tokens.get(head_index + 1)
        && next.joined_to_previous
        && heads::PROGRAMME_WORDS.contains(&next.text(text))
    {
        return None;
    }
    // Modifiers to the left.
    let mut left = head_index;
    if head != Head::Ministry
        || !matches!(word_at(text, tokens, head_index + 1), Some("of" | "for"))
    {
        let mut passed_and = false;
        while left > 0 {
            let current = &tokens[left];
            if !current.joined_to_previous {
                break;
            }
            let prev = &tokens[left - 1];
            let prev_text = prev.text(text);
            if prev.is_word() && is_name_word(prev_text) {
                left -= 1;
                continue;
            }
            let more = joined_modifier_tokens(text, tokens, left, passed_and);
            if more > 0 {
                left -= more;
                continue;
            }
            // `Planning & Evaluation`, `Strategic Trade and Investment Deal`.
            let joiner = prev_text == "&" || prev_text == "and";
            if joiner && left >= 2 && prev.joined_to_previous {
                let before = &tokens[left - 2];
                let before_text = before.text(text);
                if before.is_word()
                    && is_name_word(before_text)
                    && !is_place_word(before)
                    && !is_place_word(current)
                {
                    left -= 2;
                    passed_and = true;
                    continue;
                }
            }
            break;
        }
    }
    // `20th Trade Committee Meeting`: the numbered session is the body's, and the word
    // for the meeting stays out of its name.
    if matches!(head_word, "Meeting" | "Meetings" | "Session")
        && head_index > 0
        && word_at(text, tokens, head_index - 1)
            .and_then(head_of)
            .is_some_and(|before| before == Head::Body)
    {
        return None;
    }
    // `U.S.–Mongolia–Republic of Korea (ROK) Critical Minerals Dialogue`: a name that
    // runs on from an acronym's parenthesis is left alone, and only the name before the
    // parenthesis and the acronym are mentions.
    if left > 0 && tokens[left].joined_to_previous && punct_at(text, tokens, left - 1) == Some(')')
    {
        return None;
    }
    // The complement to the right: one, as a second one names something else
    // (`Department of Commerce of the United States`, `Department of Commerce for Export
    // Administration` in a title).
    let mut right = head_index;
    let located = heads::LOCATED_HEADS.contains(&head_word);
    if let Some(end) = complement_end(text, tokens, right + 1, known.starts_person, located) {
        right = end;
    }
    let has_complement = right > head_index;
    // `Trade Act 2021`: an act's year is part of its name, as laws in Britain and the
    // Commonwealth are cited; it names nothing by itself.
    if head_word == "Act"
        && right == head_index
        && tokens
            .get(right + 1)
            .is_some_and(|t| t.joined_to_previous && t.is_word() && is_year(t.text(text)))
    {
        right += 1;
    }
    // `U.S. National Institute of …`: a country code in front is a modifier, not a part.
    if matches!(head, Head::Org | Head::Body | Head::Ministry) && left < head_index && !located {
        let first = tokens[left].text(text);
        if heads::COUNTRY_CODES.contains(&first) {
            left += 1;
        }
    }
    let modifiers: Vec<&str> = (left..head_index)
        .filter_map(|i| word_at(text, tokens, i))
        .collect();
    let named_by_modifier = modifiers
        .iter()
        .any(|m| !GENERIC_MODIFIERS_SET.contains(m) && *m != "and");
    // `the 52nd Committee`: a numbered session of a body or a named kind of event, but
    // not a bare meeting (`Holds First Meeting`), and not `first`, which also means
    // first-ever.
    let ordinal_before = left > 0
        && tokens[left].joined_to_previous
        && word_at(text, tokens, left - 1)
            .and_then(ordinal_value)
            .is_some_and(|number| number > 1);
    let named_by_ordinal = ordinal_before
        && matches!(head, Head::Event | Head::Body)
        && !matches!(head_word, "Meeting" | "Meetings" | "Session");
    // `Comprehensive Economic Partnership Agreement (CEPA)`: a capitalised name the
    // article gives an acronym names one thing, however generic its words (after `a`,
    // the determiner rule below still makes it generic).
    let named_by_acronym = left < head_index
        && punct_at(text, tokens, right + 1) == Some('(')
        && word_at(text, tokens, right + 2).is_some_and(|w| {
            w.len() >= 2
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        && punct_at(text, tokens, right + 3) == Some(')');
    if !named_by_modifier && !has_complement && !named_by_ordinal && !named_by_acronym {
        return None;
    }
    if head == Head::Memorandum && !named_by_modifier {
        return None;
    }
    // Places alone before an alliance or partnership (`Korea–U.S. Alliance`) name a
    // relation between them, not an organisation.
    let by_places = (left..head_index)
        .filter(|&i| tokens[i].is_word())
        .all(|i| is_place_compound(&tokens[i], is_place_word));
    if by_places && matches!(head_word, "Alliance" | "Partnership" | "Coalition") {
        return None;
    }
    // `a Memorandum of Understanding`, `a Free Trade Agreement`: generic, unless parties
    // name it (`an Australia–Peru Free Trade Agreement`).
    // The determiner may stand before an adjective or two (`an enhanced Free Trade
    // Agreement`).
    let mut before = left;
    while before > 0
        && left - before < 2
        && tokens[before].joined_to_previous
        && word_at(text, tokens, before - 1)
            .is_some_and(|w| w.starts_with(char::is_lowercase) && !matches!(w, "a" | "an" | "the"))
    {
        before -= 1;
    }
    let determiner = before
        .checked_sub(1)
        .and_then(|i| word_at(text, tokens, i))
        .filter(|_| tokens[before].joined_to_previous);
    let has_party = (left..head_index)
        .any(|i| tokens[i].is_word() && is_place_compound(&tokens[i], is_place_word));
    if matches!(head, Head::Agreement | Head::Memorandum)
        && matches!(determiner, Some("a" | "an" | "A" | "An"))
        && !has_party
    {
        return None;
    }
    if head == Head::Event && head_word == "Day" && modifiers.len() < 2 {
        return None;
    }
    let words_in_span = (left..=right).filter_map(|i| word_at(text, tokens, i));
    if words_in_span.clone().any(|w| VENUE_WORD_SET.contains(w)) {
        return None;
    }
    // A run of capitals only (`AI`, `FDI`) before a head that is itself an acronym is
    // an unknown acronym pair, not a name.
    if head_word.chars().all(|c| c.is_ascii_uppercase())
        && modifiers
            .iter()
            .all(|m| is_all_caps(m) && !m.contains(['-', '–']))
        && modifiers.len() == 1
        && !is_place_word(&tokens[left])
    {
        return None;
    }
    let name = TextRange::new(tokens[left].start, tokens[right].end);
    let mut range = name;
    let mut ty = match head {
        Head::Org | Head::Body | Head::Ministry => EntityType::Org,
        Head::Agreement | Head::Memorandum => EntityType::Agreement,
        Head::Event => EntityType::Event,
    };
    let mut occurrence = None;
    if left > 0 && tokens[left].joined_to_previous {
        let before = word_at(text, tokens, left - 1).unwrap_or("");
        if let Some(number) = ordinal_value(before) {
            range.start = tokens[left - 1].start;
            occurrence = Some(format!("-{number}"));
            if matches!(head, Head::Body | Head::Event) {
                ty = EntityType::Event;
            }
        } else if is_year(before) && ty == EntityType::Event {
            occurrence = Some(format!("-{before}"));
        }
    }
    if occurrence.is_none() && ty == EntityType::Event && head_word == "Summit" {
        occurrence = article_year.map(|year| format!("-{year}"));
    }
    Some(HeadName {
        range,
        ty,
        name,
        occurrence,
    })
}

/// A place, or places written with dashes between them (`Korea–Japan`): a token the
/// knowledge base found a place or organisation in.
fn is_place_compound(token: &Token, is_place_word: &dyn Fn(&Token) -> bool) -> bool {
    is_place_word(token)
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word.chars().all(|c| c.is_ascii_digit())
        && (word.starts_with("19") || word.starts_with("20"))
}

/// The last token of an `of`/`for`/`on` complement starting at `index`, if one is there:
/// `of Trade, Industry and Resources`, `on Innovative Industries`, `of the European Union`.
fn complement_end(
    text: &str,
    tokens: &[Token],
    index: usize,
    starts_person: &dyn Fn(&Token) -> bool,
    located: bool,
) -> Option<usize> {
    let preposition = word_at(text, tokens, index)?;
    let in_place = located && preposition == "in";
    if !(matches!(preposition, "of" | "for" | "on") || in_place)
        || !tokens[index].joined_to_previous
    {
        return None;
    }
    let mut start = index + 1;
    if word_at(text, tokens, start) == Some("the") {
        start += 1;
    }
    let run_end = capitalized_run_end(text, tokens, start, starts_person)?;
    Some(run_end)
}

/// The end of a run of capitalised words from `start`, joined by `&`, `and`, or commas
/// of a list that closes with `and`: `Trade, Industry and Resources`.
fn capitalized_run_end(
    text: &str,
    tokens: &[Token],
    start: usize,
    starts_person: &dyn Fn(&Token) -> bool,
) -> Option<usize> {
    let is_part = |i: usize| {
        tokens
            .get(i)
            .is_some_and(|t| t.joined_to_previous && !starts_person(t))
            && word_at(text, tokens, i).is_some_and(|w| {
                is_name_word(w)
                    && !TITLE_WORDS_SET.contains(w)
                    && !CALENDAR_WORDS_SET.contains(w)
                    && !w.starts_with(char::is_numeric)
            })
    };
    if !is_part(start) {
        return None;
    }
    let mut end = start;
    loop {
        if is_part(end + 1) {
            end += 1;
            continue;
        }
        let next_word = word_at(text, tokens, end + 1);
        let next_punct = punct_at(text, tokens, end + 1);
        if (next_word == Some("and") || next_punct == Some('&')) && is_part(end + 2) {
            end += 2;
            continue;
        }
        if next_punct == Some(',') && is_part(end + 2) {
            // Only a list that closes with `and` continues the name.
            let mut probe = end + 2;
            while is_part(probe + 1) {
                probe += 1;
            }
            loop {
                let word = word_at(text, tokens, probe + 1);
                let punct = punct_at(text, tokens, probe + 1);
                if (word == Some("and") || punct == Some('&')) && is_part(probe + 2) {
                    end = probe + 2;
                    while is_part(end + 1) {
                        end += 1;
                    }
                    break;
                }
                if punct == Some(',') && is_part(probe + 2) {
                    probe += 2;
                    while is_part(probe + 1) {
                        probe += 1;
                    }
                    continue;
                }
                // `Economy, Trade, and Industry`.
                if punct == Some(',')
                    && word_at(text, tokens, probe + 2) == Some("and")
                    && is_part(probe + 3)
                {
                    end = probe + 3;
                    while is_part(end + 1) {
                        end += 1;
                    }
                    break;
                }
                return Some(end);
            }
            continue;
        }
        return Some(end);
    }
}

/// `third round of "technical discussions"`, `the 5th round of talks`: numbered rounds.
fn find_numbered_rounds(text: &str, tokens: &[Token]) -> Vec<HeadName> {
    let mut found = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if token.end - token.start != 5
            || !token.is_word()
            || !token.text(text).eq_ignore_ascii_case("round")
        {
            continue;
        }
        let Some(number) = index
            .checked_sub(1)
            .and_then(|i| word_at(text, tokens, i))
            .and_then(ordinal_value)
        else {
            continue;
        };
        if word_at(text, tokens, index + 1) != Some("of") {
            continue;
        }
        let mut subject_start = index + 2;
        let opens_quote = punct_at(text, tokens, index + 2).is_some_and(|c| matches!(c, '"' | '“'));
        let end = if opens_quote {
            subject_start += 1;
            let close = (subject_start..tokens.len().min(subject_start + 8))
                .find(|&i| punct_at(text, tokens, i).is_some_and(|c| matches!(c, '"' | '”')));
            let Some(close) = close else { continue };
            close
        } else {
            let stop = (subject_start..tokens.len().min(subject_start + 5)).find(|&i| {
                word_at(text, tokens, i).is_some_and(|w| {
                    ["talks", "negotiations", "discussions", "consultations"]
                        .iter()
                        .any(|subject| w.eq_ignore_ascii_case(subject))
                })
            });
            let Some(stop) = stop else { continue };
            stop
        };
        if end <= index + 1 {
            continue;
        }
        let start_token = index - 1;
        let subject = TextRange::new(tokens[subject_start.min(end)].start, tokens[end].end);
        found.push(HeadName {
            range: TextRange::new(tokens[start_token].start, tokens[end].end),
            ty: EntityType::Event,
            name: subject,
            occurrence: Some(format!("-round-{number}")),
        });
    }
    found
}

/// The key of a head name: a slug of its name plus the occurrence.
pub fn head_key(text: &str, name: &HeadName) -> String {
    let base = slug(text.get(name.name.start..name.name.end).unwrap_or(""));
    match &name.occurrence {
        Some(suffix) => format!("{base}{suffix}"),
        None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::tokens::tokenize;

    fn render(text: &str) -> String {
        let tokens = tokenize(text);
        let places = ["Korea", "Japan", "EU", "U.S."];
        // A token is a place when it or one of its dashed parts is.
        let is_place = |t: &Token| {
            t.text(text)
                .split(['-', '–'])
                .any(|part| places.contains(&part))
        };
        find_head_names(text, &tokens, Some(2025), &is_place, &|_| false)
            .iter()
            .map(|n| {
                format!(
                    "[{}]{{{} {}}}",
                    &text[n.range.start..n.range.end],
                    n.ty.as_str(),
                    head_key(text, n)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn head_patterns() {
        let cases = [
            (
                "the Ministry of Oceans and Fisheries said",
                "[Ministry of Oceans and Fisheries]{org ministry-of-oceans-and-fisheries}",
            ),
            (
                "the Ministry of Land, Infrastructure and Transport (MOLIT, Minister X)",
                "[Ministry of Land, Infrastructure and Transport]{org ministry-of-land-infrastructure-and-transport}",
            ),
            (
                "at the Korea Energy Agency in",
                "[Korea Energy Agency]{org korea-energy-agency}",
            ),
            (
                "the Busan Chamber of Commerce and Industry hosted",
                "[Busan Chamber of Commerce and Industry]{org busan-chamber-of-commerce-and-industry}",
            ),
            (
                "the U.S. National Science Foundation",
                "[National Science Foundation]{org national-science-foundation}",
            ),
            (
                "convened the 14th Export Strategy Council on Tuesday",
                "[14th Export Strategy Council]{event export-strategy-council-14}",
            ),
            (
                "the Export Strategy Council meets",
                "[Export Strategy Council]{org export-strategy-council}",
            ),
            (
                "the Japan–Korea Hydrogen Forum",
                "[Japan–Korea Hydrogen Forum]{event japan-korea-hydrogen-forum}",
            ),
            (
                "the APEC Leaders Summit",
                "[APEC Leaders Summit]{event apec-leaders-summit-2025}",
            ),
            (
                "the 2024 Seoul Mobility Show Forum",
                "[Seoul Mobility Show Forum]{event seoul-mobility-show-forum-2024}",
            ),
            (
                "the Korea–Japan FTA and",
                "[Korea–Japan FTA]{agreement korea-japan-fta}",
            ),
            (
                "under the Constitutional Reform and Governance Act 2010, ministers",
                "[Constitutional Reform and Governance Act 2010]{agreement constitutional-reform-and-governance-act-2010}",
            ),
            (
                "under the Critical Minerals Security Pact",
                "[Critical Minerals Security Pact]{agreement critical-minerals-security-pact}",
            ),
            (
                "the Green Shipping Deal",
                "[Green Shipping Deal]{agreement green-shipping-deal}",
            ),
            ("signed a Memorandum of Understanding (MOU) on", ""),
            ("signed a Free Trade Agreement", ""),
            ("the Joint Committee met", ""),
            ("The Ministry added", ""),
            (
                "Ministry Steps Up Work on the Japan Trade Forum",
                "[Japan Trade Forum]{event japan-trade-forum}",
            ),
            ("Korea and Japan Forum", "[Japan Forum]{event japan-forum}"),
            ("at the Grand Convention Center", ""),
            (
                "State-run Korea Energy Agency said",
                "[Korea Energy Agency]{org korea-energy-agency}",
            ),
            (
                "a Seoul-based Harbin Institute",
                "[Harbin Institute]{org harbin-institute}",
            ),
            // Plural possessives and bracketed counts are part of a name.
            (
                "the 14th Korea–Japan (2+2) Finance Ministers’ Meeting",
                "[14th Korea–Japan (2+2) Finance Ministers’ Meeting]{event korea-japan-2-2-finance-ministers-meeting-14}",
            ),
            ("the Trade Ministers’ Meeting", ""),
            (
                "the Trade Ministers’ Meetings on Pacific Cooperation",
                "[Trade Ministers’ Meetings on Pacific Cooperation]{event trade-ministers-meetings-on-pacific-cooperation}",
            ),
            // A list before a head closes with `and`; a list in a complement may take a
            // comma before it.
            (
                "the Trade, Industry and Energy Ministry said",
                "[Trade, Industry and Energy Ministry]{org trade-industry-and-energy-ministry}",
            ),
            (
                "the Ministry of Economy, Trade, and Industry said",
                "[Ministry of Economy, Trade, and Industry]{org ministry-of-economy-trade-and-industry}",
            ),
            // One complement: a second one names something else.
            (
                "the Department of Commerce of the United States",
                "[Department of Commerce]{org department-of-commerce}",
            ),
            // Offices named by where they are keep their country and place.
            (
                "at the U.S. Embassy in Lisbon",
                "[U.S. Embassy in Lisbon]{org us-embassy-in-lisbon}",
            ),
            // Numbered meetings in lower case.
            (
                "the 26th annual Korea–Japan trade talks and the third negotiating round",
                "[26th annual Korea–Japan trade talks]{event annual-korea-japan-trade-talks-26} [third negotiating round]{event negotiating-round-3}",
            ),
            (
                "the third meeting of the Joint Council on Trade and Investment",
                "[Joint Council on Trade and Investment]{org joint-council-on-trade-and-investment} \
                 [third meeting of the Joint Council on Trade and Investment]{event meeting-of-the-joint-council-on-trade-and-investment-3}",
            ),
            ("the third meeting was held", ""),
            ("the 21st century", ""),
            // A name that runs on from an acronym's parenthesis, or into another word.
            (
                "the Korea–Chile Free Trade Agreement (FTA) Joint Committee",
                "[Korea–Chile Free Trade Agreement]{agreement korea-chile-free-trade-agreement}",
            ),
            ("the Origin Data Exchange System", ""),
            // A headline verb after a head ends the name; a meeting after a body is the
            // body's numbered session.
            (
                "Korea–Japan Trade Talks Enter Final Stage",
                "[Korea–Japan Trade Talks]{event korea-japan-trade-talks}",
            ),
            (
                "the 14th Korea–Japan Trade Committee Meeting",
                "[14th Korea–Japan Trade Committee]{event korea-japan-trade-committee-14}",
            ),
            ("Talks Hold First Meeting", ""),
            // Places alone do not name an alliance.
            ("the Korea–Japan Alliance", ""),
            (
                "held the second round of \"working-level talks\" with",
                "[second round of \"working-level talks\"]{event working-level-talks-round-2}",
            ),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter(|(text, expected)| render(text) != *expected)
            .map(|(text, expected)| {
                format!("{text:?}\n  got:  {}\n  want: {expected}", render(text))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
