//! The resolver: anchors underspecified expressions to the article date, choosing the
//! occurrence of an open month, day or weekday by the tense of its sentence.

use super::expr::{Expr, Hint, Point, YearRef, push_padded};
use super::timex::{
    civil_from_days, day_number, days_in_month, is_valid_day, iso_week, weekday_of,
};
use super::tokens::{FoldedWords, Kind, Tok, next_tok, prev_tok};
use crate::text::TextRange;

/// What the sentence around an expression says about when it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    Future,
    Unknown,
}

/// The article date in the forms the resolver computes with.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Anchor {
    year: i32,
    month: u32,
    days: i64,
}

impl Anchor {
    pub fn new(date: jiff::civil::Date) -> Anchor {
        let year = i32::from(date.year());
        let month = date.month() as u32;
        let day = date.day() as u32;
        Anchor {
            year,
            month,
            days: day_number(year, month, day),
        }
    }
}

/// The tense chosen over the nearest occurrence only while it stays this close; beyond
/// it the text almost certainly means the nearer one (`suspended until July 8` in June).
const TENSE_REACH_DAYS: i64 = 300;

/// A resolved point: its TIMEX3 text and its first day, to order ranges.
struct Resolved {
    first_day: i64,
}

/// Resolves `expr` against the article date; `None` when it needs a date and there is
/// none.
pub(crate) fn resolve(expr: Expr, anchor: Option<Anchor>, tense: Tense) -> Option<String> {
    // Room for the longest value, a range of two days, so that it seldom regrows.
    let mut out = String::with_capacity(24);
    match expr {
        Expr::Single(point, pod) => {
            resolve_point(point, anchor, tense, None, &mut out)?;
            if let Some(pod) = pod {
                out.push_str(pod.code());
            }
        }
        Expr::Range(from, to) => {
            let first = resolve_point(from, anchor, tense, None, &mut out)?;
            out.push('/');
            resolve_point(to, anchor, tense, Some(first.first_day), &mut out)?;
        }
    }
    Some(out)
}

/// First and last day of one occurrence of a yearly period.
type Period = (i64, i64);

fn month_period(year: i32, month: u32) -> Option<Period> {
    let last = days_in_month(year, month);
    (last > 0).then(|| (day_number(year, month, 1), day_number(year, month, last)))
}

fn months_period(year: i32, first_month: u32, count: u32) -> Option<Period> {
    let start = day_number(year, first_month, 1);
    let end_index = first_month - 1 + count; // months after January of `year`
    let end_year = year + (end_index / 12) as i32;
    let end_month = end_index % 12 + 1;
    Some((start, day_number(end_year, end_month, 1) - 1))
}

/// The period a point covers in a given year, or `None` if it does not exist that year
/// (February 29).
fn period_in(point: Point, year: i32) -> Option<Period> {
    match point {
        Point::Month(_, m) => month_period(year, m),
        Point::Day { month, day, .. } => is_valid_day(year, month, day).then(|| {
            let d = day_number(year, month, day);
            (d, d)
        }),
        Point::Half(_, h) => months_period(year, 6 * h - 5, 6),
        Point::Quarter(_, q) => months_period(year, 3 * q - 2, 3),
        Point::Season(_, s) => months_period(year, s.first_month(), 3),
        _ => months_period(year, 1, 12),
    }
}

fn distance(period: Period, day: i64) -> i64 {
    if period.0 <= day && day <= period.1 {
        0
    } else {
        (period.0 - day).abs().min((period.1 - day).abs())
    }
}

/// Picks the year of a point whose year the text leaves open.
fn pick_year(
    point: Point,
    hint: Hint,
    anchor: Anchor,
    tense: Tense,
    floor: Option<i64>,
) -> Option<i32> {
    let weekday = match point {
        Point::Day { weekday, .. } => weekday,
        _ => None,
    };
    let mut candidates: Vec<(i32, Period)> = (anchor.year - 1..=anchor.year + 1)
        .filter_map(|y| period_in(point, y).map(|p| (y, p)))
        .collect();
    if let Some(w) = weekday {
        // A weekday named with the date settles the year when only one fits.
        let fitting: Vec<_> = candidates
            .iter()
            .copied()
            .filter(|(_, p)| weekday_of(p.0) == w)
            .collect();
        if !fitting.is_empty() {
            candidates = fitting;
        }
    }
    if let Some(floor) = floor {
        // The end of a range follows its start.
        return candidates
            .iter()
            .find(|(_, p)| p.0 >= floor)
            .map(|(y, _)| *y);
    }
    let today = anchor.days;
    let nearest = || {
        candidates
            .iter()
            .min_by_key(|(y, p)| (distance(*p, today), *y != anchor.year, p.0))
            .map(|(y, _)| *y)
    };
    let previous = || {
        candidates
            .iter()
            .filter(|(_, p)| p.0 <= today)
            .max_by_key(|(_, p)| p.0)
    };
    let following = || {
        candidates
            .iter()
            .filter(|(_, p)| p.1 >= today)
            .min_by_key(|(_, p)| p.0)
    };
    let within_reach = |c: Option<&(i32, Period)>| {
        c.filter(|(_, p)| distance(*p, today) <= TENSE_REACH_DAYS)
            .map(|(y, _)| *y)
    };
    match hint {
        Hint::This => Some(anchor.year),
        Hint::Last => candidates
            .iter()
            .filter(|(_, p)| p.1 < today)
            .max_by_key(|(_, p)| p.0)
            .map(|(y, _)| *y),
        Hint::Next => candidates
            .iter()
            .filter(|(_, p)| p.0 > today)
            .min_by_key(|(_, p)| p.0)
            .map(|(y, _)| *y),
        Hint::Tense => match tense {
            Tense::Past => within_reach(previous()).or_else(nearest),
            Tense::Future => within_reach(following()).or_else(nearest),
            Tense::Unknown => nearest(),
        },
    }
}

fn year_of(
    point: Point,
    year: YearRef,
    anchor: Option<Anchor>,
    tense: Tense,
    floor: Option<i64>,
) -> Option<i32> {
    match year {
        YearRef::Abs(y) => Some(y),
        YearRef::Rel(n) => Some(anchor?.year + n),
        YearRef::Open(hint) => pick_year(point, hint, anchor?, tense, floor),
    }
}

fn write_day(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    push_padded(out, y, 4);
    out.push('-');
    push_padded(out, m, 2);
    out.push('-');
    push_padded(out, d, 2);
}

fn resolve_point(
    point: Point,
    anchor: Option<Anchor>,
    tense: Tense,
    floor: Option<i64>,
    out: &mut String,
) -> Option<Resolved> {
    let first_day = match point {
        Point::Year(y) => {
            let y = year_of(point, y, anchor, tense, floor)?;
            push_padded(out, y, 4);
            day_number(y, 1, 1)
        }
        Point::Decade(d) => {
            push_padded(out, d, 3);
            day_number(d * 10, 1, 1)
        }
        Point::Century(c) => {
            push_padded(out, c, 2);
            day_number(c * 100, 1, 1)
        }
        Point::Month(y, m) => {
            let y = year_of(point, y, anchor, tense, floor)?;
            push_padded(out, y, 4);
            out.push('-');
            push_padded(out, m, 2);
            day_number(y, m, 1)
        }
        Point::Day {
            year, month, day, ..
        } => {
            let y = year_of(point, year, anchor, tense, floor)?;
            if !is_valid_day(y, month, day) {
                return None;
            }
            push_padded(out, y, 4);
            out.push('-');
            push_padded(out, month, 2);
            out.push('-');
            push_padded(out, day, 2);
            day_number(y, month, day)
        }
        Point::Half(y, h) => {
            let y = year_of(point, y, anchor, tense, floor)?;
            push_padded(out, y, 4);
            out.push_str("-H");
            push_padded(out, h, 1);
            day_number(y, 6 * h - 5, 1)
        }
        Point::Quarter(y, q) => {
            let y = year_of(point, y, anchor, tense, floor)?;
            push_padded(out, y, 4);
            out.push_str("-Q");
            push_padded(out, q, 1);
            day_number(y, 3 * q - 2, 1)
        }
        Point::Season(y, s) => {
            let y = year_of(point, y, anchor, tense, floor)?;
            push_padded(out, y, 4);
            out.push('-');
            out.push_str(s.code());
            day_number(y, s.first_month(), 1)
        }
        Point::Week(n) => {
            let day = anchor?.days + 7 * i64::from(n);
            let (y, w) = iso_week(day);
            push_padded(out, y, 4);
            out.push_str("-W");
            push_padded(out, w, 2);
            day - i64::from(weekday_of(day))
        }
        Point::RelMonth(n) => {
            let a = anchor?;
            let index = i64::from(a.year) * 12 + i64::from(a.month) - 1 + i64::from(n);
            let y = index.div_euclid(12) as i32;
            let m = index.rem_euclid(12) as u32 + 1;
            push_padded(out, y, 4);
            out.push('-');
            push_padded(out, m, 2);
            day_number(y, m, 1)
        }
        Point::RelDay(n) => {
            let day = anchor?.days + i64::from(n);
            write_day(out, day);
            day
        }
        Point::Weekday(w, hint) => {
            let today = anchor?.days;
            let current = weekday_of(today) as i64;
            let w = i64::from(w);
            let back = (current - w).rem_euclid(7);
            let ahead = (w - current).rem_euclid(7);
            let offset = match (hint, tense) {
                (Hint::Last, _) => -(if back == 0 { 7 } else { back }),
                (Hint::Next, _) => {
                    if ahead == 0 {
                        7
                    } else {
                        ahead
                    }
                }
                (Hint::This, _) => w - current,
                (Hint::Tense, Tense::Past) => -back,
                (Hint::Tense, Tense::Future) => ahead,
                (Hint::Tense, Tense::Unknown) => {
                    if back <= ahead {
                        -back
                    } else {
                        ahead
                    }
                }
            };
            let day = match floor {
                // The end of a weekday range follows its start.
                Some(floor) if today + offset < floor => today + offset + 7,
                _ => today + offset,
            };
            write_day(out, day);
            day
        }
    };
    Some(Resolved { first_day })
}

// ---- tense ----------------------------------------------------------------------------

/// How far (in tokens) the tense search looks on each side of an expression.
const TENSE_WINDOW: usize = 40;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "no", "gov", "sen", "rep", "inc", "corp", "co", "ltd", "jr",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "gen", "lt", "col", "prof", "approx", "etc",
];
static ABBREVIATIONS_SET: FoldedWords = FoldedWords::new(ABBREVIATIONS);

/// Whether the punctuation token `tok` ends a sentence (or a clause that tense does not
/// cross).
fn ends_sentence(text: &str, tok: &Tok<'_>) -> bool {
    match tok.text {
        "?" | "!" | ";" => true,
        "." => match prev_tok(text, tok.start) {
            // `U.S.` and initials are not sentence ends; neither are titles like `Mr.`.
            Some(p) if p.kind == Kind::Word => {
                p.text.chars().count() > 1 && !p.is_in(&ABBREVIATIONS_SET)
            }
            _ => true,
        },
        _ => false,
    }
}

const FUTURE_WORDS: &[&str] = &[
    "will",
    "ll",
    "shall",
    "upcoming",
    "next",
    "tomorrow",
    "deadline",
    "scheduled",
    "slated",
    "plans",
    "planned",
    "planning",
    "expected",
    "expects",
    "due",
    "aims",
    "aim",
    "intends",
    "ahead",
    "coming",
    "soon",
    "forthcoming",
];
static FUTURE_WORDS_SET: FoldedWords = FoldedWords::new(FUTURE_WORDS);

const PAST_WORDS: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "ago",
    "last",
    "earlier",
    "previously",
    "yesterday",
    "since",
];
static PAST_WORDS_SET: FoldedWords = FoldedWords::new(PAST_WORDS);

const IRREGULAR_PAST: &[&str] = &[
    "said", "held", "met", "took", "made", "came", "went", "began", "gave", "told", "saw", "won",
    "lost", "sent", "spent", "led", "kept", "paid", "rose", "fell", "grew", "left", "brought",
    "bought", "sought", "thought", "found", "built", "spoke", "wrote", "became", "ran", "stood",
    "struck", "chose", "drew", "flew", "knew", "meant", "felt", "got", "hit", "shut", "sold",
    "taken", "given", "seen", "done", "begun", "spoken", "written", "chosen", "shown", "known",
    "grown", "risen", "fallen",
];
static IRREGULAR_PAST_SET: FoldedWords = FoldedWords::new(IRREGULAR_PAST);

/// Words ending in `-ed` that are not past verbs, or are too often adjectives.
const NOT_PAST_ED: &[&str] = &[
    "hundred",
    "united",
    "limited",
    "related",
    "based",
    "advanced",
    "associated",
    "dedicated",
    "detailed",
    "sophisticated",
    "interested",
    "concerned",
    "skilled",
    "talented",
    "armed",
    "allied",
    "red",
    "bed",
    "shed",
    "sacred",
    "naked",
    "called",
    "combined",
    "integrated",
    "designated",
    "automated",
    "specialized",
    "specialised",
    "balanced",
    "diversified",
];
static NOT_PAST_ED_SET: FoldedWords = FoldedWords::new(NOT_PAST_ED);

fn is_past_form(tok: &Tok<'_>) -> bool {
    if tok.is_in(&IRREGULAR_PAST_SET) {
        return true;
    }
    let bytes = tok.text.as_bytes();
    let ends_with = |suffix: &str| {
        bytes.len() >= suffix.len()
            && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    bytes.len() >= 4
        && ends_with("ed")
        && (!ends_with("eed") || tok.is_any(&["agreed", "freed", "guaranteed"]))
        && !tok.is_in(&NOT_PAST_ED_SET)
}

/// The tense a word signals, looking at the one or two words before it for passive and
/// future forms (`will be held`, `has been signed`).
fn word_tense(text: &str, tok: &Tok<'_>) -> Option<Tense> {
    if tok.kind != Kind::Word {
        return None;
    }
    if tok.is_in(&FUTURE_WORDS_SET) {
        return Some(Tense::Future);
    }
    if tok.is_in(&PAST_WORDS_SET) {
        return Some(Tense::Past);
    }
    if !is_past_form(tok) {
        return None;
    }
    let before = prev_tok(text, tok.start).filter(|t| t.kind == Kind::Word);
    match before {
        Some(b) if b.is("be") => {
            let modal = prev_tok(text, b.start).filter(|t| {
                t.is_any(&[
                    "will", "to", "would", "shall", "could", "may", "might", "should", "must", "ll",
                ])
            });
            modal.map(|_| Tense::Future)
        }
        Some(b) if b.is_any(&["is", "are", "being"]) => None,
        _ => Some(Tense::Past),
    }
}

/// Words of proposing, deciding and planning: what their `that` clause or `to`
/// infinitive says lies ahead of them (`proposed that the two sides hold …`, `agreed to
/// host …`), whatever their own tense.
const PROPOSAL_WORDS: &[&str] = &[
    "proposed",
    "proposes",
    "propose",
    "proposal",
    "proposals",
    "suggested",
    "suggests",
    "recommended",
    "recommends",
    "agreed",
    "agree",
    "agrees",
    "decided",
    "decides",
    "decision",
    "requested",
    "requests",
    "asked",
    "urged",
    "urges",
    "invited",
    "invitation",
    "pledged",
    "promised",
    "vowed",
    "resolved",
    "plan",
    "offered",
    "offer",
];
static PROPOSAL_WORDS_SET: FoldedWords = FoldedWords::new(PROPOSAL_WORDS);

/// Words after `to` that make it a preposition, not the mark of an infinitive.
const NOUN_STARTERS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those", "be",
    "date",
];
static NOUN_STARTERS_SET: FoldedWords = FoldedWords::new(NOUN_STARTERS);

/// A clause that a proposal word may govern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Complement {
    None,
    /// `that …`, whose own verb may still come after the expression.
    That,
    /// `to hold …`, which has no tense of its own.
    Infinitive,
}

/// The clause that `tok` opens: `that`, or the `to` of an infinitive (`to hold`, not
/// `to the council`).
fn opens_complement(text: &str, tok: &Tok<'_>) -> Complement {
    if tok.is("that") {
        return Complement::That;
    }
    let infinitive = tok.is("to")
        && next_tok(text, tok.end).is_some_and(|verb| {
            verb.kind == Kind::Word && !verb.is_capitalized() && !verb.is_in(&NOUN_STARTERS_SET)
        });
    if infinitive {
        Complement::Infinitive
    } else {
        Complement::None
    }
}

/// The tense of the sentence around `range`: the signal nearest to the expression
/// wins, words before it on a tie.
pub(crate) fn sentence_tense(text: &str, range: TextRange) -> Tense {
    let mut best: Option<(usize, Tense)> = None;
    let mut pos = range.start;
    // The innermost clause opened between the expression and the words read so far.
    let mut complement = Complement::None;
    // Whether a `that` clause of a proposal holds the expression; its own verb may
    // follow the expression, up to the end of the clause.
    let mut in_proposed_clause = false;
    for _ in 0..TENSE_WINDOW {
        let Some(tok) = prev_tok(text, pos) else {
            break;
        };
        if tok.kind == Kind::Punct && ends_sentence(text, &tok) {
            break;
        }
        if complement != Complement::None && tok.is_in(&PROPOSAL_WORDS_SET) {
            // What was proposed points forward. An infinitive has no tense of its own,
            // so no later word changes that (`a plan to … was unveiled`). In `proposed in
            // October to …` the expression dates the proposing and this is not reached.
            if complement == Complement::Infinitive {
                return Tense::Future;
            }
            best = Some((usize::MAX, Tense::Future));
            in_proposed_clause = true;
            break;
        }
        if complement == Complement::None {
            complement = opens_complement(text, &tok);
        }
        if let Some(tense) = word_tense(text, &tok) {
            best = Some((range.start - tok.end, tense));
            break;
        }
        pos = tok.start;
    }
    let mut pos = range.end;
    for _ in 0..TENSE_WINDOW {
        let Some(tok) = next_tok(text, pos) else {
            break;
        };
        if let Some((d, _)) = best
            && tok.start - range.end >= d
        {
            break;
        }
        if tok.kind == Kind::Punct
            && (ends_sentence(text, &tok) || (in_proposed_clause && tok.is_punct(',')))
        {
            break;
        }
        if let Some(tense) = word_tense(text, &tok) {
            best = Some((tok.start - range.end, tense));
            break;
        }
        pos = tok.end;
    }
    best.map_or(Tense::Unknown, |(_, t)| t)
}
