//! Renders diagnostics of checked files in the four output formats of `accord check`.
//!
//! Every format reads the same [`FileReport`]s; positions are computed once per file
//! from its line index. Columns are 1-based and count characters (Unicode scalar
//! values), which is also what SARIF's `unicodeCodePoints` column kind means.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, DiagnosticCode, Severity};
use crate::text::LineIndex;

/// One checked file: its text (when it could be read) and what was found in it.
pub struct FileReport {
    /// The path as the user named it or as the walk found it.
    pub path: String,
    pub text: Option<String>,
    pub line_index: Option<LineIndex>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(path: String, text: Option<String>, diagnostics: Vec<Diagnostic>) -> FileReport {
        let line_index = text.as_deref().map(LineIndex::new);
        FileReport {
            path,
            text,
            line_index,
            diagnostics,
        }
    }

    /// One-based (line, column) of the start and end of a diagnostic.
    fn positions(&self, diagnostic: &Diagnostic) -> ((usize, usize), (usize, usize)) {
        match &self.line_index {
            Some(index) => (
                index.human_line_col(diagnostic.range.start),
                index.human_line_col(diagnostic.range.end),
            ),
            None => ((1, 1), (1, 1)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// Counts of reported diagnostics by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    pub files: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut summary = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
                Severity::Hint => summary.hints += 1,
            }
        }
        summary
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos + self.hints
    }
}

pub fn render(format: Format, reports: &[FileReport], color: bool) -> String {
    match format {
        Format::Human => human(reports, color),
        Format::Json => json_report(reports),
        Format::Github => github(reports),
        Format::Sarif => sarif(reports),
    }
}

/// The widest part of a line shown in a snippet, in characters, so that a diagnostic
/// on a line of megabytes prints a readable window instead of the whole line.
const SNIPPET_WINDOW: usize = 100;

struct Palette {
    color: bool,
}

impl Palette {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;32",
        };
        self.paint(code, severity.as_str())
    }
}

/// rustc-style output: a header, the location, the line with a caret underline, the
/// suggested fix, and a closing summary.
pub fn human(reports: &[FileReport], color: bool) -> String {
    let palette = Palette { color };
    let mut out = String::new();
    for report in reports {
        for diagnostic in &report.diagnostics {
            let ((line, col), _) = report.positions(diagnostic);
            let _ = writeln!(
                out,
                "{}{}: {}",
                palette.severity(diagnostic.severity),
                palette.paint("1", &format!("[{}]", diagnostic.code.as_str())),
                palette.paint("1", &diagnostic.message)
            );
            // The gutter is as wide as the line number, as in rustc's output.
            let gutter = " ".repeat(line.to_string().len());
            let _ = writeln!(
                out,
                "{gutter}{} {}:{line}:{col}",
                palette.paint("1;34", "-->"),
                report.path
            );
            if let (Some(text), Some(index)) = (&report.text, &report.line_index) {
                write_snippet(&mut out, &palette, text, index, diagnostic);
            }
            if let Some(fix) = &diagnostic.fix {
                let _ = writeln!(
                    out,
                    "{gutter} {} help: {}",
                    palette.paint("1;34", "="),
                    fix.title
                );
            }
            for related in &diagnostic.related {
                let location = match (&related.path, &report.line_index) {
                    (Some(path), _) => format!("{}", path.display()),
                    (None, Some(index)) => {
                        let (l, c) = index.human_line_col(related.range.start);
                        format!("{}:{l}:{c}", report.path)
                    }
                    (None, None) => report.path.clone(),
                };
                let _ = writeln!(
                    out,
                    "{gutter} {} note: {} ({location})",
                    palette.paint("1;34", "="),
                    related.message
                );
            }
            out.push('\n');
        }
    }
    let summary = Summary::of(reports);
    let files = if summary.files == 1 { "file" } else { "files" };
    if summary.total() == 0 {
        let _ = writeln!(out, "checked {} {files}: no problems", summary.files);
    } else {
        let counts = [
            (summary.errors, "error"),
            (summary.warnings, "warning"),
            (summary.infos, "info"),
            (summary.hints, "hint"),
        ];
        let counts: Vec<String> = counts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, name)| format!("{n} {name}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        let _ = writeln!(
            out,
            "checked {} {files}: {}",
            summary.files,
            counts.join(", ")
        );
    }
    out
}

fn write_snippet(
    out: &mut String,
    palette: &Palette,
    text: &str,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) {
    let start = index.line_col(diagnostic.range.start);
    let Some(line_range) = index.line_range(start.line) else {
        return;
    };
    let line = text[line_range.clone()].trim_end_matches('\r');
    let start_in_line = (diagnostic.range.start - line_range.start).min(line.len());
    // A range running onto later lines is underlined to the end of its first line.
    let end_in_line =
        (diagnostic.range.end.saturating_sub(line_range.start)).clamp(start_in_line, line.len());
    // Everything is measured from the range outwards, so that a snippet costs the same
    // on a line of fifty megabytes as on a short one.
    let before = &line[..start_in_line];
    let window_start = before
        .char_indices()
        .rev()
        .nth(SNIPPET_WINDOW / 3 - 1)
        .map_or(0, |(at, _)| at);
    let chars_between = before[window_start..].chars().count();
    let marked = line[start_in_line..end_in_line]
        .chars()
        .take(SNIPPET_WINDOW)
        .count()
        .max(1);
    let rest = &line[window_start..];
    let window_end = rest
        .char_indices()
        .nth(SNIPPET_WINDOW)
        .map_or(rest.len(), |(at, _)| at);
    let shown: String = rest[..window_end]
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let shown_len = shown.chars().count();
    let prefix = if window_start > 0 { "…" } else { "" };
    let suffix = if window_start + window_end < line.len() {
        "…"
    } else {
        ""
    };
    let caret_offset = chars_between + prefix.chars().count();
    let caret_len = marked.min(shown_len.saturating_sub(chars_between).max(1));
    let line_no = (start.line + 1).to_string();
    let gutter = " ".repeat(line_no.len());
    let bar = palette.paint("1;34", "|");
    let _ = writeln!(out, "{gutter} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {prefix}{shown}{suffix}",
        palette.paint("1;34", &line_no)
    );
    let caret_code = match diagnostic.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
        Severity::Hint => "1;32",
    };
    let _ = writeln!(
        out,
        "{gutter} {bar} {}{}",
        " ".repeat(caret_offset),
        palette.paint(caret_code, &"^".repeat(caret_len))
    );
}

/// The JSON report's shapes. Fields are in alphabetical order, the order of the
/// report's contract; serialising these directly, rather than through `Value` maps,
/// keeps a report of a million diagnostics to a few hundred bytes each.
#[derive(Serialize)]
struct JsonPosition {
    column: usize,
    line: usize,
}

#[derive(Serialize)]
struct JsonRange {
    end: JsonPosition,
    start: JsonPosition,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Value>,
    message: &'a str,
    range: JsonRange,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Value>,
    severity: &'a str,
    start: usize,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    path: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    files: usize,
    hints: usize,
    infos: usize,
    warnings: usize,
}

#[cfg(test)]
#[derive(Serialize)]
struct JsonReport<'a> {
    files: Vec<JsonFile<'a>>,
    summary: JsonSummary,
}

/// The JSON format: every file with its diagnostics, byte ranges and 1-based positions.
///
/// Files are rendered on their own, in parallel, and indented to their place in the
/// report: a report of tens of thousands of diagnostics otherwise took a third of a
/// check's time after the parallel part. JSON strings hold no raw line breaks, so
/// every line break of a file's rendering starts a line of the report, and the report
/// is what `serde_json::to_string_pretty` makes of it whole.
pub fn json_report(reports: &[FileReport]) -> String {
    use rayon::prelude::*;
    let files: Vec<String> = reports
        .par_iter()
        .map(|report| {
            let text = serde_json::to_string_pretty(&json_file(report)).unwrap_or_default();
            text.replace('\n', "\n    ")
        })
        .collect();
    let summary = serde_json::to_string_pretty(&json_summary(reports))
        .unwrap_or_default()
        .replace('\n', "\n  ");
    let length: usize = files.iter().map(|file| file.len() + 6).sum();
    let mut out = String::with_capacity(length + summary.len() + 32);
    out.push_str("{\n  \"files\": ");
    if files.is_empty() {
        out.push_str("[]");
    } else {
        out.push_str("[\n");
        for (i, file) in files.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            out.push_str("    ");
            out.push_str(file);
        }
        out.push_str("\n  ]");
    }
    out.push_str(",\n  \"summary\": ");
    out.push_str(&summary);
    out.push_str("\n}\n");
    out
}

/// `value` as JSON whose objects list their keys in order, as the JSON formats promise
/// (`serde_json` keeps the order keys were inserted in).
pub(crate) fn sorted_value(value: impl Serialize) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    value.sort_all_objects();
    value
}

fn json_file(report: &FileReport) -> JsonFile<'_> {
    JsonFile {
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| {
                let ((line, column), (end_line, end_column)) = report.positions(d);
                JsonDiagnostic {
                    code: d.code.as_str(),
                    end: d.range.end,
                    fix: d.fix.as_ref().map(sorted_value),
                    message: &d.message,
                    range: JsonRange {
                        end: JsonPosition {
                            column: end_column,
                            line: end_line,
                        },
                        start: JsonPosition { column, line },
                    },
                    related: (!d.related.is_empty()).then(|| sorted_value(&d.related)),
                    severity: d.severity.as_str(),
                    start: d.range.start,
                }
            })
            .collect(),
        path: &report.path,
    }
}

fn json_summary(reports: &[FileReport]) -> JsonSummary {
    let summary = Summary::of(reports);
    JsonSummary {
        errors: summary.errors,
        files: summary.files,
        hints: summary.hints,
        infos: summary.infos,
        warnings: summary.warnings,
    }
}

/// The JSON report serialised whole, which [`json_report`] must equal.
#[cfg(test)]
fn json_report_whole(reports: &[FileReport]) -> String {
    let report = JsonReport {
        files: reports.iter().map(json_file).collect(),
        summary: json_summary(reports),
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// GitHub Actions workflow commands, which the runner turns into annotations.
pub fn github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let ((line, col), (end_line, end_col)) = report.positions(d);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let _ = writeln!(
                out,
                "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                escape_property(&report.path),
                escape_property(&format!("accord {}", d.code.as_str())),
                escape_data(&d.message)
            );
        }
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A relative URI with forward slashes, as GitHub code scanning wants.
fn sarif_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// SARIF 2.1.0, loadable by GitHub code scanning: one run, every code as a rule.
pub fn sarif(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = DiagnosticCode::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "name": rule_name(code.as_str()),
                "shortDescription": {"text": code.description()},
                "fullDescription": {"text": code.description()},
                "defaultConfiguration": {"level": sarif_level(code.default_severity())},
                "properties": {"tags": ["accord"]},
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let ((line, col), (end_line, end_col)) = report.positions(d);
            let rule_index = DiagnosticCode::ALL
                .iter()
                .position(|c| *c == d.code)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(&report.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": line,
                            "startColumn": col,
                            "endLine": end_line,
                            "endColumn": end_col,
                        },
                    },
                }],
            });
            if let Some(fix) = &d.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        let (index, text) = (report.line_index.as_ref(), report.text.as_deref());
                        let ((sl, sc), (el, ec)) = match (index, text) {
                            (Some(index), Some(_)) => (
                                index.human_line_col(edit.range.start),
                                index.human_line_col(edit.range.end),
                            ),
                            _ => ((1, 1), (1, 1)),
                        };
                        json!({
                            "deletedRegion": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
                            "insertedContent": {"text": edit.text},
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": {"text": fix.title},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": sarif_uri(&report.path), "uriBaseId": "%SRCROOT%"},
                        "replacements": replacements,
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "accord",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&sorted_value(value)).unwrap_or_default();
    out.push('\n');
    out
}

/// `missing-date` → `MissingDate`, SARIF's human-readable rule name.
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// The path shown for a file: relative to the current folder when it lies below it.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let shown = shown.to_string_lossy().replace('\\', "/");
    match shown.strip_prefix("./") {
        Some(rest) => rest.to_owned(),
        None => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Fix, Related};
    use crate::text::TextRange;

    /// Rendering files apart and indenting them gives the report serialised whole.
    #[test]
    fn json_report_equals_the_report_serialised_whole() {
        let text = "Title \"quoted\"\nBody with é and [x]{org ref=y}\n";
        let diagnostic = Diagnostic::new(
            DiagnosticCode::UnknownRef,
            TextRange::new(36, 37),
            "`y` is not in the knowledge base;\nsecond line \"q\"",
        )
        .with_fix(Fix::replace("change the key", TextRange::new(36, 37), "z"))
        .with_related(Related {
            path: None,
            range: TextRange::new(0, 5),
            message: "here".to_owned(),
        });
        let plain = Diagnostic::new(DiagnosticCode::MissingDate, TextRange::new(0, 5), "no date");
        let file = |path: &str, diagnostics: Vec<Diagnostic>| {
            FileReport::new(path.to_owned(), Some(text.to_owned()), diagnostics)
        };
        let cases: Vec<Vec<FileReport>> = vec![
            vec![],
            vec![file("a.article", vec![])],
            vec![
                file("a.article", vec![diagnostic.clone(), plain.clone()]),
                file("dir/é \"b\".article", vec![]),
                FileReport::new("unread".to_owned(), None, vec![plain]),
            ],
        ];
        for reports in &cases {
            assert_eq!(json_report(reports), json_report_whole(reports));
        }
    }
}
