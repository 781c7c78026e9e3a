//! Dates: HeidelTime-style rules that emit underspecified values, and a resolver that
//! fills them from the article date.
//!
//! A scan for trigger words and digits (`rules`) yields candidate expressions with an
//! underspecified value (`XXXX-12-10`, `THIS_YEAR+1`, `WEEKDAY-3`); the resolver
//! (`resolve`) anchors each to the article date, choosing the occurrence of an open
//! month or weekday by the tense of its sentence. `timex` validates values in tags.

mod expr;
mod resolve;
mod rules;
mod timex;
pub(crate) mod tokens;

#[cfg(test)]
mod tests;

pub use timex::validate_timex;

use super::tokens::Token;
use super::{DateInfo, EntityType, Mention};
use resolve::{Anchor, Tense, resolve, sentence_tense};

/// Finds every temporal expression in `text` and resolves it against `article_date`.
///
/// The mentions are sorted and do not overlap. Without an article date, relative
/// expressions keep `value: None`; absolute ones (`December 10, 2025`) still resolve.
pub fn find_dates(text: &str, article_date: Option<jiff::civil::Date>) -> Vec<Mention> {
    find_dates_in(text, None, article_date)
}

/// [`find_dates`] for a text already split into `tokens` (see
/// [`tokenize`](crate::recognize::tokens::tokenize)), whose words stand in for a search
/// for trigger words.
pub fn find_dates_in_tokens(
    text: &str,
    tokens: &[Token],
    article_date: Option<jiff::civil::Date>,
) -> Vec<Mention> {
    find_dates_in(text, Some(tokens), article_date)
}

fn find_dates_in(
    text: &str,
    tokens: Option<&[Token]>,
    article_date: Option<jiff::civil::Date>,
) -> Vec<Mention> {
    let anchor = article_date.map(Anchor::new);
    rules::scan(text, tokens)
        .into_iter()
        .map(|found| {
            // Tense matters only for an open month, day or weekday with a date to move from.
            let tense = if anchor.is_some() && found.expr.needs_tense() {
                sentence_tense(text, found.range)
            } else {
                Tense::Unknown
            };
            let value = resolve(found.expr, anchor, tense);
            Mention {
                range: found.range,
                ty: EntityType::Date,
                key: None,
                value: value.clone(),
                date: Some(Box::new(DateInfo {
                    value,
                    underspecified: found.expr.underspecified(),
                    granularity: found.expr.granularity(),
                })),
            }
        })
        .collect()
}
