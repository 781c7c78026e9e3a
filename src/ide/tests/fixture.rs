//! Multi-file fixtures for editor-feature tests, in the style of rust-analyzer's: files
//! open with `//- /path` headers, `$0` marks the cursor, and a line of `^` under a line
//! marks a range of it (columns count characters, so markers line up under `–` or `é`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::Analyzer;
use crate::ide::{FilePosition, FileRange, SourceChange};
use crate::kb::KnowledgeBase;
use crate::kb::config::Config;
use crate::text::TextRange;
use crate::workspace::{FileId, FileKind, Workspace, WorkspaceSnapshot};

pub struct Fixture {
    pub workspace: Workspace,
    pub snap: WorkspaceSnapshot,
    pub cursor: Option<FilePosition>,
    /// Marked ranges with the label written after the carets (may be empty).
    pub markers: Vec<(FileRange, String)>,
}

impl Fixture {
    pub fn cursor(&self) -> FilePosition {
        self.cursor.expect("the fixture has a `$0` cursor")
    }

    pub fn marked_ranges(&self) -> Vec<FileRange> {
        let mut ranges: Vec<FileRange> = self.markers.iter().map(|(r, _)| *r).collect();
        ranges.sort();
        ranges
    }

    pub fn file_id(&self, path: &str) -> FileId {
        self.workspace
            .file_id(Path::new(path))
            .expect("the fixture has the file")
    }

    /// `path line:col text` for a range, with 1-based lines and character columns.
    pub fn describe(&self, range: FileRange) -> String {
        let file = self.snap.file(range.file).expect("the file exists");
        let (line, col) = file.line_index.human_line_col(range.range.start);
        let text = file
            .text
            .get(range.range.start..range.range.end)
            .unwrap_or("?");
        format!("{} {line}:{col} {text:?}", file.path.display())
    }

    /// The texts of the files a change touches, after the change.
    pub fn apply(&self, change: &SourceChange) -> String {
        let mut out = String::new();
        for (id, edits) in &change.edits {
            let file = self.snap.file(*id).expect("the file exists");
            let mut text = file.text.to_string();
            let mut edits = edits.clone();
            // Later edits first, so earlier offsets stay valid; inserts at one offset keep
            // their order.
            edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
            for edit in &edits {
                text.replace_range(edit.range.start..edit.range.end, &edit.text);
            }
            out.push_str(&format!("//- {}\n{text}", file.path.display()));
        }
        for (path, text) in &change.new_files {
            out.push_str(&format!("//- new {}\n{text}", path.display()));
        }
        out
    }
}

fn is_marker_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with('^') && line[..line.len() - trimmed.len()].chars().all(|c| c == ' ')
}

/// Byte offset of a character column in `line`.
fn byte_of_char_col(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

pub fn parse(fixture: &str) -> Fixture {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut cursor: Option<(usize, usize)> = None;
    let mut markers: Vec<(usize, TextRange, String)> = Vec::new();
    for line in fixture.lines() {
        if let Some(path) = line.trim_start().strip_prefix("//- ") {
            files.push((PathBuf::from(path.trim()), String::new()));
            continue;
        }
        if files.is_empty() {
            continue;
        }
        let index = files.len() - 1;
        let text = &mut files[index].1;
        if is_marker_line(line) {
            let previous_start = text[..text.len().saturating_sub(1)]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let previous = &text[previous_start..text.len().saturating_sub(1)];
            // Each run of carets marks one range; text after the last run labels them.
            let chars: Vec<char> = line.chars().collect();
            let label_start = chars.iter().rposition(|&c| c == '^').map_or(0, |i| i + 1);
            let label: String = chars[label_start..].iter().collect();
            let mut col = 0;
            while col < label_start {
                if chars[col] != '^' {
                    col += 1;
                    continue;
                }
                let run = chars[col..label_start]
                    .iter()
                    .take_while(|&&c| c == '^')
                    .count();
                let start = previous_start + byte_of_char_col(previous, col);
                let end = previous_start + byte_of_char_col(previous, col + run);
                markers.push((index, TextRange::new(start, end), label.trim().to_owned()));
                col += run;
            }
            continue;
        }
        let mut line = line.to_owned();
        if let Some(at) = line.find("$0") {
            line.replace_range(at..at + 2, "");
            cursor = Some((index, text.len() + at));
        }
        text.push_str(&line);
        text.push('\n');
    }
    // The knowledge base is the built-in one plus the fixture's own files, so that
    // recognition knows the fixture's entries as a loaded project would.
    let mut kb = KnowledgeBase::new();
    for entry in crate::kb::builtin::builtin_entries() {
        kb.insert(entry);
    }
    for (path, text) in &files {
        if FileKind::of_path(path) == FileKind::KnowledgeBase {
            for entry in crate::kb::load::parse_entries(Some(path), text).0 {
                kb.insert(entry);
            }
        }
    }
    // A fixture's `accord.toml` is its configuration, for its schema.
    let config = files
        .iter()
        .find(|(path, _)| path.file_name().is_some_and(|n| n == "accord.toml"))
        .map_or_else(Config::default, |(path, text)| {
            crate::kb::config::parse_config(path, text).0
        });
    let mut workspace = Workspace::new(Arc::new(Analyzer::new(config, kb)));
    let mut ids = BTreeMap::new();
    for (index, (path, text)) in files.iter().enumerate() {
        ids.insert(
            index,
            workspace.set_file_text(path, Arc::from(text.as_str())),
        );
    }
    let snap = workspace.snapshot();
    Fixture {
        cursor: cursor.map(|(index, offset)| FilePosition {
            file: ids[&index],
            offset,
        }),
        markers: markers
            .into_iter()
            .map(|(index, range, label)| {
                (
                    FileRange {
                        file: ids[&index],
                        range,
                    },
                    label,
                )
            })
            .collect(),
        workspace,
        snap,
    }
}
