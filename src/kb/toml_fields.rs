//! Helpers for reading spanned TOML documents (knowledge bases and `accord.toml`) and
//! reporting every problem at the exact byte range of the offending text.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticCode};
use crate::text::TextRange;

/// A parsed TOML value with its byte span.
pub(crate) type Node<'i> = Spanned<DeValue<'i>>;

/// The byte range of a spanned value, clamped to the text so that a parser span can
/// never make a diagnostic point past the end of the file.
pub(crate) fn range_in<T>(spanned: &Spanned<T>, text_len: usize) -> TextRange {
    clamp_range(spanned.span(), text_len)
}

pub(crate) fn clamp_range(span: std::ops::Range<usize>, text_len: usize) -> TextRange {
    let end = span.end.min(text_len);
    TextRange::new(span.start.min(end), end)
}

/// How a TOML value's kind is called in messages.
pub(crate) fn kind_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Parses a document, recovering from errors, and turns parser errors into
/// `config-syntax` diagnostics. The returned table holds what could be recovered.
///
/// Recovery inside one broken construct (an unclosed array, say) reports a cascade of
/// follow-on errors up to the next table header; only the first of each cascade is kept,
/// so each real mistake is reported once.
pub(crate) fn parse_document(text: &str) -> (Spanned<DeTable<'_>>, Vec<Diagnostic>) {
    let (table, errors) = DeTable::parse_recoverable(text);
    let mut cascades: Vec<std::ops::Range<usize>> = Vec::new();
    let mut diagnostics = Vec::new();
    for error in &errors {
        let range = match error.span() {
            Some(span) => clamp_range(span, text.len()),
            None => TextRange::empty(text.len()),
        };
        if cascades
            .iter()
            .any(|cascade| cascade.contains(&range.start))
        {
            continue;
        }
        cascades.push(range.start..next_header_start(text, range.start));
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .trim();
        diagnostics.push(Diagnostic::new(
            DiagnosticCode::ConfigSyntax,
            range,
            format!("invalid TOML: {message}"),
        ));
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    (table, diagnostics)
}

/// The start of the first line after the one holding `offset` that opens a table
/// header, or the end of the text.
pub(crate) fn next_header_start(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return text.len();
    };
    let mut line_start = match rest.find('\n') {
        Some(newline) => offset + newline + 1,
        None => return text.len(),
    };
    while let Some(line) = text.get(line_start..) {
        if line.is_empty() {
            break;
        }
        let line_len = line.find('\n').map_or(line.len(), |newline| newline + 1);
        if line[..line_len].trim_start().starts_with('[') {
            return line_start;
        }
        line_start += line_len;
    }
    text.len()
}

/// The range from a node's own span to the end of its last descendant. A table opened by
/// a `[header]` is spanned by the header alone; its key/value lines follow it.
pub(crate) fn extent(node: &Node<'_>, text_len: usize) -> TextRange {
    let mut range = range_in(node, text_len);
    extend_with_children(node.get_ref(), text_len, &mut range);
    range
}

fn extend_with_children(value: &DeValue<'_>, text_len: usize, range: &mut TextRange) {
    fn include(range: &mut TextRange, child: TextRange) {
        range.start = range.start.min(child.start);
        range.end = range.end.max(child.end);
    }
    match value {
        DeValue::Table(table) => {
            for (key, child) in table.iter() {
                include(range, range_in(key, text_len));
                include(range, range_in(child, text_len));
                extend_with_children(child.get_ref(), text_len, range);
            }
        }
        DeValue::Array(array) => {
            for child in array.iter() {
                include(range, range_in(child, text_len));
                extend_with_children(child.get_ref(), text_len, range);
            }
        }
        _ => {}
    }
}

/// The range of a string's contents without its quotes, when the string is written on
/// one line without escapes; otherwise the whole value's range.
pub(crate) fn string_contents_range(text: &str, range: TextRange, value: &str) -> TextRange {
    let raw = text.get(range.start..range.end).unwrap_or("");
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .or_else(|| {
            raw.strip_prefix('\'')
                .and_then(|rest| rest.strip_suffix('\''))
        });
    match unquoted {
        Some(inner) if inner == value => TextRange::new(range.start + 1, range.end - 1),
        _ => range,
    }
}

/// Converts a parsed value to a plain `toml::Value`, for fields kept as written.
pub(crate) fn to_toml_value(value: &DeValue<'_>) -> toml::Value {
    match value {
        DeValue::String(text) => toml::Value::String(text.to_string()),
        DeValue::Integer(integer) => {
            // The parser only yields integers in range; a float keeps any other digits.
            match i64::from_str_radix(integer.as_str(), integer.radix()) {
                Ok(number) => toml::Value::Integer(number),
                Err(_) => toml::Value::String(integer.to_string()),
            }
        }
        DeValue::Float(float) => match float.as_str().parse::<f64>() {
            Ok(number) => toml::Value::Float(number),
            Err(_) => toml::Value::String(float.as_str().to_owned()),
        },
        DeValue::Boolean(flag) => toml::Value::Boolean(*flag),
        DeValue::Datetime(datetime) => toml::Value::Datetime(*datetime),
        DeValue::Array(array) => toml::Value::Array(
            array
                .iter()
                .map(|item| to_toml_value(item.get_ref()))
                .collect(),
        ),
        DeValue::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(key, child)| (key.get_ref().to_string(), to_toml_value(child.get_ref())))
                .collect(),
        ),
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a
/// plausible typo.
pub(crate) fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = name.chars().count().div_ceil(3).max(1);
    candidates
        .into_iter()
        .map(|candidate| {
            // A shortened name (`warn` for `warning`) is a plausible typo too.
            let is_prefix = name.len() >= 3 && candidate.starts_with(name);
            let distance = if is_prefix {
                1
            } else {
                edit_distance(name, candidate)
            };
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// A " (did you mean `x`?)" suffix for messages, or nothing.
pub(crate) fn suggestion_suffix<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> String {
    match did_you_mean(name, candidates) {
        Some(candidate) => format!(" (did you mean `{candidate}`?)"),
        None => String::new(),
    }
}

/// Edit distance over characters where swapping two neighbours counts as one edit
/// (optimal string alignment), since transposed letters are the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (i, row) in table.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
        }
    }
    table[a.len() * width + b.len()]
}

/// Renders diagnostics one per line as `severity code line:col-line:col message`, with
/// related places indented below, for snapshot tests.
#[cfg(test)]
pub(crate) fn render_diagnostics(text: &str, diagnostics: &[Diagnostic]) -> String {
    use std::fmt::Write;

    let index = crate::text::LineIndex::new(text);
    let place = |range: TextRange| {
        let (start_line, start_col) = index.human_line_col(range.start);
        let (end_line, end_col) = index.human_line_col(range.end);
        format!("{start_line}:{start_col}-{end_line}:{end_col}")
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(
            out,
            "{} {} {} {}",
            diagnostic.severity.as_str(),
            diagnostic.code.as_str(),
            place(diagnostic.range),
            diagnostic.message
        );
        for related in &diagnostic.related {
            // Another file's range cannot be placed with this file's lines.
            let at = match &related.path {
                None => place(related.range),
                Some(path) => format!(
                    "{} bytes {}..{}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    related.range.start,
                    related.range.end
                ),
            };
            let _ = writeln!(out, "    related {at} {}", related.message);
        }
        if let Some(fix) = &diagnostic.fix {
            for edit in &fix.edits {
                let _ = writeln!(out, "    fix {} {:?}", place(edit.range), edit.text);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_names_only() {
        let names = ["include", "exclude", "paths", "builtin"];
        assert_eq!(did_you_mean("inclde", names), Some("include"));
        assert_eq!(did_you_mean("path", names), Some("paths"));
        assert_eq!(did_you_mean("colour", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("plaec", "place"), 1);
        assert_eq!(did_you_mean("warn", ["error", "warning"]), Some("warning"));
    }

    #[test]
    fn contents_range_strips_simple_quotes_only() {
        let text = r#"a = "motir" b = "x\"y""#;
        assert_eq!(
            string_contents_range(text, TextRange::new(4, 11), "motir"),
            TextRange::new(5, 10)
        );
        // An escaped string's contents differ from its source, so the range stays whole.
        assert_eq!(
            string_contents_range(text, TextRange::new(16, 22), "x\"y"),
            TextRange::new(16, 22)
        );
    }
}
