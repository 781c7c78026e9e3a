//! `accord fix`: the fixes `accord check` offers, shown as a unified diff or written
//! into the files.
//!
//! The diagnostics come from `check`'s own code path, so `fix` repairs exactly what
//! `check` reports. A file is written whole or not at all, keeps its permissions, byte
//! order mark and line endings, and is left alone if it changed since it was read.

use std::fmt::Write as _;
use std::path::Path;

use crate::diagnostic::{DiagnosticCode, Severity, TextEdit};
use crate::files::{FileStamp, write_atomically};
use crate::text::{LineIndex, TextRange};

use super::check::{self, CheckedFile, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub struct FixOptions {
    pub paths: Vec<std::path::PathBuf>,
    /// Write the fixes into the files; otherwise print them as a diff.
    pub write: bool,
    /// Only fixes of diagnostics with these codes; all codes when empty.
    pub codes: Vec<DiagnosticCode>,
    /// Only fixes of diagnostics at or above this severity.
    pub min_severity: Severity,
}

impl FixOptions {
    /// The severity floor when none is chosen: `check`'s default, or every severity
    /// when codes are named, since naming a code is the choice to fix it.
    pub fn default_min_severity(codes: &[DiagnosticCode]) -> Severity {
        if codes.is_empty() {
            Severity::Warning
        } else {
            Severity::Hint
        }
    }
}

/// What a run prints on each stream, and its exit status.
#[derive(Debug, Default)]
pub struct FixOutcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// A fix offered for a file, with the code of the diagnostic it repairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferedFix {
    pub code: DiagnosticCode,
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// Why an offered fix is not applied in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// It overlaps a fix earlier in the file; a second run applies it if it still holds.
    Overlaps,
    /// Its edits overlap one another, so no order of applying them is right.
    SelfOverlapping,
    /// An edit lies outside the text or splits a character.
    OutOfRange,
    /// An edit would change or move the byte order mark.
    TouchesByteOrderMark,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Overlaps => "overlaps another fix; run again",
            SkipReason::SelfOverlapping => "its edits overlap one another",
            SkipReason::OutOfRange => "an edit lies outside the text",
            SkipReason::TouchesByteOrderMark => "an edit would change the byte order mark",
        }
    }
}

/// The fixes chosen for one file and the text they make.
#[derive(Debug)]
pub struct FilePlan {
    /// In document order, with replacements in the file's line ending.
    pub applied: Vec<OfferedFix>,
    pub skipped: Vec<(OfferedFix, SkipReason)>,
    pub new_text: String,
}

impl FilePlan {
    /// Every applied edit, in document order.
    pub fn edits(&self) -> Vec<TextEdit> {
        let mut edits: Vec<TextEdit> = self
            .applied
            .iter()
            .flat_map(|fix| fix.edits.iter().cloned())
            .collect();
        edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
        edits
    }
}

const BYTE_ORDER_MARK: &str = "\u{feff}";

/// Whether the file's lines end in CRLF, judged by its first line break.
fn uses_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|at| text[..at].ends_with('\r'))
}

/// A replacement with its line breaks in the file's line ending.
fn with_line_ending(replacement: &str, crlf: bool) -> String {
    let unified = replacement.replace("\r\n", "\n");
    if crlf {
        unified.replace('\n', "\r\n")
    } else {
        unified
    }
}

/// Whether two edits cannot both be applied in a well-defined order: they overlap, or
/// they start at the same offset (two insertions there could go either way round).
fn conflict(a: TextRange, b: TextRange) -> bool {
    a.intersects(b) || a.start == b.start
}

/// Chooses the fixes to apply to `text`: in document order, each one whose edits
/// overlap none chosen before it. Edits that change nothing are dropped, and a fix
/// offered twice (by two diagnostics) is applied once.
pub fn plan_fixes(text: &str, offered: Vec<OfferedFix>) -> FilePlan {
    let crlf = uses_crlf(text);
    let bom = if text.starts_with(BYTE_ORDER_MARK) {
        BYTE_ORDER_MARK.len()
    } else {
        0
    };
    let mut candidates: Vec<OfferedFix> = Vec::new();
    let mut skipped = Vec::new();
    for mut fix in offered {
        fix.edits
            .sort_by_key(|edit| (edit.range.start, edit.range.end));
        let in_range = fix.edits.iter().all(|edit| {
            edit.range.start <= edit.range.end
                && text.get(edit.range.start..edit.range.end).is_some()
        });
        if !in_range {
            skipped.push((fix, SkipReason::OutOfRange));
            continue;
        }
        if bom > 0 && fix.edits.iter().any(|edit| edit.range.start < bom) {
            skipped.push((fix, SkipReason::TouchesByteOrderMark));
            continue;
        }
        for edit in &mut fix.edits {
            edit.text = with_line_ending(&edit.text, crlf);
        }
        fix.edits
            .retain(|edit| text[edit.range.start..edit.range.end] != edit.text);
        if fix.edits.is_empty() || candidates.iter().any(|seen| seen.edits == fix.edits) {
            continue;
        }
        if fix
            .edits
            .windows(2)
            .any(|pair| conflict(pair[0].range, pair[1].range))
        {
            skipped.push((fix, SkipReason::SelfOverlapping));
            continue;
        }
        candidates.push(fix);
    }
    candidates.sort_by_key(|fix| (fix.edits[0].range.start, fix.edits[0].range.end));
    let mut applied: Vec<OfferedFix> = Vec::new();
    for fix in candidates {
        let clashes = fix.edits.iter().any(|edit| {
            applied
                .iter()
                .flat_map(|chosen| &chosen.edits)
                .any(|chosen| conflict(chosen.range, edit.range))
        });
        if clashes {
            skipped.push((fix, SkipReason::Overlaps));
        } else {
            applied.push(fix);
        }
    }
    let mut plan = FilePlan {
        applied,
        skipped,
        new_text: String::new(),
    };
    // From the end backwards, so each edit's range still holds in the original bytes.
    let mut new_text = text.to_owned();
    for edit in plan.edits().iter().rev() {
        new_text.replace_range(edit.range.start..edit.range.end, &edit.text);
    }
    plan.new_text = new_text;
    plan.skipped
        .sort_by_key(|(fix, _)| fix.edits.first().map(|e| (e.range.start, e.range.end)));
    plan
}

/// The byte offset where each line starts; a final line break starts an empty line.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
        .collect()
}

/// A hunk header's range: the first line and the count, where an empty range names
/// the line before it, as unified diffs do.
fn hunk_range(first: usize, count: usize) -> String {
    match count {
        0 => format!("{first},0"),
        1 => format!("{}", first + 1),
        _ => format!("{},{count}", first + 1),
    }
}

fn push_lines(out: &mut String, sign: char, segment: &str) {
    for line in segment.split_inclusive('\n') {
        out.push(sign);
        match line.strip_suffix('\n') {
            Some(line) => {
                out.push_str(line);
                out.push('\n');
            }
            None => {
                out.push_str(line);
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
}

/// A unified diff of `edits` (disjoint) applied to `old`, with hunks over the edited
/// lines only and no context lines. A carriage return stays on its line, so the diff
/// applies to a CRLF file as it is.
pub fn unified_diff(shown: &str, old: &str, edits: &[TextEdit]) -> String {
    let starts = line_starts(old);
    let line_of = |offset: usize| starts.partition_point(|&start| start <= offset) - 1;
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    // Edits that touch a common line share a hunk.
    let mut hunks: Vec<(usize, usize, Vec<&TextEdit>)> = Vec::new();
    for edit in sorted {
        let (first, last) = (line_of(edit.range.start), line_of(edit.range.end));
        match hunks.last_mut() {
            Some((_, hunk_last, members)) if first <= *hunk_last => {
                *hunk_last = (*hunk_last).max(last);
                members.push(edit);
            }
            _ => hunks.push((first, last, vec![edit])),
        }
    }
    let mut out = format!("--- {shown}\n+++ {shown}\n");
    let mut shift: isize = 0;
    for (first, last, members) in hunks {
        let start = starts[first];
        let end = starts.get(last + 1).copied().unwrap_or(old.len());
        let old_segment = &old[start..end];
        let mut new_segment = old_segment.to_owned();
        for edit in members.iter().rev() {
            new_segment.replace_range(edit.range.start - start..edit.range.end - start, &edit.text);
        }
        let old_count = old_segment.split_inclusive('\n').count();
        let new_count = new_segment.split_inclusive('\n').count();
        let new_first = first.saturating_add_signed(shift);
        let _ = writeln!(
            out,
            "@@ -{} +{} @@",
            hunk_range(first, old_count),
            hunk_range(new_first, new_count)
        );
        push_lines(&mut out, '-', old_segment);
        push_lines(&mut out, '+', &new_segment);
        shift += new_count as isize - old_count as isize;
    }
    out
}

/// The stamp of a file whose text someone else read (the project loader reads
/// configuration and knowledge-base files): taken now, and good only if the file still
/// holds exactly that text.
fn stamp_for_text(path: &Path, text: &str) -> Result<FileStamp, String> {
    let before = FileStamp::of(path);
    let bytes = std::fs::read(path).ok();
    let after = FileStamp::of(path);
    match (before, bytes, after) {
        (Some(before), Some(bytes), Some(after)) if before == after && bytes == text.as_bytes() => {
            Ok(before)
        }
        _ => Err(format!(
            "{} changed since it was read; it was left as it is",
            path.display()
        )),
    }
}

/// Writes a plan's text over the file it was made for, atomically, unless the file
/// changed since `stamp` was taken. Returns whether anything was written: a file whose
/// content would not change is not touched.
pub fn write_plan(
    path: &Path,
    original: &str,
    plan: &FilePlan,
    stamp: &FileStamp,
) -> Result<bool, String> {
    if plan.new_text == original {
        return Ok(false);
    }
    write_atomically(path, plan.new_text.as_bytes(), Some(stamp)).map(|()| true)
}

/// Parses a `--code` argument.
pub fn parse_code(name: &str) -> Result<DiagnosticCode, String> {
    DiagnosticCode::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown code `{name}` (known codes: {})", known.join(", "))
    })
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The fixes a checked file offers under the options.
fn offered_fixes(file: &CheckedFile, options: &FixOptions) -> Vec<OfferedFix> {
    file.report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= options.min_severity)
        .filter(|d| options.codes.is_empty() || options.codes.contains(&d.code))
        .filter_map(|d| {
            d.fix.as_ref().map(|fix| OfferedFix {
                code: d.code,
                title: fix.title.clone(),
                edits: fix.edits.clone(),
            })
        })
        .collect()
}

/// Runs `accord fix` and returns what to print and the exit status: 0 nothing to fix
/// (or, with `--write`, everything applied), 1 fixes pending, 2 a file that could not be
/// read or written.
pub fn run(options: &FixOptions) -> FixOutcome {
    let analysed = check::analyse_paths(&options.paths);
    let mut files = analysed.files;
    files.sort_by(|a, b| a.report.path.cmp(&b.report.path));
    let mut outcome = FixOutcome::default();
    let mut failed = false;
    if let Some(reason) = &analysed.nothing_selected {
        let _ = writeln!(outcome.stderr, "error: {reason}");
        if files.is_empty() {
            outcome.status = check::EXIT_ERROR;
            return outcome;
        }
        failed = true;
    }
    let (mut fixes, mut fixed_files, mut pending_skips) = (0, 0, 0);
    for file in &files {
        let shown = &file.report.path;
        let Some(text) = file.report.text.as_deref() else {
            // Files that could not be read say why in their diagnostic.
            failed = true;
            for diagnostic in &file.report.diagnostics {
                let _ = writeln!(outcome.stderr, "error: {shown}: {}", diagnostic.message);
            }
            continue;
        };
        if let Some(diagnostic) = file.report.diagnostics.iter().find(|d| {
            matches!(
                d.code,
                DiagnosticCode::IoError | DiagnosticCode::InvalidUtf8
            )
        }) {
            failed = true;
            let _ = writeln!(outcome.stderr, "error: {shown}: {}", diagnostic.message);
            continue;
        }
        let offered = offered_fixes(file, options);
        if offered.is_empty() {
            continue;
        }
        let plan = plan_fixes(text, offered);
        let index = LineIndex::new(text);
        for (fix, reason) in &plan.skipped {
            let (line, column) =
                index.human_line_col(fix.edits.first().map_or(0, |e| e.range.start));
            let _ = writeln!(
                outcome.stderr,
                "{shown}:{line}:{column}: skipped `{}` ({}): {}",
                fix.title,
                fix.code.as_str(),
                reason.describe()
            );
        }
        pending_skips += plan
            .skipped
            .iter()
            .filter(|(_, reason)| *reason == SkipReason::Overlaps)
            .count();
        if plan.applied.is_empty() {
            continue;
        }
        if !options.write {
            outcome
                .stdout
                .push_str(&unified_diff(shown, text, &plan.edits()));
            fixes += plan.applied.len();
            fixed_files += 1;
            continue;
        }
        // Messages name the file as the walk found it, without a leading `./`.
        let path = file.path.strip_prefix(".").unwrap_or(&file.path);
        let stamp = match &file.stamp {
            Some(stamp) => Ok(stamp.clone()),
            None => stamp_for_text(path, text),
        };
        match stamp.and_then(|stamp| write_plan(path, text, &plan, &stamp)) {
            Ok(true) => {
                let _ = writeln!(
                    outcome.stdout,
                    "{shown}: {} applied",
                    plural(plan.applied.len(), "fix", "fixes")
                );
                fixes += plan.applied.len();
                fixed_files += 1;
            }
            Ok(false) => {}
            Err(error) => {
                failed = true;
                let _ = writeln!(outcome.stderr, "error: {error}");
            }
        }
    }
    let fixes_in_files = format!(
        "{} in {}",
        plural(fixes, "fix", "fixes"),
        plural(fixed_files, "file", "files")
    );
    let waiting = if pending_skips > 0 {
        format!(
            "; {} another and {} for a second run",
            plural(pending_skips, "fix overlaps", "fixes overlap"),
            if pending_skips == 1 { "waits" } else { "wait" }
        )
    } else {
        String::new()
    };
    if options.write && fixes > 0 {
        let _ = writeln!(outcome.stdout, "applied {fixes_in_files}{waiting}");
    } else if options.write {
        let _ = writeln!(outcome.stdout, "nothing to fix{waiting}");
    } else if fixes == 0 {
        let _ = writeln!(outcome.stderr, "nothing to fix{waiting}");
    } else {
        let _ = writeln!(
            outcome.stderr,
            "{fixes_in_files}{waiting}; run with --write to apply"
        );
    }
    outcome.status = if failed {
        EXIT_ERROR
    } else if pending_skips > 0 || (!options.write && fixes > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    outcome
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn offer(code: DiagnosticCode, edits: &[(usize, usize, &str)]) -> OfferedFix {
        OfferedFix {
            code,
            title: format!("fix {edits:?}"),
            edits: edits
                .iter()
                .map(|&(start, end, text)| TextEdit {
                    range: TextRange::new(start, end),
                    text: text.to_owned(),
                })
                .collect(),
        }
    }

    /// Applies a unified diff with hunks and no context to `old`, as `patch` would; the
    /// removed lines must be exactly those of `old` at the hunk's place.
    fn apply_diff(old: &str, diff: &str) -> String {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut next = 0;
        // Split at line feeds only: a carriage return belongs to its line.
        let mut lines = diff.split_terminator('\n').skip(2).peekable();
        while let Some(header) = lines.next() {
            let ranges = header
                .strip_prefix("@@ -")
                .and_then(|h| h.strip_suffix(" @@"))
                .expect("a hunk header");
            let old_range = ranges.split(' ').next().expect("old range");
            let (first, count) = match old_range.split_once(',') {
                Some((first, count)) => (first.parse::<usize>().unwrap(), count.parse().unwrap()),
                None => (old_range.parse::<usize>().unwrap(), 1),
            };
            // An empty range names the line before the place.
            let at = if count == 0 { first } else { first - 1 };
            for line in &old_lines[next..at] {
                out.push_str(line);
            }
            let mut removed = String::new();
            let mut added = String::new();
            while let Some(line) = lines.peek() {
                if line.starts_with("@@") {
                    break;
                }
                let line = lines.next().unwrap();
                let target = match line.as_bytes()[0] {
                    b'-' => &mut removed,
                    b'+' => &mut added,
                    _ => panic!("unexpected diff line {line:?}"),
                };
                target.push_str(&line[1..]);
                if lines.peek() == Some(&"\\ No newline at end of file") {
                    lines.next();
                } else {
                    target.push('\n');
                }
            }
            assert_eq!(removed, old_lines[at..at + count].concat(), "{diff}");
            out.push_str(&added);
            next = at + count;
        }
        for line in &old_lines[next..] {
            out.push_str(line);
        }
        out
    }

    #[test]
    fn overlapping_fixes_apply_the_first_in_document_order_and_skip_the_rest() {
        let text = "Title\n[Seoul]{plcae ref=seol} met.\n";
        // A fix of the whole tag overlaps the type fix inside it; the later ref fix is
        // apart from both.
        let plan = plan_fixes(
            text,
            vec![
                offer(DiagnosticCode::UnknownRef, &[(24, 28, "seoul")]),
                offer(DiagnosticCode::UnknownType, &[(14, 19, "place")]),
                offer(DiagnosticCode::DuplicateAttribute, &[(6, 29, "Seoul")]),
            ],
        );
        assert_eq!(plan.new_text, "Title\nSeoul met.\n");
        assert_eq!(plan.applied.len(), 1);
        let skipped: Vec<(DiagnosticCode, SkipReason)> =
            plan.skipped.iter().map(|(f, r)| (f.code, *r)).collect();
        assert_eq!(
            skipped,
            [
                (DiagnosticCode::UnknownType, SkipReason::Overlaps),
                (DiagnosticCode::UnknownRef, SkipReason::Overlaps)
            ]
        );
        // The second run gets the inner fixes again, and they fit together.
        let plan = plan_fixes(
            text,
            vec![
                offer(DiagnosticCode::UnknownRef, &[(24, 28, "seoul")]),
                offer(DiagnosticCode::UnknownType, &[(14, 19, "place")]),
            ],
        );
        assert_eq!(plan.new_text, "Title\n[Seoul]{place ref=seoul} met.\n");
        assert!(plan.skipped.is_empty());
    }

    #[test]
    fn insertions_at_one_offset_conflict_and_a_fix_offered_twice_applies_once() {
        let text = "abc\n";
        let plan = plan_fixes(
            text,
            vec![
                offer(DiagnosticCode::MalformedTag, &[(1, 1, "X")]),
                offer(DiagnosticCode::MalformedTag, &[(1, 1, "Y")]),
                offer(DiagnosticCode::EmptySpan, &[(2, 3, "Z")]),
                offer(DiagnosticCode::MissingTitle, &[(2, 3, "Z")]),
            ],
        );
        assert_eq!(plan.new_text, "aXbZ\n");
        assert_eq!(plan.applied.len(), 2);
        assert_eq!(plan.skipped.len(), 1);
        assert_eq!(plan.skipped[0].1, SkipReason::Overlaps);
    }

    #[test]
    fn edits_that_change_nothing_or_leave_the_text_are_not_applied() {
        let text = "Sé\n";
        let plan = plan_fixes(
            text,
            vec![
                offer(DiagnosticCode::UnknownType, &[(0, 1, "S")]),
                // Offset 2 splits the two bytes of `é`.
                offer(DiagnosticCode::UnknownType, &[(2, 3, "e")]),
                offer(DiagnosticCode::UnknownType, &[(3, 9, "e")]),
                offer(DiagnosticCode::UnknownType, &[(0, 1, "a"), (0, 3, "b")]),
            ],
        );
        assert_eq!(plan.new_text, text);
        assert!(plan.applied.is_empty());
        let reasons: Vec<SkipReason> = plan.skipped.iter().map(|(_, r)| *r).collect();
        assert_eq!(
            reasons,
            [
                SkipReason::SelfOverlapping,
                SkipReason::OutOfRange,
                SkipReason::OutOfRange
            ]
        );
    }

    #[test]
    fn replacements_take_the_line_ending_of_the_file_and_the_bom_stays() {
        let crlf = "\u{feff}Title\r\nBody text.\r\n";
        let plan = plan_fixes(
            crlf,
            vec![
                offer(
                    DiagnosticCode::MisplacedDate,
                    &[(15, 19, "text\nmore\r\nend")],
                ),
                offer(DiagnosticCode::MissingTitle, &[(0, 3, "")]),
            ],
        );
        assert_eq!(
            plan.new_text,
            "\u{feff}Title\r\nBody text\r\nmore\r\nend.\r\n"
        );
        assert_eq!(plan.skipped[0].1, SkipReason::TouchesByteOrderMark);
        let lf = "Title\nBody text.\n";
        let plan = plan_fixes(
            lf,
            vec![offer(
                DiagnosticCode::MisplacedDate,
                &[(11, 15, "text\r\nend")],
            )],
        );
        assert_eq!(plan.new_text, "Title\nBody text\nend.\n");
    }

    #[test]
    fn the_diff_shows_only_edited_lines_and_applies_back_to_the_new_text() {
        let old = "one\ntwo\nthree\nfour\nfive";
        let edits = [
            TextEdit {
                range: TextRange::new(4, 7),
                text: "2".to_owned(),
            },
            // Joins lines three and four.
            TextEdit {
                range: TextRange::new(13, 15),
                text: " ".to_owned(),
            },
            TextEdit {
                range: TextRange::new(23, 23),
                text: "!\nsix".to_owned(),
            },
        ];
        let diff = unified_diff("a.article", old, &edits);
        assert_eq!(
            diff,
            "--- a.article\n+++ a.article\n\
             @@ -2 +2 @@\n-two\n+2\n@@ -3,2 +3 @@\n-three\n-four\n+three our\n\
             @@ -5 +4,2 @@\n-five\n\\ No newline at end of file\n+five!\n+six\n\
             \\ No newline at end of file\n"
        );
        assert_eq!(apply_diff(old, &diff), "one\n2\nthree our\nfive!\nsix");
        // A carriage return stays on its line, so the diff applies to the CRLF file.
        let old = "\ré\r\nb\r\n";
        let edits = [TextEdit {
            range: TextRange::new(1, 3),
            text: "e\r\n".to_owned(),
        }];
        let diff = unified_diff("a.article", old, &edits);
        assert_eq!(
            diff,
            "--- a.article\n+++ a.article\n@@ -1 +1,2 @@\n-\ré\r\n+\re\r\n+\r\n"
        );
        assert_eq!(apply_diff(old, &diff), "\re\r\n\r\nb\r\n");
    }

    #[test]
    fn a_stale_stamp_refuses_the_write_and_leaves_the_file_as_someone_else_saved_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.article");
        let text = "Title\n[Seoul]{plcae} met.\n";
        std::fs::write(&path, text).expect("write");
        let stamp = FileStamp::of(&path).expect("stamp");
        let plan = plan_fixes(
            text,
            vec![offer(DiagnosticCode::UnknownType, &[(14, 19, "place")])],
        );
        // Someone saves the file after it was read: another length, so the stamp
        // differs whatever the clock's resolution.
        std::fs::write(&path, "Title\nRewritten meanwhile.\n").expect("write");
        let error = write_plan(&path, text, &plan, &stamp).expect_err("refused");
        assert!(error.contains("changed since it was read"), "{error}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "Title\nRewritten meanwhile.\n"
        );
        // With a fresh stamp the same plan is written.
        std::fs::write(&path, text).expect("write");
        let stamp = FileStamp::of(&path).expect("stamp");
        assert_eq!(write_plan(&path, text, &plan, &stamp), Ok(true));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "Title\n[Seoul]{place} met.\n"
        );
        // Text that another reader saw is trusted only while the file still holds it.
        assert!(stamp_for_text(&path, "Title\n[Seoul]{place} met.\n").is_ok());
        assert!(stamp_for_text(&path, text).is_err());
    }

    fn text_and_edits() -> impl Strategy<Value = (String, Vec<(usize, usize, String)>)> {
        "[ab\n\r é]{0,40}".prop_flat_map(|text| {
            let len = text.len();
            let edit = (0..=len + 2, 0..=4usize, "[xy\n]{0,4}");
            (Just(text), proptest::collection::vec(edit, 0..6)).prop_map(|(text, edits)| {
                let edits = edits
                    .into_iter()
                    .map(|(start, len, replacement)| (start, start + len, replacement))
                    .collect();
                (text, edits)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Whatever the offered edits, planning never panics, the chosen edits are
        /// disjoint, and the diff of them turns the old text into the new one.
        #[test]
        fn plans_are_consistent_and_their_diffs_apply((text, edits) in text_and_edits()) {
            let offered: Vec<OfferedFix> = edits
                .iter()
                .map(|(start, end, replacement)| {
                    offer(DiagnosticCode::UnknownType, &[(*start, *end, replacement.as_str())])
                })
                .collect();
            let plan = plan_fixes(&text, offered);
            let edits = plan.edits();
            for pair in edits.windows(2) {
                prop_assert!(!conflict(pair[0].range, pair[1].range));
            }
            if !edits.is_empty() {
                let diff = unified_diff("f", &text, &edits);
                prop_assert_eq!(apply_diff(&text, &diff), plan.new_text.clone());
            }
        }
    }
}
