//! The rules: a scan finds trigger words and digits, and each trigger is
//! matched locally, token by token, into an underspecified [`Expr`].

use std::sync::LazyLock;

use super::expr::{Expr, Hint, PartOfDay, Point, Season, YearRef};
use super::timex::days_in_month;
use super::tokens::{
    FoldedWords, Kind, Tok, adjacent_next, adjacent_prev, char_at, char_before, find_digit,
    next_tok, prev_tok,
};
use crate::recognize::tokens::{AsciiRun, Token, ascii_run_end};
use crate::text::TextRange;

/// A recognised expression before resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub range: TextRange,
    pub expr: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Year,
    Month,
    Week,
    Day,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trigger {
    Month,
    Weekday(u32),
    Unit(Unit),
    Half,
    Quarter,
    QuarterCode(u32),
    Season(Season),
    RelDay(i32),
    Tonight,
    Ago,
    PartOfDay(PartOfDay),
    Digit,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Abbreviations, which count with their full stop (`Dec.`), as news style writes them,
/// or right before a number.
const MONTH_ABBREVIATIONS: [(&str, u32); 12] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const OTHER_TRIGGERS: &[(&str, Trigger)] = &[
    ("year", Trigger::Unit(Unit::Year)),
    ("month", Trigger::Unit(Unit::Month)),
    ("week", Trigger::Unit(Unit::Week)),
    ("half", Trigger::Half),
    ("quarter", Trigger::Quarter),
    ("q1", Trigger::QuarterCode(1)),
    ("q2", Trigger::QuarterCode(2)),
    ("q3", Trigger::QuarterCode(3)),
    ("q4", Trigger::QuarterCode(4)),
    ("spring", Trigger::Season(Season::Spring)),
    ("summer", Trigger::Season(Season::Summer)),
    ("autumn", Trigger::Season(Season::Fall)),
    ("fall", Trigger::Season(Season::Fall)),
    ("winter", Trigger::Season(Season::Winter)),
    ("today", Trigger::RelDay(0)),
    ("yesterday", Trigger::RelDay(-1)),
    ("tomorrow", Trigger::RelDay(1)),
    ("tonight", Trigger::Tonight),
    ("ago", Trigger::Ago),
    ("morning", Trigger::PartOfDay(PartOfDay::Morning)),
    ("afternoon", Trigger::PartOfDay(PartOfDay::Afternoon)),
    ("evening", Trigger::PartOfDay(PartOfDay::Evening)),
    ("night", Trigger::PartOfDay(PartOfDay::Night)),
];

struct Triggers {
    /// The same words ordered by first letter and length (see [`Triggers::slot`]), and
    /// where each slot's words are in that list: one or two words for the few slots
    /// a word may fall in, none for the rest. Flat, because every word of the text is
    /// looked up here.
    by_first_and_length: Vec<(&'static str, Trigger)>,
    slot_words: Box<[(u8, u8); SLOTS]>,
}

/// Slots of [`Triggers::slot`].
const SLOTS: usize = 26 * (LONGEST_TRIGGER + 1);

/// The longest trigger word: `september`, `wednesday`.
const LONGEST_TRIGGER: usize = 9;

impl Triggers {
    /// The slot of words that start with ASCII letter `first` (either case) and are
    /// `len` bytes long, if they can be a trigger word at all.
    fn slot(first: u8, len: usize) -> Option<usize> {
        let letter = first.to_ascii_lowercase().checked_sub(b'a')?;
        (letter < 26 && len <= LONGEST_TRIGGER)
            .then_some(usize::from(letter) * (LONGEST_TRIGGER + 1) + len)
    }
}

static TRIGGERS: LazyLock<Triggers> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    let mut kinds = Vec::new();
    for name in MONTHS {
        words.push(name);
        kinds.push(Trigger::Month);
    }
    for (abbreviation, _) in MONTH_ABBREVIATIONS {
        words.push(abbreviation);
        kinds.push(Trigger::Month);
    }
    for (i, name) in WEEKDAYS.iter().enumerate() {
        words.push(name);
        kinds.push(Trigger::Weekday(i as u32));
    }
    for (word, trigger) in OTHER_TRIGGERS {
        words.push(word);
        kinds.push(*trigger);
    }
    let slot_of = |word: &str| {
        Triggers::slot(word.as_bytes()[0], word.len())
            .expect("trigger words are short and start with a letter")
    };
    let mut by_first_and_length: Vec<(&'static str, Trigger)> =
        words.iter().copied().zip(kinds.iter().copied()).collect();
    by_first_and_length.sort_by_key(|(word, _)| slot_of(word));
    let mut slot_words = Box::new([(0u8, 0u8); SLOTS]);
    for (index, (word, _)) in by_first_and_length.iter().enumerate() {
        let index = u8::try_from(index).expect("fewer than 256 trigger words");
        let (from, to) = &mut slot_words[slot_of(word)];
        if from == to {
            *from = index;
        }
        *to = index + 1;
    }
    Triggers {
        by_first_and_length,
        slot_words,
    }
});

/// The trigger words of a text in order, from an automaton over every byte: `(start,
/// end, trigger)`. Some are glued to letters or digits (`Mayor`), which [`scan`]
/// rejects. The tests check the look-ups below against it.
#[cfg(test)]
fn trigger_words_by_search(text: &str) -> Vec<(usize, usize, Trigger)> {
    let mut words: Vec<&'static str> = MONTHS.to_vec();
    words.extend(MONTH_ABBREVIATIONS.iter().map(|(word, _)| *word));
    words.extend(WEEKDAYS);
    words.extend(OTHER_TRIGGERS.iter().map(|(word, _)| *word));
    let automaton = aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&words)
        .expect("the trigger patterns are fixed and valid");
    automaton
        .find_iter(text)
        .map(|m| {
            let trigger = trigger_word(&TRIGGERS, text.as_bytes(), m.start(), m.end())
                .expect("every pattern is a trigger word");
            (m.start(), m.end(), trigger)
        })
        .collect()
}

/// The trigger a word of `bytes` is, in any case.
#[inline]
fn trigger_word(triggers: &Triggers, bytes: &[u8], start: usize, end: usize) -> Option<Trigger> {
    let slot = Triggers::slot(bytes[start], end - start)?;
    let (from, to) = triggers.slot_words[slot];
    let word = &bytes[start..end];
    triggers.by_first_and_length[usize::from(from)..usize::from(to)]
        .iter()
        .find(|(trigger_word, _)| trigger_word.as_bytes().eq_ignore_ascii_case(word))
        .map(|&(_, trigger)| trigger)
}

/// The trigger words of a text in order, from its tokens: the words (maximal runs of
/// letters and digits) that are a trigger word in any case. [`scan`] only accepts
/// those of [`trigger_words_by_search`] that are whole words, so both give the same
/// expressions; a look-up per word is cheaper than the automaton over every byte.
fn trigger_words_of_tokens(text: &str, tokens: &[Token]) -> Vec<(usize, usize, Trigger)> {
    let bytes = text.as_bytes();
    let triggers = &*TRIGGERS;
    let mut found = Vec::new();
    let mut look_up = |start: usize, end: usize| {
        if let Some(trigger) = trigger_word(triggers, bytes, start, end) {
            found.push((start, end, trigger));
        }
    };
    for token in tokens.iter().filter(|t| t.is_word()) {
        if token.has_joiner() {
            // `mid-December`: the words between the joiners.
            for (start, end) in token.runs(text) {
                look_up(start, end);
            }
        } else {
            look_up(token.start, token.end);
        }
    }
    found
}

/// The trigger words of a text without tokens: its maximal runs of letters and digits
/// (`char::is_alphanumeric`) that are a trigger word in any case. Every trigger word is
/// ASCII letters and digits, so a match of the search that [`scan`] accepts (not glued
/// to a letter or digit on either side) is such a run, and no earlier match can overlap
/// it; one walk over the bytes is cheaper than the automaton.
fn trigger_words_of_runs(text: &str) -> Vec<(usize, usize, Trigger)> {
    let bytes = text.as_bytes();
    let triggers = &*TRIGGERS;
    // The length of the letter or digit at `at`, or `None` for anything else.
    let alphanumeric_at = |at: usize| -> Option<usize> {
        let b = bytes[at];
        if b < 0x80 {
            return b.is_ascii_alphanumeric().then_some(1);
        }
        let c = text[at..].chars().next()?;
        c.is_alphanumeric().then(|| c.len_utf8())
    };
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let Some(len) = alphanumeric_at(at) else {
            // Past the rest of a character that is no letter or digit.
            at += 1;
            while at < bytes.len() && !text.is_char_boundary(at) {
                at += 1;
            }
            continue;
        };
        let start = at;
        at += len;
        // ASCII letters and digits eight bytes at a time, then any other letter.
        loop {
            at = ascii_run_end(bytes, at, AsciiRun::LettersAndDigits);
            match (at < bytes.len() && bytes[at] >= 0x80).then(|| alphanumeric_at(at)) {
                Some(Some(len)) => at += len,
                _ => break,
            }
        }
        if at - start > LONGEST_TRIGGER {
            continue;
        }
        if let Some(trigger) = trigger_word(triggers, bytes, start, at) {
            found.push((start, at, trigger));
        }
    }
    found
}

/// Scans `text` for temporal expressions: sorted, non-overlapping candidates.
///
/// Trigger words come from the text's tokens when the caller has them, else from its
/// runs of letters and digits, and digit runs from a byte scan; the two streams are
/// taken in text order.
pub(crate) fn scan(text: &str, tokens: Option<&[Token]>) -> Vec<Candidate> {
    let trigger_words = match tokens {
        Some(tokens) => trigger_words_of_tokens(text, tokens),
        None => trigger_words_of_runs(text),
    };
    scan_triggers(text, trigger_words)
}

/// [`scan`] with the text's trigger words found.
fn scan_triggers(text: &str, trigger_words: Vec<(usize, usize, Trigger)>) -> Vec<Candidate> {
    let bytes = text.as_bytes();
    let next_digit = |from: usize| find_digit(bytes, from);
    let mut words = trigger_words.into_iter().peekable();
    let mut digit = next_digit(0);
    let mut out: Vec<Candidate> = Vec::new();
    let mut covered = 0;
    loop {
        let word_start = words.peek().map(|&(start, _, _)| start);
        let (start, end, trigger) = match (word_start, digit) {
            (None, None) => break,
            (Some(w), Some(d)) if w < d => words.next().expect("peeked"),
            (Some(_), None) => words.next().expect("peeked"),
            (_, Some(d)) => {
                let run_end = bytes[d..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(bytes.len(), |n| d + n);
                digit = next_digit(run_end);
                (d, run_end, Trigger::Digit)
            }
        };
        if start < covered {
            continue;
        }
        // A trigger glued to letters or digits (`Mayor`, `G20`, `date2025`) is none.
        let fiscal_code = trigger == Trigger::Digit
            && adjacent_prev(text, start).is_some_and(|p| {
                p.text == "FY" && !char_before(text, p.start).is_some_and(char::is_alphanumeric)
            });
        if (char_before(text, start).is_some_and(char::is_alphanumeric) && !fiscal_code)
            || (trigger != Trigger::Digit && char_at(text, end).is_some_and(char::is_alphanumeric))
        {
            continue;
        }
        let Some(token) = next_tok(text, start) else {
            continue;
        };
        if let Some(candidate) = match_trigger(text, trigger, token) {
            covered = covered.max(candidate.range.end);
            push_flat(&mut out, candidate);
        }
    }
    out
}

/// Appends a candidate, keeping the longer of two that overlap (a modifier found
/// looking backwards may reach into the previous one).
fn push_flat(out: &mut Vec<Candidate>, candidate: Candidate) {
    while let Some(last) = out.last() {
        if last.range.end <= candidate.range.start {
            break;
        }
        if last.range.len() >= candidate.range.len() {
            return;
        }
        out.pop();
    }
    out.push(candidate);
}

fn match_trigger(text: &str, trigger: Trigger, token: Tok<'_>) -> Option<Candidate> {
    match trigger {
        Trigger::Month => month_rule(text, token),
        Trigger::Weekday(w) => weekday_rule(text, token, w),
        Trigger::Unit(unit) => unit_rule(text, token, unit),
        Trigger::Half => ordinal_period_rule(text, token, 2),
        Trigger::Quarter => ordinal_period_rule(text, token, 4),
        Trigger::QuarterCode(q) => quarter_code_rule(text, token, q),
        Trigger::Season(season) => season_rule(text, token, season),
        Trigger::RelDay(n) => rel_day_rule(text, token, n, None),
        Trigger::Tonight => rel_day_rule(text, token, 0, Some(PartOfDay::Night)),
        Trigger::Ago => ago_rule(text, token),
        Trigger::PartOfDay(pod) => part_of_day_rule(text, token, pod),
        Trigger::Digit => number_rule(text, token),
    }
}

fn candidate(start: usize, end: usize, expr: Expr) -> Candidate {
    Candidate {
        range: TextRange::new(start, end),
        expr,
    }
}

// ---- shared pieces ----------------------------------------------------------------------

/// A month name at `tok` (capitalised; abbreviations with their full stop): the month
/// and the end of the name.
fn month_at(text: &str, tok: &Tok<'_>) -> Option<(u32, usize)> {
    if tok.kind != Kind::Word || !tok.is_capitalized() {
        return None;
    }
    if let Some(i) = MONTHS.iter().position(|m| tok.text.eq_ignore_ascii_case(m)) {
        return Some((i as u32 + 1, tok.end));
    }
    let (_, month) = MONTH_ABBREVIATIONS
        .iter()
        .find(|(a, _)| tok.text.eq_ignore_ascii_case(a))?;
    if let Some(dot) = adjacent_next(text, tok.end).filter(|t| t.is_punct('.')) {
        return Some((*month, dot.end));
    }
    // Without its full stop an abbreviation counts only before a day or a year (`Dec 10`).
    let number = next_tok(text, tok.end).filter(|t| t.kind == Kind::Num)?;
    let fits = match number.text.len() {
        1 | 2 => number.number().is_some_and(|d| (1..=31).contains(&d)),
        4 => true,
        _ => false,
    };
    fits.then_some((*month, tok.end))
}

fn month_after(text: &str, pos: usize) -> Option<(u32, usize)> {
    month_at(text, &next_tok(text, pos)?)
}

fn weekday_of_word(tok: &Tok<'_>) -> Option<u32> {
    if !tok.is_capitalized() {
        return None;
    }
    WEEKDAYS
        .iter()
        .position(|w| tok.text.eq_ignore_ascii_case(w))
        .map(|i| i as u32)
}

const ORDINAL_SUFFIXES: [&str; 4] = ["st", "nd", "rd", "th"];

/// Whether a number ending at `end` continues as a larger number, a decimal or a time
/// (`10,000`, `3.5`, `10:30`), or is glued to letters or a percent sign.
fn number_continues(text: &str, end: usize) -> bool {
    let Some(next) = adjacent_next(text, end) else {
        return false;
    };
    match next.kind {
        Kind::Word | Kind::Num => true,
        Kind::Punct if next.is_punct('%') => true,
        Kind::Punct if matches!(next.text, "," | "." | ":" | "/") => {
            adjacent_next(text, next.end).is_some_and(|t| t.kind == Kind::Num)
        }
        Kind::Punct => false,
    }
}

/// A day of the month at `pos` (`10`, `10th`): the day and where it ends.
fn day_after(text: &str, pos: usize) -> Option<(u32, usize)> {
    let tok = next_tok(text, pos)?;
    if tok.kind != Kind::Num || tok.text.len() > 2 {
        return None;
    }
    let day = tok.number()?;
    if !(1..=31).contains(&day) {
        return None;
    }
    if let Some(suffix) = adjacent_next(text, tok.end).filter(|t| t.is_any(&ORDINAL_SUFFIXES)) {
        if number_continues(text, suffix.end) {
            return None;
        }
        return Some((day, suffix.end));
    }
    if number_continues(text, tok.end) {
        return None;
    }
    Some((day, tok.end))
}

/// Words after a number that make it a quantity, not a year.
const QUANTITY_FOLLOWERS: &[&str] = &[
    "percent",
    "per",
    "pct",
    "percentage",
    "won",
    "dollars",
    "dollar",
    "euros",
    "euro",
    "yen",
    "yuan",
    "pounds",
    "rupees",
    "million",
    "billion",
    "trillion",
    "thousand",
    "hundred",
    "bn",
    "mn",
    "bln",
    "mln",
    "tln",
    "tn",
    "trn",
    "tons",
    "tonnes",
    "ton",
    "tonne",
    "km",
    "kilometers",
    "kilometres",
    "meters",
    "metres",
    "kg",
    "kilograms",
    "people",
    "persons",
    "units",
    "won",
    "barrels",
    "hectares",
    "acres",
    "mw",
    "gw",
    "kw",
    "kwh",
    "twh",
    "gwh",
    "times",
    "hours",
    "minutes",
    "seconds",
    "usd",
    "krw",
    "eur",
    "jpy",
    "cny",
    "gbp",
    "square",
    "cubic",
    "feet",
    "miles",
    "degrees",
];
static QUANTITY_FOLLOWERS_SET: FoldedWords = FoldedWords::new(QUANTITY_FOLLOWERS);

/// Words before a number that make it an identifier or a quantity, not a year.
const NON_YEAR_PRECEDERS: &[&str] = &[
    "no",
    "number",
    "article",
    "section",
    "room",
    "iso",
    "iec",
    "flight",
    "route",
    "resolution",
    "code",
    "tel",
    "fax",
    "phone",
    "ext",
    "page",
    "pp",
    "chapter",
    "usd",
    "krw",
    "eur",
    "jpy",
    "cny",
    "gbp",
    "rmb",
    "about",
    "approximately",
    "nearly",
    "almost",
    "around",
    "roughly",
    "over",
    "than",
    "some",
    "only",
    "just",
    "total",
    "least",
    "most",
    "exactly",
    "estimated",
    "up",
    "top",
    "rank",
    "ranked",
    "model",
    "gate",
    "platform",
    "step",
    "level",
    "grade",
    "version",
    "highway",
    "paragraph",
];
static NON_YEAR_PRECEDERS_SET: FoldedWords = FoldedWords::new(NON_YEAR_PRECEDERS);

/// Whether a four-digit number at `tok` reads as a year in its context: not part of an
/// amount, a code, a phone number or a count.
fn plausible_year_context(text: &str, tok: &Tok<'_>) -> bool {
    if number_continues(text, tok.end) {
        return false;
    }
    if let Some(c) = char_before(text, tok.start) {
        if matches!(c, '$' | '€' | '£' | '¥' | '₩' | '#' | '+' | '№') {
            return false;
        }
        // A digit group after `.`, `,`, `-`, `/` or `:` belongs to a larger number.
        if matches!(c, '.' | ',' | ':' | '/' | '-')
            && char_before(text, tok.start - 1).is_some_and(|d| d.is_ascii_digit())
        {
            return false;
        }
    }
    let mut previous = prev_tok(text, tok.start);
    // `No. 2024`: look through an abbreviation's full stop.
    if let Some(dot) = previous.filter(|p| p.is_punct('.')) {
        previous = adjacent_prev(text, dot.start).or(previous);
    }
    if previous.is_some_and(|p| p.is_in(&NON_YEAR_PRECEDERS_SET)) {
        return false;
    }
    if let Some(p) = previous
        && p.is("date")
        && p.end == tok.start
    {
        return false;
    }
    !next_tok(text, tok.end)
        .is_some_and(|next| next.is_in(&QUANTITY_FOLLOWERS_SET) || next.is_punct('%'))
}

/// A year at `pos` (four digits within `min..=max`, in a year's context).
fn year_after(text: &str, pos: usize, min: u32, max: u32) -> Option<(i32, usize)> {
    let tok = next_tok(text, pos)?;
    year_at(text, &tok, min, max)
}

fn year_at(text: &str, tok: &Tok<'_>, min: u32, max: u32) -> Option<(i32, usize)> {
    if tok.kind != Kind::Num || tok.text.len() != 4 {
        return None;
    }
    let year = tok.number()?;
    if !(min..=max).contains(&year) || !plausible_year_context(text, tok) {
        return None;
    }
    Some((year as i32, tok.end))
}

/// A year after a month or day: `, 2025`, `2025` or `of 2025`.
fn trailing_year(text: &str, pos: usize) -> Option<(i32, usize)> {
    let tok = next_tok(text, pos)?;
    if tok.is_punct(',') || tok.is("of") {
        return year_after(text, tok.end, 1000, 2999);
    }
    year_at(text, &tok, 1000, 2999)
}

/// A year after a month or day: an absolute one (`, 2025`, `of 2025`) or one relative to
/// the article (`last year`, `of next year`).
fn year_of_date(text: &str, pos: usize) -> Option<(YearRef, usize)> {
    if let Some((year, end)) = trailing_year(text, pos) {
        return Some((YearRef::Abs(year), end));
    }
    let mut tok = next_tok(text, pos)?;
    if tok.is("of") {
        tok = next_tok(text, tok.end)?;
    }
    let offset = if tok.is("this") {
        0
    } else if tok.is("last") {
        -1
    } else if tok.is("next") {
        1
    } else {
        return None;
    };
    let unit = next_tok(text, tok.end).filter(|t| t.is("year"))?;
    // In `August last year-end` the year is part of another word.
    if adjacent_next(text, unit.end).is_some_and(|t| t.kind != Kind::Punct || t.is_dash()) {
        return None;
    }
    Some((YearRef::Rel(offset), unit.end))
}

/// The year before `year`, for the start of a range over New Year.
fn year_before(year: YearRef) -> YearRef {
    match year {
        YearRef::Abs(y) => YearRef::Abs(y - 1),
        YearRef::Rel(n) => YearRef::Rel(n - 1),
        open @ YearRef::Open(_) => open,
    }
}

/// A word that joins the two ends of a range.
fn is_range_joiner(text: &str, tok: &Tok<'_>, range_start: usize) -> bool {
    tok.is_dash()
        || tok.is_any(&["to", "through", "until", "till", "thru"])
        || (tok.is("and") && prev_tok(text, range_start).is_some_and(|p| p.is("between")))
}

/// A year expression after `of` in `the first half of …`.
fn year_expression(text: &str, pos: usize) -> Option<(YearRef, usize)> {
    let tok = next_tok(text, pos)?;
    if let Some((year, end)) = year_at(text, &tok, 1000, 2999) {
        return Some((YearRef::Abs(year), end));
    }
    let offset = if tok.is_any(&["this", "current", "the"]) {
        0
    } else if tok.is("last") {
        -1
    } else if tok.is("next") {
        1
    } else {
        return None;
    };
    let unit = next_tok(text, tok.end).filter(|t| t.is("year"))?;
    Some((YearRef::Rel(offset), unit.end))
}

/// Where a period expression starting at `start` really starts once the modifiers that
/// keep its value are included: `early`, `late`, `mid-`, `the end of`.
fn extend_modifiers(text: &str, start: usize) -> usize {
    let Some(prev) = prev_tok(text, start) else {
        return start;
    };
    if prev.is_any(&["early", "late", "mid", "middle"]) {
        return prev.start;
    }
    if prev.is_dash()
        && prev.end == start
        && let Some(word) = adjacent_prev(text, prev.start)
        && word.is_any(&["mid", "early", "late"])
    {
        return word.start;
    }
    if prev.is("of")
        && let Some(word) = prev_tok(text, prev.start)
        && word.is_any(&["end", "beginning", "start", "middle", "close"])
    {
        return match prev_tok(text, word.start) {
            Some(the) if the.is("the") => the.start,
            _ => word.start,
        };
    }
    start
}

/// `last`, `next`, `this` before a month or weekday: the hint and the span start.
fn relative_hint(text: &str, start: usize) -> (Hint, usize) {
    match prev_tok(text, start) {
        Some(p) if p.is("last") => (Hint::Last, p.start),
        Some(p) if p.is_any(&["next", "coming"]) => (Hint::Next, p.start),
        Some(p) if p.is("this") => (Hint::This, p.start),
        _ => (Hint::Tense, start),
    }
}

// ---- rules --------------------------------------------------------------------------

/// Words before `May` that make it the month, not the verb or a name.
const MONTH_CONTEXT: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "till",
    "through",
    "from",
    "during",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "of",
    "before",
    "after",
    "between",
    "and",
    "to",
    "end",
    "on",
    "mid-",
    "throughout",
    "or",
];
static MONTH_CONTEXT_SET: FoldedWords = FoldedWords::new(MONTH_CONTEXT);

fn month_rule(text: &str, tok: Tok<'_>) -> Option<Candidate> {
    let (month, month_end) = month_at(text, &tok)?;
    let start = tok.start;
    if let Some((day, day_end)) = day_after(text, month_end) {
        return month_day_rule(text, start, month, day, day_end, None);
    }
    // `September 2024`, `September of 2024`.
    let year = trailing_year(text, month_end);
    // `June to August [2025]`.
    if let Some(joiner) = next_tok(text, year.map_or(month_end, |(_, e)| e))
        && is_range_joiner(text, &joiner, start)
        && let Some((month2, month2_end)) = month_after(text, joiner.end)
        && day_after(text, month2_end).is_none()
    {
        let year2 = trailing_year(text, month2_end);
        let end = year2.map_or(month2_end, |(_, e)| e);
        let (from_year, to_year) = match (year, year2) {
            (Some((a, _)), Some((b, _))) => (YearRef::Abs(a), YearRef::Abs(b)),
            (None, Some((b, _))) if month2 < month => (YearRef::Abs(b - 1), YearRef::Abs(b)),
            (None, Some((b, _))) => (YearRef::Abs(b), YearRef::Abs(b)),
            (Some((a, _)), None) => (YearRef::Abs(a), YearRef::Open(Hint::Tense)),
            (None, None) => (YearRef::Open(Hint::Tense), YearRef::Open(Hint::Tense)),
        };
        let expr = Expr::Range(
            Point::Month(from_year, month),
            Point::Month(to_year, month2),
        );
        return Some(candidate(extend_modifiers(text, start), end, expr));
    }
    if let Some((year, end)) = year {
        let start = extend_modifiers(text, start);
        return Some(candidate(
            start,
            end,
            Expr::point(Point::Month(YearRef::Abs(year), month)),
        ));
    }
    // `August last year`, `March of next year`: one date, the month of that year.
    if let Some((year @ YearRef::Rel(_), end)) = year_of_date(text, month_end) {
        let start = extend_modifiers(text, start);
        return Some(candidate(
            start,
            end,
            Expr::point(Point::Month(year, month)),
        ));
    }
    let previous = prev_tok(text, start);
    if month == 5 {
        // `May` alone is the month only after a temporal word.
        let after_time_word = previous.is_some_and(|p| p.is_in(&MONTH_CONTEXT_SET) || p.is_dash());
        if !after_time_word {
            return None;
        }
    }
    let (hint, start) = relative_hint(text, start);
    let start = extend_modifiers(text, start);
    Some(candidate(
        start,
        month_end,
        Expr::point(Point::Month(YearRef::Open(hint), month)),
    ))
}

/// `December 10[, 2025]`, `December 1 to December 3`, `December 2 to 3`, with the month
/// and day already read; `weekday` is a weekday named before the date.
fn month_day_rule(
    text: &str,
    start: usize,
    month: u32,
    day: u32,
    day_end: usize,
    weekday: Option<u32>,
) -> Option<Candidate> {
    if day > days_in_month(2000, month) {
        return None;
    }
    let mut end = day_end;
    let mut second: Option<(u32, u32)> = None;
    // `Sunday, April 29 to Monday, April 30`: a weekday opens the range's end as it
    // opened its start.
    let second_start = next_tok(text, end)
        .filter(|joiner| is_range_joiner(text, joiner, start))
        .and_then(|joiner| match weekday {
            None => Some(joiner.end),
            Some(_) => next_tok(text, joiner.end)
                .filter(|w| weekday_of_word(w).is_some())
                .and_then(|w| next_tok(text, w.end).filter(|c| c.is_punct(',')))
                .map(|comma| comma.end),
        });
    if let Some(second_start) = second_start {
        if let Some((month2, month2_end)) = month_after(text, second_start) {
            if let Some((day2, day2_end)) = day_after(text, month2_end)
                && day2 <= days_in_month(2000, month2)
            {
                second = Some((month2, day2));
                end = day2_end;
            }
        } else if let Some((day2, day2_end)) = day_after(text, second_start)
            && day2 > day
            && day2 <= days_in_month(2000, month)
        {
            second = Some((month, day2));
            end = day2_end;
        }
    }
    let year = year_of_date(text, end);
    if let Some((_, year_end)) = year {
        end = year_end;
    }
    let day_point = |year: YearRef, month: u32, day: u32, weekday: Option<u32>| Point::Day {
        year,
        month,
        day,
        weekday,
    };
    let expr = match second {
        None => {
            let year = year.map_or(YearRef::Open(Hint::Tense), |(y, _)| y);
            Expr::point(day_point(year, month, day, weekday))
        }
        Some((month2, day2)) => {
            let (from_year, to_year) = match year {
                // A range over New Year takes the stated year for its end.
                Some((y, _)) if (month2, day2) < (month, day) => (year_before(y), y),
                Some((y, _)) => (y, y),
                None => (YearRef::Open(Hint::Tense), YearRef::Open(Hint::Tense)),
            };
            Expr::Range(
                day_point(from_year, month, day, None),
                day_point(to_year, month2, day2, None),
            )
        }
    };
    Some(candidate(start, end, expr))
}

fn weekday_rule(text: &str, tok: Tok<'_>, weekday: u32) -> Option<Candidate> {
    weekday_of_word(&tok)?;
    // `Wednesday, December 10[, 2025]` is one date. `Wednesday (Dec. 10)` is two, the
    // weekday taking the date the parenthesis gives.
    if let Some(sep) = next_tok(text, tok.end)
        && (sep.is_punct(',') || sep.is_punct('('))
    {
        if let Some((month, month_end)) = month_after(text, sep.end)
            && let Some((day, day_end)) = day_after(text, month_end)
            && let Some(mut found) =
                month_day_rule(text, tok.start, month, day, day_end, Some(weekday))
        {
            if sep.is_punct('(') {
                found.range.end = tok.end;
            }
            return Some(found);
        }
        // `Wednesday, 10 December`.
        if let Some((day, day_end)) = day_after(text, sep.end)
            && let Some((month, month_end)) = month_after(text, day_end)
            && day <= days_in_month(2000, month)
        {
            let year = trailing_year(text, month_end);
            let end = year.map_or(month_end, |(_, e)| e);
            let year = year.map_or(YearRef::Open(Hint::Tense), |(y, _)| YearRef::Abs(y));
            let point = Point::Day {
                year,
                month,
                day,
                weekday: Some(weekday),
            };
            return Some(candidate(tok.start, end, Expr::point(point)));
        }
    }
    let (hint, start) = relative_hint(text, tok.start);
    let (pod, end) = part_of_day_after(text, tok.end);
    Some(candidate(
        start,
        end,
        Expr::Single(Point::Weekday(weekday, hint), pod),
    ))
}

fn part_of_day_after(text: &str, pos: usize) -> (Option<PartOfDay>, usize) {
    let Some(next) = next_tok(text, pos) else {
        return (None, pos);
    };
    let pod = if next.is("morning") {
        PartOfDay::Morning
    } else if next.is("afternoon") {
        PartOfDay::Afternoon
    } else if next.is("evening") {
        PartOfDay::Evening
    } else if next.is("night") {
        PartOfDay::Night
    } else {
        return (None, pos);
    };
    (Some(pod), next.end)
}

/// `this year`, `last month`, `next week`, `within the year`, `the end of the year`,
/// `year-end`.
fn unit_rule(text: &str, tok: Tok<'_>, unit: Unit) -> Option<Candidate> {
    let point = |offset: i32| match unit {
        Unit::Year => Point::Year(YearRef::Rel(offset)),
        Unit::Month => Point::RelMonth(offset),
        Unit::Week => Point::Week(offset),
        Unit::Day => Point::RelDay(offset),
    };
    if unit == Unit::Year
        && let Some(dash) = adjacent_next(text, tok.end).filter(|t| t.is_dash())
        && let Some(end) = adjacent_next(text, dash.end).filter(|t| t.is("end"))
    {
        return Some(candidate(tok.start, end.end, Expr::point(point(0))));
    }
    let prev = prev_tok(text, tok.start)?;
    let offset = if prev.is_any(&["this", "current"]) {
        0
    } else if prev.is("last") {
        -1
    } else if prev.is_any(&["next", "coming"]) {
        1
    } else if prev.is("the") {
        let before = prev_tok(text, prev.start)?;
        if before.is("within") {
            return Some(candidate(before.start, tok.end, Expr::point(point(0))));
        }
        if before.is("of")
            && let Some(word) = prev_tok(text, before.start)
            && word.is_any(&["end", "beginning", "start", "middle", "close"])
        {
            let start = match prev_tok(text, word.start) {
                Some(the) if the.is("the") => the.start,
                _ => word.start,
            };
            return Some(candidate(start, tok.end, Expr::point(point(0))));
        }
        return None;
    } else {
        return None;
    };
    // `the last year`, `the next month` are spans of time, not calendar periods.
    if offset != 0 && prev_tok(text, prev.start).is_some_and(|t| t.is("the")) {
        return None;
    }
    let mut start = extend_modifiers(text, prev.start);
    if start == prev.start
        && let Some(word) = prev_tok(text, start).filter(|w| w.is_any(&["later", "earlier"]))
        && !prev_tok(text, word.start).is_some_and(|w| w.is_in(&UNIT_WORDS_SET))
    {
        // `later this month` keeps the month's value; `a year earlier` is no modifier.
        start = word.start;
    }
    Some(candidate(start, tok.end, Expr::point(point(offset))))
}

/// Units of time, which turn a following `later` or `earlier` into a distance.
const UNIT_WORDS: &[&str] = &[
    "year", "years", "month", "months", "week", "weeks", "day", "days",
];
static UNIT_WORDS_SET: FoldedWords = FoldedWords::new(UNIT_WORDS);

/// An ordinal before `pos` (`first`, `2nd`, `third-`): its value and start.
fn ordinal_before(text: &str, pos: usize) -> Option<(u32, usize)> {
    let mut tok = prev_tok(text, pos)?;
    if tok.is_dash() && tok.end == pos {
        tok = adjacent_prev(text, tok.start)?;
    }
    let words = ["first", "second", "third", "fourth"];
    if let Some(i) = words.iter().position(|w| tok.is(w)) {
        return Some((i as u32 + 1, tok.start));
    }
    if tok.is_any(&ORDINAL_SUFFIXES) {
        let number = adjacent_prev(text, tok.start)?;
        let n = number.number()?;
        // `1st` … `4th`: the suffixes are listed in that order.
        let expected = ORDINAL_SUFFIXES[(n as usize).clamp(1, 4) - 1];
        let suffix_fits = (1..=4).contains(&n) && tok.text.eq_ignore_ascii_case(expected);
        return suffix_fits.then_some((n, number.start));
    }
    None
}

/// `the first half of next year`, `second quarter`, `the third quarter of 2025`.
fn ordinal_period_rule(text: &str, tok: Tok<'_>, parts: u32) -> Option<Candidate> {
    let (n, ordinal_start) = ordinal_before(text, tok.start)?;
    if n > parts {
        return None;
    }
    let make = |year: YearRef| {
        if parts == 2 {
            Point::Half(year, n)
        } else {
            Point::Quarter(year, n)
        }
    };
    if let Some(of) = next_tok(text, tok.end).filter(|t| t.is("of")) {
        // `the first half of the meeting` is no date.
        let (year, end) = year_expression(text, of.end)?;
        let start = match prev_tok(text, ordinal_start) {
            Some(the) if the.is("the") => the.start,
            _ => ordinal_start,
        };
        return Some(candidate(start, end, Expr::point(make(year))));
    }
    if let Some((year, end)) = year_after(text, tok.end, 1000, 2999) {
        return Some(candidate(
            ordinal_start,
            end,
            Expr::point(make(YearRef::Abs(year))),
        ));
    }
    let start = extend_modifiers(text, ordinal_start);
    Some(candidate(
        start,
        tok.end,
        Expr::point(make(YearRef::Open(Hint::Tense))),
    ))
}

/// `Q3`, `Q3 2025`.
fn quarter_code_rule(text: &str, tok: Tok<'_>, quarter: u32) -> Option<Candidate> {
    if !tok.text.starts_with('Q') {
        return None;
    }
    let code_end = tok.start + 2;
    match trailing_year(text, code_end) {
        Some((year, end)) => Some(candidate(
            tok.start,
            end,
            Expr::point(Point::Quarter(YearRef::Abs(year), quarter)),
        )),
        None => Some(candidate(
            tok.start,
            code_end,
            Expr::point(Point::Quarter(YearRef::Open(Hint::Tense), quarter)),
        )),
    }
}

/// Words before a bare season name that make it a time (`in summer`).
const SEASON_CONTEXT: &[&str] = &[
    "in",
    "during",
    "by",
    "until",
    "till",
    "since",
    "through",
    "before",
    "after",
    "over",
    "throughout",
    "this",
    "last",
    "next",
    "early",
    "late",
    "mid",
];
static SEASON_CONTEXT_SET: FoldedWords = FoldedWords::new(SEASON_CONTEXT);

fn season_rule(text: &str, tok: Tok<'_>, season: Season) -> Option<Candidate> {
    if let Some((year, end)) = trailing_year(text, tok.end) {
        let start = extend_modifiers(text, tok.start);
        return Some(candidate(
            start,
            end,
            Expr::point(Point::Season(YearRef::Abs(year), season)),
        ));
    }
    let (hint, start) = relative_hint(text, tok.start);
    if hint == Hint::Tense {
        // A bare season needs a temporal word before it (`in the summer`); `fall`
        // is too often the verb to stand alone.
        if tok.is("fall") {
            return None;
        }
        let mut before = prev_tok(text, tok.start)?;
        if before.is("the") {
            before = prev_tok(text, before.start)?;
        }
        if !before.is_in(&SEASON_CONTEXT_SET) {
            return None;
        }
    }
    if adjacent_next(text, tok.end).is_some_and(|t| t.is_dash()) {
        // `summer-time`, `winter-proof`: compounds, not dates.
        return None;
    }
    let start = extend_modifiers(text, start);
    Some(candidate(
        start,
        tok.end,
        Expr::point(Point::Season(YearRef::Open(hint), season)),
    ))
}

fn rel_day_rule(
    text: &str,
    tok: Tok<'_>,
    offset: i32,
    pod: Option<PartOfDay>,
) -> Option<Candidate> {
    let (pod, end) = match pod {
        Some(pod) => (Some(pod), tok.end),
        None if offset != 0 => part_of_day_after(text, tok.end),
        None => (None, tok.end),
    };
    // `within today`, as `within the year`.
    let start = match prev_tok(text, tok.start) {
        Some(within) if offset == 0 && within.is("within") => within.start,
        _ => tok.start,
    };
    // `tomorrow, April 4`: one date, the one the text spells out.
    if pod.is_none()
        && let Some(comma) = next_tok(text, end).filter(|t| t.is_punct(','))
        && let Some((month, month_end)) = month_after(text, comma.end)
        && let Some((day, day_end)) = day_after(text, month_end)
        && let Some(mut found) = month_day_rule(text, start, month, day, day_end, None)
        && found.range.start == start
    {
        found.range.start = start;
        return Some(found);
    }
    Some(candidate(
        start,
        end,
        Expr::Single(Point::RelDay(offset), pod),
    ))
}

/// `this morning`, `last night`.
fn part_of_day_rule(text: &str, tok: Tok<'_>, pod: PartOfDay) -> Option<Candidate> {
    let prev = prev_tok(text, tok.start)?;
    let offset = if prev.is("this") && pod != PartOfDay::Night {
        0
    } else if prev.is("last") && pod == PartOfDay::Night {
        -1
    } else {
        return None;
    };
    Some(candidate(
        prev.start,
        tok.end,
        Expr::Single(Point::RelDay(offset), Some(pod)),
    ))
}

const NUMBER_WORDS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// `two years ago`, `a month ago`.
fn ago_rule(text: &str, tok: Tok<'_>) -> Option<Candidate> {
    let unit_tok = prev_tok(text, tok.start)?;
    let unit = if unit_tok.is_any(&["year", "years"]) {
        Unit::Year
    } else if unit_tok.is_any(&["month", "months"]) {
        Unit::Month
    } else if unit_tok.is_any(&["week", "weeks"]) {
        Unit::Week
    } else if unit_tok.is_any(&["day", "days"]) {
        Unit::Day
    } else {
        return None;
    };
    let count_tok = prev_tok(text, unit_tok.start)?;
    let count = if count_tok.is_any(&["a", "an"]) {
        1
    } else if let Some(i) = NUMBER_WORDS.iter().position(|w| count_tok.is(w)) {
        i as i32 + 1
    } else if count_tok.kind == Kind::Num && count_tok.text.len() <= 3 {
        count_tok.number()? as i32
    } else {
        return None;
    };
    let point = match unit {
        Unit::Year => Point::Year(YearRef::Rel(-count)),
        Unit::Month => Point::RelMonth(-count),
        Unit::Week => Point::Week(-count),
        Unit::Day => Point::RelDay(-count),
    };
    Some(candidate(count_tok.start, tok.end, Expr::point(point)))
}

/// Rules anchored on a number: years, decades, year ranges, ISO dates, `10 December`,
/// `21st century`.
fn number_rule(text: &str, tok: Tok<'_>) -> Option<Candidate> {
    if tok.kind != Kind::Num {
        return None;
    }
    match tok.text.len() {
        1 | 2 => day_first_rule(text, tok),
        4 => year_rule(text, tok),
        _ => None,
    }
}

/// `10 December [2025]`, `1-3 December`, `the 21st century`.
fn day_first_rule(text: &str, tok: Tok<'_>) -> Option<Candidate> {
    let n = tok.number()?;
    let suffix = adjacent_next(text, tok.end).filter(|t| t.is_any(&ORDINAL_SUFFIXES));
    let mut end = suffix.map_or(tok.end, |s| s.end);
    if let Some(word) = next_tok(text, end)
        && suffix.is_some()
    {
        let century = if word.is_dash() && word.start == end {
            adjacent_next(text, word.end).filter(|t| t.is("century"))
        } else {
            Some(word).filter(|t| t.is("century"))
        };
        if let Some(century) = century
            && (1..=30).contains(&n)
        {
            return Some(candidate(
                tok.start,
                century.end,
                Expr::point(Point::Century(n as i32 - 1)),
            ));
        }
        if word.is("of") {
            end = word.end;
        }
    }
    if suffix.is_none() && number_continues(text, tok.end) {
        return None;
    }
    if !(1..=31).contains(&n) {
        return None;
    }
    // `1-3 December`, `1 to 3 December`.
    let mut second_day = None;
    if suffix.is_none()
        && let Some(joiner) = next_tok(text, end)
        && (joiner.is_dash() || joiner.is("to"))
        && let Some((day2, day2_end)) = day_after(text, joiner.end)
        && day2 > n
        && month_after(text, day2_end).is_some()
    {
        second_day = Some(day2);
        end = day2_end;
    }
    let (month, month_end) = month_after(text, end)?;
    let last_day = second_day.unwrap_or(n);
    if last_day > days_in_month(2000, month) {
        return None;
    }
    let year = year_of_date(text, month_end);
    let end = year.map_or(month_end, |(_, e)| e);
    let year = year.map_or(YearRef::Open(Hint::Tense), |(y, _)| y);
    let day = |d: u32| Point::Day {
        year,
        month,
        day: d,
        weekday: None,
    };
    let start = match prev_tok(text, tok.start) {
        Some(the) if the.is("the") && suffix.is_some() => the.start,
        _ => tok.start,
    };
    let expr = match second_day {
        Some(d2) => Expr::Range(day(n), day(d2)),
        None => Expr::point(day(n)),
    };
    Some(candidate(start, end, expr))
}

const MIN_YEAR: u32 = 1900;
const MAX_YEAR: u32 = 2100;

fn year_rule(text: &str, tok: Tok<'_>) -> Option<Candidate> {
    let n = tok.number()?;
    // The article date marker is metadata, never a mention.
    let previous = prev_tok(text, tok.start);
    let before_colon = previous
        .filter(|p| p.is_punct(':'))
        .and_then(|colon| prev_tok(text, colon.start));
    if previous.is_some_and(|p| p.is("date")) || before_colon.is_some_and(|p| p.is("date")) {
        return None;
    }
    if let Some(c) = char_before(text, tok.start)
        && (matches!(c, '$' | '€' | '£' | '¥' | '₩' | '#')
            || (matches!(c, '.' | ',' | ':' | '/' | '-')
                && char_before(text, tok.start - 1).is_some_and(|d| d.is_ascii_digit())))
    {
        return None;
    }
    // Glued forms: `2025-12-10`, `1950-53`, `1998-2024`, `1990s`.
    if let Some(next) = adjacent_next(text, tok.end) {
        if next.is_dash()
            && let Some(second) = adjacent_next(text, next.end).filter(|t| t.kind == Kind::Num)
        {
            return glued_number_rule(text, tok, n, second);
        }
        if next.is("s") && n % 10 == 0 && (1000..=MAX_YEAR).contains(&n) {
            if adjacent_next(text, next.end).is_some_and(|t| t.kind != Kind::Punct) {
                return None;
            }
            let start = extend_modifiers(text, tok.start);
            return Some(candidate(
                start,
                next.end,
                Expr::point(Point::Decade(n as i32 / 10)),
            ));
        }
    }
    if closes_a_name(text, &tok) {
        return None;
    }
    let (year, mut end) = year_at(text, &tok, MIN_YEAR, MAX_YEAR)?;
    // A lowercase plural after a number read as a count (`about 2000 workers`).
    if let Some(next) = next_tok(text, end)
        && next.kind == Kind::Word
        && next.text.ends_with('s')
        && !next.is_capitalized()
        && next.text.len() > 3
        && prev_tok(text, tok.start)
            .is_some_and(|p| p.kind == Kind::Num || p.is_any(&["with", "of", "and", "or"]))
    {
        return None;
    }
    // `1998 to 2024`, `between 2020 and 2024`, `2020 – 2024`.
    if let Some(joiner) = next_tok(text, end)
        && is_range_joiner(text, &joiner, tok.start)
        && let Some((year2, year2_end)) = year_after(text, joiner.end, MIN_YEAR, MAX_YEAR)
        && year2 > year
    {
        end = year2_end;
        let expr = Expr::Range(
            Point::Year(YearRef::Abs(year)),
            Point::Year(YearRef::Abs(year2)),
        );
        return Some(candidate(tok.start, end, expr));
    }
    let start = fiscal_prefix(text, tok.start).unwrap_or_else(|| extend_modifiers(text, tok.start));
    Some(candidate(
        start,
        end,
        Expr::point(Point::Year(YearRef::Abs(year))),
    ))
}

/// `fiscal 2026`, `fiscal year 2026`, `FY 2026`, `FY2026`: where the prefix starts. The
/// fiscal year keeps the calendar year's value, as the other modifiers do.
fn fiscal_prefix(text: &str, start: usize) -> Option<usize> {
    let mut prev = prev_tok(text, start)?;
    if prev.text == "FY" {
        return Some(prev.start);
    }
    if prev.is("year") {
        prev = prev_tok(text, prev.start)?;
    }
    prev.is("fiscal").then_some(prev.start)
}

/// Capitalised words before a year that leave it a date: prepositions, determiners and
/// modifiers, which start sentences and headline phrases (`In 2024`, `By 2030`).
const DATE_LEADERS: &[&str] = &[
    "in",
    "by",
    "since",
    "until",
    "till",
    "through",
    "from",
    "to",
    "for",
    "of",
    "on",
    "at",
    "before",
    "after",
    "during",
    "between",
    "and",
    "or",
    "the",
    "this",
    "that",
    "its",
    "their",
    "his",
    "her",
    "our",
    "a",
    "an",
    "early",
    "late",
    "mid",
    "fiscal",
    "fy",
    "calendar",
    "year",
    "around",
    "about",
    "toward",
    "towards",
    "beyond",
    "than",
    "as",
    "circa",
    "into",
    "within",
    "over",
    "past",
    "end",
    "start",
    "beginning",
    "every",
    "each",
    "per",
    "ahead",
    "versus",
    "vs",
    "amid",
    "while",
    "when",
    "unlike",
    "like",
    "throughout",
    "post",
    "pre",
];
static DATE_LEADERS_SET: FoldedWords = FoldedWords::new(DATE_LEADERS);

/// Head nouns of names that take a year after them (`Vision 2030`, `Expo 2030`, `the …
/// Act 2010`): in a headline, where every word is capitalised, only these close a name.
const YEAR_NAME_HEADS: &[&str] = &[
    "act",
    "vision",
    "expo",
    "agenda",
    "horizon",
    "summit",
    "forum",
    "fair",
    "show",
    "games",
    "olympics",
    "cup",
    "conference",
    "congress",
    "festival",
    "week",
    "awards",
    "prize",
    "initiative",
    "programme",
    "program",
    "strategy",
    "roadmap",
    "framework",
    "code",
    "law",
    "bill",
    "directive",
    "ordinance",
    "statute",
    "convention",
    "exhibition",
    "biennale",
];
static YEAR_NAME_HEADS_SET: FoldedWords = FoldedWords::new(YEAR_NAME_HEADS);

/// Whether the year at `tok` ends a proper name, as in `Saudi Vision 2030`,
/// `SEMICON Korea 2026` or `the … Governance Act 2010`: a year right after a capitalised
/// name word belongs to the name. A year before a noun (`its 2026 agenda`, `the 2025
/// … Forum`) stays a date.
fn closes_a_name(text: &str, tok: &Tok<'_>) -> bool {
    let Some(prev) = prev_tok(text, tok.start) else {
        return false;
    };
    if prev.kind != Kind::Word
        || prev.end == tok.start
        || !prev.is_capitalized()
        || prev.is_in(&DATE_LEADERS_SET)
        || month_at(text, &prev).is_some()
        || weekday_of_word(&prev).is_some()
    {
        return false;
    }
    if prev.is_in(&YEAR_NAME_HEADS_SET) || all_caps_in_name(text, prev) {
        return true;
    }
    // In a title-case headline every word is capitalised, so capitals say nothing there.
    !is_title_case_line(text, tok.start)
}

/// Whether the run of capitalised words ending with `last` holds a word in capitals of
/// three or more letters (`SEMICON Korea`), on a line that is not all in capitals.
fn all_caps_in_name(text: &str, last: Tok<'_>) -> bool {
    let is_all_caps = |t: &Tok<'_>| {
        t.text.chars().count() >= 3
            && t.text
                .chars()
                .all(|c| c.is_alphabetic() && c.is_uppercase())
    };
    let mut word = Some(last);
    let mut found = false;
    for _ in 0..4 {
        let Some(w) = word.filter(|w| w.kind == Kind::Word && w.is_capitalized()) else {
            break;
        };
        if w.is_in(&DATE_LEADERS_SET) {
            break;
        }
        found |= is_all_caps(&w);
        word = prev_tok(text, w.start);
    }
    if !found {
        return false;
    }
    let line_start = text
        .get(..last.start)
        .and_then(|head| head.rfind(['\n', '\r']))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(last.end..)
        .and_then(|tail| tail.find(['\n', '\r']))
        .map_or(text.len(), |i| last.end + i);
    text.get(line_start..line_end)
        .is_some_and(|line| line.chars().any(char::is_lowercase))
}

/// Small words a title-case headline may leave in lower case.
const TITLE_LOWERCASE: &[&str] = &[
    "with", "from", "into", "over", "amid", "upon", "than", "onto",
];
static TITLE_LOWERCASE_SET: FoldedWords = FoldedWords::new(TITLE_LOWERCASE);

/// Whether the line around `pos` is a title-case headline: its words of four or more
/// letters are capitalised, all but a few.
fn is_title_case_line(text: &str, pos: usize) -> bool {
    let line_start = text
        .get(..pos)
        .and_then(|head| head.rfind(['\n', '\r']))
        .map_or(0, |i| i + 1);
    let (mut long_words, mut lowercase) = (0usize, 0usize);
    let mut at = line_start;
    while let Some(word) = next_tok(text, at) {
        at = word.end;
        if word.kind != Kind::Word || word.text.chars().count() < 4 {
            continue;
        }
        long_words += 1;
        if !word.is_capitalized() && !word.is_in(&TITLE_LOWERCASE_SET) {
            lowercase += 1;
            // A sentence has many lowercase words; stop reading a long paragraph early.
            if lowercase > 2 {
                return false;
            }
        }
    }
    long_words >= 3 && lowercase * 5 <= long_words
}

/// A four-digit number glued by a dash to another number: an ISO date, a year range, or
/// a code that is no date.
fn glued_number_rule(text: &str, tok: Tok<'_>, n: u32, second: Tok<'_>) -> Option<Candidate> {
    let year = n as i32;
    let after_second = adjacent_next(text, second.end);
    if second.text.len() == 2
        && let Some(dash) = after_second.filter(|t| t.is_dash())
    {
        let third =
            adjacent_next(text, dash.end).filter(|t| t.kind == Kind::Num && t.text.len() == 2)?;
        if number_continues(text, third.end)
            || adjacent_next(text, third.end).is_some_and(|t| t.is_dash())
        {
            return None;
        }
        let month = second.number()?;
        let day = third.number()?;
        if !super::timex::is_valid_day(year, month, day) {
            return None;
        }
        let point = Point::Day {
            year: YearRef::Abs(year),
            month,
            day,
            weekday: None,
        };
        return Some(candidate(tok.start, third.end, Expr::point(point)));
    }
    if after_second.is_some_and(|t| t.kind != Kind::Punct || t.is_dash())
        || number_continues(text, second.end)
    {
        return None;
    }
    let end_year = match second.text.len() {
        2 => (n / 100 * 100 + second.number()?) as i32,
        4 => second.number()? as i32,
        _ => return None,
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&n) || end_year <= year || end_year - year > 100 {
        return None;
    }
    if next_tok(text, second.end).is_some_and(|t| t.is_in(&QUANTITY_FOLLOWERS_SET)) {
        return None;
    }
    let expr = Expr::Range(
        Point::Year(YearRef::Abs(year)),
        Point::Year(YearRef::Abs(end_year)),
    );
    Some(candidate(tok.start, second.end, expr))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::recognize::tokens::tokenize;

    /// Texts made of pieces that exercise trigger words glued to letters, digits,
    /// dashes and apostrophes, in any case.
    fn texts() -> impl proptest::strategy::Strategy<Value = String> {
        crate::recognize::texts_of_pieces(
            vec![
                "May",
                "may",
                "MAY",
                "Mayor",
                "or",
                "December",
                "Dec.",
                "dec",
                "10",
                "2025",
                " ",
                "-",
                "\u{2013}",
                "mid",
                "year",
                "years",
                "ago",
                "two",
                "Q1",
                "q3",
                "G",
                "FY",
                "\u{e9}",
                "'",
                "\u{2019}",
                "s",
                ".",
                ",",
                "U.S.",
                "&",
                "today",
                "Wednesday",
                "sept",
                "\n",
                "last",
                "week",
                "of",
            ],
            20,
        )
    }

    /// What [`trigger_words_of_runs`] relies on.
    #[test]
    fn trigger_words_are_ascii_letters_and_digits() {
        let words = MONTHS
            .iter()
            .chain(MONTH_ABBREVIATIONS.iter().map(|(word, _)| word))
            .chain(WEEKDAYS.iter())
            .chain(OTHER_TRIGGERS.iter().map(|(word, _)| word));
        for word in words {
            assert!(word.bytes().all(|b| b.is_ascii_alphanumeric()), "{word}");
        }
    }

    /// The trigger words a plain search finds that stand as whole words.
    fn whole_words_searched(text: &str) -> Vec<(usize, usize, Trigger)> {
        let glued = |start: usize, end: usize| {
            char_before(text, start).is_some_and(char::is_alphanumeric)
                || char_at(text, end).is_some_and(char::is_alphanumeric)
        };
        trigger_words_by_search(text)
            .into_iter()
            .filter(|&(start, end, _)| !glued(start, end))
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn trigger_words_of_tokens_are_the_whole_words_a_search_finds(text in texts()) {
            let searched = whole_words_searched(&text);
            proptest::prop_assert_eq!(
                trigger_words_of_tokens(&text, &tokenize(&text)),
                searched,
                "in {:?}", text
            );
        }

        #[test]
        fn trigger_words_of_runs_are_the_whole_words_a_search_finds(text in texts()) {
            let searched = whole_words_searched(&text);
            proptest::prop_assert_eq!(trigger_words_of_runs(&text), searched, "in {:?}", text);
        }

        #[test]
        fn scanning_by_runs_finds_what_scanning_by_search_finds(text in texts()) {
            proptest::prop_assert_eq!(
                scan(&text, None),
                scan_triggers(&text, trigger_words_by_search(&text)),
                "in {:?}", text
            );
        }

        #[test]
        fn scanning_with_tokens_finds_what_scanning_without_finds(text in texts()) {
            proptest::prop_assert_eq!(
                scan(&text, Some(&tokenize(&text))),
                scan(&text, None),
                "in {:?}", text
            );
        }
    }
}
