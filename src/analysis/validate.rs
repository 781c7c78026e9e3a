//! Validation of tags against the schema and the knowledge base, and of tagged dates
//! against the values the resolver computes.
//!
//! Each check is a small function over one tag; all of them report into one list.

use crate::diagnostic::{Diagnostic, DiagnosticCode, Fix, Related, Severity};
use crate::kb::AttrKind;
use crate::recognize::EntityType;
use crate::recognize::numeric::validate_money;
use crate::recognize::temporal::validate_timex;
use crate::syntax::{AttributeSyntax, FileSyntax, TagSyntax};

use super::{Analyzer, ArticleAnalysis};

pub(super) struct Input<'a> {
    pub syntax: &'a FileSyntax,
    pub articles: &'a [ArticleAnalysis],
    pub analyzer: &'a Analyzer,
}

pub(super) fn validate(input: &Input<'_>, out: &mut Vec<Diagnostic>) {
    validate_part(
        input,
        0..input.syntax.tags.len(),
        0..input.syntax.articles.len(),
        out,
    );
}

/// Validates some tags and articles of a file: what an edit of those articles needs.
pub(super) fn validate_part(
    input: &Input<'_>,
    tags: std::ops::Range<usize>,
    articles: std::ops::Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    for tag in input.syntax.tags.get(tags).unwrap_or_default() {
        check_tag(input, tag, out);
    }
    let article_syntax = input
        .syntax
        .articles
        .get(articles.clone())
        .unwrap_or_default();
    let article_analysis = input.articles.get(articles).unwrap_or_default();
    for (article_syntax, article) in article_syntax.iter().zip(article_analysis) {
        if article_syntax.date().is_some() {
            continue;
        }
        // The dates alone, as `accord check` finds them: the full recognisers drop a date
        // that a longer name overlaps, and the two must report the same problems.
        let dates = crate::recognize::temporal::find_dates(&article.plain.text, None);
        for mention in &dates {
            let Some(date) = &mention.date else { continue };
            if date.value.is_none() {
                let range = article.plain.to_annotated(mention.range);
                out.push(Diagnostic::new(
                    DiagnosticCode::UnresolvedDate,
                    range,
                    format!(
                        "`{}` cannot be resolved: the article has no date marker",
                        &article.plain.text[mention.range.start..mention.range.end]
                    ),
                ));
            }
        }
    }
}

fn check_tag(input: &Input<'_>, tag: &TagSyntax, out: &mut Vec<Diagnostic>) {
    // A tag with no type is malformed and reported by the parser.
    let Some(type_range) = tag.type_range else {
        return;
    };
    let Some(type_def) = input.analyzer.config.schema.get(&tag.type_name) else {
        let mut diagnostic = Diagnostic::new(
            DiagnosticCode::UnknownType,
            type_range,
            format!("unknown type `{}`", tag.type_name),
        );
        if let Some(suggestion) =
            did_you_mean(&tag.type_name, input.analyzer.config.schema.type_names())
        {
            diagnostic
                .message
                .push_str(&format!("; did you mean `{suggestion}`?"));
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("change the type to `{suggestion}`"),
                type_range,
                suggestion,
            ));
        } else {
            let known: Vec<&str> = input.analyzer.config.schema.type_names().collect();
            diagnostic
                .message
                .push_str(&format!(" (known types: {})", known.join(", ")));
        }
        out.push(diagnostic);
        return;
    };

    for attr in &tag.attributes {
        match type_def.attribute(&attr.name) {
            None => {
                let mut diagnostic = Diagnostic::new(
                    DiagnosticCode::UnknownAttribute,
                    attr.name_range,
                    format!("type `{}` has no attribute `{}`", type_def.name, attr.name),
                );
                let names = type_def.attributes.iter().map(|a| a.name.as_str());
                if let Some(suggestion) = did_you_mean(&attr.name, names) {
                    diagnostic
                        .message
                        .push_str(&format!("; did you mean `{suggestion}`?"));
                    diagnostic = diagnostic.with_fix(Fix::replace(
                        format!("rename the attribute to `{suggestion}`"),
                        attr.name_range,
                        suggestion,
                    ));
                }
                out.push(diagnostic);
            }
            Some(def) => check_value(input, tag, attr, &def.kind, out),
        }
    }

    for def in type_def.attributes.iter().filter(|a| a.required) {
        if tag.attribute(&def.name).is_none() {
            out.push(Diagnostic::new(
                DiagnosticCode::MissingAttribute,
                type_range,
                format!(
                    "a `{}` tag needs the attribute `{}`",
                    type_def.name, def.name
                ),
            ));
        }
    }

    if let Some(parent) = tag.parent.and_then(|p| input.syntax.tags.get(p)) {
        let allowed = input
            .analyzer
            .config
            .schema
            .get(&parent.type_name)
            .and_then(|p| p.allowed_children.as_ref());
        if let Some(allowed) = allowed
            && !allowed.contains(&tag.type_name)
        {
            out.push(
                Diagnostic::new(
                    DiagnosticCode::ForbiddenNesting,
                    tag.range,
                    format!(
                        "`{}` tags may not be nested in `{}` tags",
                        tag.type_name, parent.type_name
                    ),
                )
                .with_related(Related {
                    path: None,
                    range: parent.range,
                    message: format!("the enclosing `{}` tag", parent.type_name),
                }),
            );
        }
    }
}

fn check_value(
    input: &Input<'_>,
    tag: &TagSyntax,
    attr: &AttributeSyntax,
    kind: &AttrKind,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(value), Some(value_range)) = (attr.value.as_deref(), attr.value_range) else {
        return;
    };
    let invalid = |message: String| {
        Diagnostic::new(DiagnosticCode::InvalidAttributeValue, value_range, message)
    };
    match kind {
        AttrKind::Text => {}
        AttrKind::Number => {
            if value.parse::<f64>().map_or(true, |n| !n.is_finite()) {
                out.push(invalid(format!(
                    "`{}` must be a number, not `{value}`",
                    attr.name
                )));
            }
        }
        AttrKind::Bool => {
            if value != "true" && value != "false" {
                out.push(invalid(format!(
                    "`{}` must be `true` or `false`",
                    attr.name
                )));
            }
        }
        AttrKind::Enum { values } => {
            if !values.iter().any(|v| v == value) {
                let mut diagnostic = invalid(format!(
                    "`{value}` is not one of {}",
                    values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if let Some(suggestion) = did_you_mean(value, values.iter().map(String::as_str)) {
                    diagnostic = diagnostic.with_fix(Fix::replace(
                        format!("change the value to `{suggestion}`"),
                        value_range,
                        suggestion,
                    ));
                }
                out.push(diagnostic);
            }
        }
        AttrKind::Money => {
            if let Err(reason) = validate_money(value) {
                out.push(invalid(format!("`{value}` is not a money value: {reason}")));
            }
        }
        AttrKind::Timex => match validate_timex(value) {
            Err(reason) => out.push(Diagnostic::new(
                DiagnosticCode::InvalidTimex,
                value_range,
                format!("`{value}` is not a TIMEX3 value: {reason}"),
            )),
            Ok(_) => check_resolved_date(input, tag, value, value_range, out),
        },
        AttrKind::EntityRef => {
            // Only `ref` names what the tag itself is; another entity-ref attribute
            // (`speaker`, `country`) names some other entity, of any type.
            let names_the_tag = attr.name == "ref";
            check_ref(input, tag, value, value_range, names_the_tag, out)
        }
    }
}

/// Compares a date tag's value with what the resolver makes of the same span.
fn check_resolved_date(
    input: &Input<'_>,
    tag: &TagSyntax,
    value: &str,
    value_range: crate::text::TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let Some(article) = input.articles.get(tag.article) else {
        return;
    };
    let span = article.plain.to_plain(tag.span.start)..article.plain.to_plain(tag.span.end);
    let resolved = article.recognized.mentions.iter().find(|m| {
        m.ty == EntityType::Date && m.range.start == span.start && m.range.end == span.end
    });
    let Some(resolved) = resolved.and_then(|m| m.value.as_deref()) else {
        return;
    };
    if resolved != value {
        out.push(
            Diagnostic::new(
                DiagnosticCode::DateValueMismatch,
                value_range,
                format!("`{value}` differs from `{resolved}`, the value resolved against the article date"),
            )
            .with_fix(Fix::replace(format!("use `{resolved}`"), value_range, resolved)),
        );
    }
}

fn check_ref(
    input: &Input<'_>,
    tag: &TagSyntax,
    key: &str,
    value_range: crate::text::TextRange,
    names_the_tag: bool,
    out: &mut Vec<Diagnostic>,
) {
    match input.analyzer.kb.get(key) {
        None => {
            let mut diagnostic = Diagnostic::new(
                DiagnosticCode::UnknownRef,
                value_range,
                format!("`{key}` is not in the knowledge base; its tags define it"),
            );
            if input.analyzer.config.kb_closed {
                diagnostic.severity = Severity::Error;
                diagnostic.message =
                    format!("`{key}` is not in the knowledge base, which is closed");
            }
            if let Some(suggestion) = input.analyzer.suggest_ref(key) {
                diagnostic
                    .message
                    .push_str(&format!("; did you mean `{suggestion}`?"));
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("change the key to `{suggestion}`"),
                    value_range,
                    suggestion,
                ));
            }
            out.push(diagnostic);
        }
        Some(entry) if names_the_tag && entry.ty != tag.type_name => {
            let mut diagnostic = Diagnostic::new(
                DiagnosticCode::TypeMismatch,
                tag.type_range.unwrap_or(tag.range),
                format!(
                    "`{key}` is {} `{}` in the knowledge base, but the tag says `{}`",
                    indefinite_article(&entry.ty),
                    entry.ty,
                    tag.type_name
                ),
            );
            if let Some(source) = &entry.source {
                diagnostic = diagnostic.with_related(Related {
                    path: Some(source.path.clone()),
                    range: source.range,
                    message: format!("`{key}` is defined here"),
                });
            }
            // A built-in entry has no file to point to, but the fix is the same.
            if let Some(type_range) = tag.type_range {
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("change the type to `{}`", entry.ty),
                    type_range,
                    entry.ty.clone(),
                ));
            }
            out.push(diagnostic);
        }
        Some(_) => {}
    }
}

/// `a` or `an` before a type name, by its first letter.
fn indefinite_article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The closest candidate within a small edit distance, for did-you-mean suggestions.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let letters = CharCounts::of(word);
    // The distance is at least the difference in length, and at least half the
    // difference in how often each character occurs (an insertion or deletion changes
    // one count, a substitution two, a transposition none), so most candidates are
    // ruled out without computing it; with hundreds of keys that is most of the time
    // spent.
    candidates
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .filter(|candidate| letters.difference(&CharCounts::of(candidate)).div_ceil(2) <= limit)
        .map(|candidate| (strsim::osa_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Words to suggest, such as the keys of a knowledge base, grouped by first byte with
/// their lengths and character counts, so that [`Suggestions::closest`] rules out most
/// of them without reading them again.
pub(crate) struct Suggestions {
    by_first: std::collections::HashMap<Option<u8>, Vec<Known>>,
}

struct Known {
    word: String,
    chars: usize,
    counts: CharCounts,
}

impl Suggestions {
    pub(crate) fn new<'w>(words: impl Iterator<Item = &'w str>) -> Suggestions {
        let mut by_first: std::collections::HashMap<Option<u8>, Vec<Known>> =
            std::collections::HashMap::new();
        for word in words {
            by_first
                .entry(word.as_bytes().first().copied())
                .or_default()
                .push(Known {
                    word: word.to_owned(),
                    chars: word.chars().count(),
                    counts: CharCounts::of(word),
                });
        }
        Suggestions { by_first }
    }

    /// What [`did_you_mean`] answers among the words that share `word`'s first byte
    /// (typos rarely hit the first letter), in the order they were given.
    pub(crate) fn closest(&self, word: &str) -> Option<&str> {
        let candidates = self.by_first.get(&word.as_bytes().first().copied())?;
        let length = word.chars().count();
        let limit = (length / 3).max(1);
        let letters = CharCounts::of(word);
        candidates
            .iter()
            .filter(|known| known.chars.abs_diff(length) <= limit)
            .filter(|known| letters.difference(&known.counts).div_ceil(2) <= limit)
            .map(|known| (strsim::osa_distance(word, &known.word), known.word.as_str()))
            .filter(|(distance, _)| *distance <= limit)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, candidate)| candidate)
    }
}

/// How often the characters of a word occur, by the character's value modulo the
/// number of counters: merging characters only lowers the difference of two words'
/// counts, so it stays a lower bound on their distance.
struct CharCounts([u8; 32]);

impl CharCounts {
    fn of(word: &str) -> CharCounts {
        let mut counts = [0u8; 32];
        for c in word.chars() {
            let slot = &mut counts[c as usize % 32];
            *slot = slot.saturating_add(1);
        }
        CharCounts(counts)
    }

    /// The sum over characters of the difference in counts.
    fn difference(&self, other: &CharCounts) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character counts only rule out candidates the distance would rule out.
    #[test]
    fn did_you_mean_is_the_closest_candidate_within_the_limit() {
        let kb = crate::kb::builtin::builtin();
        let keys: Vec<&str> = kb.entries().map(|e| e.key.as_str()).collect();
        let plain = |word: &str| {
            let length = word.chars().count();
            let limit = (length / 3).max(1);
            keys.iter()
                .map(|&candidate| (strsim::osa_distance(word, candidate), candidate))
                .filter(|(distance, _)| *distance <= limit)
                .min_by_key(|(distance, _)| *distance)
                .map(|(_, candidate)| candidate)
        };
        let mut words: Vec<String> = Vec::new();
        for key in keys.iter().step_by(7) {
            let chars: Vec<char> = key.chars().collect();
            words.push(chars.iter().rev().collect());
            words.push(chars.iter().skip(1).collect());
            let mut swapped = chars.clone();
            swapped.swap(0, chars.len() / 2);
            words.push(swapped.into_iter().collect());
            words.push(format!("{key}s"));
        }
        let suggestions = Suggestions::new(keys.iter().copied());
        for word in &words {
            assert_eq!(
                did_you_mean(word, keys.iter().copied()),
                plain(word),
                "{word}"
            );
            let first = word.as_bytes().first().copied();
            let same_first = keys
                .iter()
                .copied()
                .filter(|key| key.as_bytes().first().copied() == first);
            assert_eq!(
                suggestions.closest(word),
                did_you_mean(word, same_first),
                "{word}"
            );
        }
    }
}
