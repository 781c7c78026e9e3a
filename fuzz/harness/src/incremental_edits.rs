//! The `incremental_edits` target: two open documents, a script of protocol edits
//! applied one by one the way the server applies `didChange` (positions converted with
//! the workspace file's own line map), and then a comparison with a workspace that
//! analysed the final texts from scratch. A rope with its own position conversion
//! keeps what the editor's text should be, independently.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord::lsp::from_proto::{LineMap, PositionEncoding};
use accord::text::WideEncoding;
use accord::workspace::{FileId, FileSnapshot, Workspace};
use arbitrary::Unstructured;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

/// An open document as the editor keeps it.
struct Document {
    rope: Rope,
    path: PathBuf,
    file: FileId,
}

use crate::invariants::assert_analysis_of;
use crate::{SNIPPETS, default_analyzer, split_chunks};

/// More edits find little more and slow every run down.
const MAX_EDITS: usize = 64;

/// Applies the edit script of `data` incrementally and panics when the result differs
/// from a fresh analysis of the final texts.
pub fn incremental_edits(data: &[u8]) {
    let (control, texts) = split_chunks(data);
    let mut u = Unstructured::new(control);
    let encoding = *u
        .choose(&[
            PositionEncoding::Wide(WideEncoding::Utf16),
            PositionEncoding::Utf8,
            PositionEncoding::Wide(WideEncoding::Utf32),
        ])
        .unwrap_or(&PositionEncoding::Wide(WideEncoding::Utf16));
    let mut texts = texts.into_iter();
    let mut workspace = Workspace::new(default_analyzer());
    let mut documents: Vec<Document> = ["/fuzz/a.article", "/fuzz/b.article"]
        .into_iter()
        .map(|path| {
            let text = texts.next().unwrap_or_default();
            let path = PathBuf::from(path);
            let rope = Rope::from_str(&text);
            // Open in an editor, so it keeps its full analysis.
            workspace.open_file(&path);
            let file = workspace.set_file_text(&path, Arc::from(text));
            Document { rope, path, file }
        })
        .collect();
    let mut edits = 0;
    while !u.is_empty() && edits < MAX_EDITS {
        let Ok(edit) = next_edit(&mut u, &documents, &mut texts) else {
            break;
        };
        edits += 1;
        let document = &mut documents[edit.document];
        match edit.range {
            None => {
                document.rope = Rope::from_str(&edit.text);
                document.file = workspace.set_file_text(&document.path, Arc::from(edit.text));
            }
            Some(range) => {
                // Like the server: a range whose end precedes its start is skipped.
                let Some(chars) = rope_range(&document.rope, encoding, range) else {
                    continue;
                };
                let file = workspace.file(document.file).expect("open documents stay");
                let map = LineMap {
                    text: &file.text,
                    line_index: &file.line_index,
                    encoding,
                    hides_bom: false,
                };
                let bytes = map.text_range(range).expect("an ordered range");
                document.rope.remove(chars.clone());
                document.rope.insert(chars.start, &edit.text);
                if workspace
                    .apply_edit(document.file, bytes, &edit.text)
                    .is_none()
                {
                    panic!("the workspace refused {bytes:?}, a range its line map gave");
                }
            }
        }
        let snapshot = workspace.snapshot();
        let file = snapshot.file(document.file).expect("open documents stay");
        assert_eq!(
            *file.text,
            document.rope.to_string(),
            "the workspace's text left the document's after edit {edits}"
        );
    }
    compare_with_fresh(&workspace, &documents);
}

struct Edit {
    document: usize,
    /// `None` replaces the whole text.
    range: Option<Range>,
    text: String,
}

/// The next edit of the script: positions mostly near the text, so that edits land
/// inside lines rather than clamp to their ends.
fn next_edit(
    u: &mut Unstructured,
    documents: &[Document],
    texts: &mut impl Iterator<Item = String>,
) -> arbitrary::Result<Edit> {
    let document = usize::from(u.arbitrary::<bool>()?);
    let kind: u8 = u.arbitrary()?;
    let text = if u.arbitrary::<bool>()? {
        texts.next().unwrap_or_default()
    } else {
        (*u.choose(SNIPPETS)?).to_owned()
    };
    if kind == 0 {
        return Ok(Edit {
            document,
            range: None,
            text,
        });
    }
    let rope = &documents[document].rope;
    let start = position(u, rope, None)?;
    let end = if kind % 4 == 1 {
        start
    } else {
        position(u, rope, Some(start.line))?
    };
    Ok(Edit {
        document,
        range: Some(Range { start, end }),
        text,
    })
}

/// A position on a line of the rope (or one past the last), up to a little past its
/// end; with `from_line`, on that line or one of the next two.
fn position(
    u: &mut Unstructured,
    rope: &Rope,
    from_line: Option<u32>,
) -> arbitrary::Result<Position> {
    let lines = rope.len_lines() as u32;
    let line = match from_line {
        Some(first) => first.saturating_add(u.int_in_range(0..=2)?),
        None => u.int_in_range(0..=lines)?,
    };
    let line_bytes = if (line as usize) < rope.len_lines() {
        rope.line(line as usize).len_bytes() as u32
    } else {
        0
    };
    let character = u.int_in_range(0..=line_bytes.saturating_add(2))?;
    Ok(Position { line, character })
}

/// The char range of a protocol range in the rope; `None` when its end precedes its
/// start.
fn rope_range(
    rope: &Rope,
    encoding: PositionEncoding,
    range: Range,
) -> Option<std::ops::Range<usize>> {
    if (range.end.line, range.end.character) < (range.start.line, range.start.character) {
        return None;
    }
    let start = rope_char(rope, encoding, range.start);
    let end = rope_char(rope, encoding, range.end).max(start);
    Some(start..end)
}

/// The char index of a position, as LSP defines it: lines end at LF, CRLF or a lone CR
/// (the rope's `cr_lines`); a column past the line's end clamps to it, before the line
/// break; a line past the last clamps to the end; a column inside a character rounds
/// down to its start.
fn rope_char(rope: &Rope, encoding: PositionEncoding, position: Position) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let mut line_end = if line + 1 < rope.len_lines() {
        rope.line_to_char(line + 1)
    } else {
        rope.len_chars()
    };
    // Back over the line break: an LF, a CR, or both.
    if line_end > line_start && rope.char(line_end - 1) == '\n' {
        line_end -= 1;
    }
    if line_end > line_start && rope.char(line_end - 1) == '\r' {
        line_end -= 1;
    }
    let col = position.character as usize;
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let byte = rope
                .char_to_byte(line_start)
                .saturating_add(col)
                .min(rope.len_bytes());
            rope.byte_to_char(byte)
        }
        PositionEncoding::Wide(WideEncoding::Utf16) => {
            let unit = rope
                .char_to_utf16_cu(line_start)
                .saturating_add(col)
                .min(rope.len_utf16_cu());
            rope.utf16_cu_to_char(unit)
        }
        PositionEncoding::Wide(WideEncoding::Utf32) => line_start.saturating_add(col),
    };
    char_idx.clamp(line_start, line_end)
}

/// Builds a workspace from the final texts and panics unless every file's analysis,
/// diagnostics and mentions, and the lexicon, equal the incremental ones.
fn compare_with_fresh(incremental: &Workspace, documents: &[Document]) {
    let mut fresh = Workspace::new(default_analyzer());
    for document in documents {
        fresh.open_file(&document.path);
        fresh.set_file_text(&document.path, Arc::from(document.rope.to_string()));
    }
    let incremental = incremental.snapshot();
    let fresh = fresh.snapshot();
    assert_eq!(
        incremental.lexicon.forms, fresh.lexicon.forms,
        "the lexicon differs from a fresh workspace's"
    );
    for document in documents {
        let path: &Path = &document.path;
        let got = incremental.file_by_path(path).expect("open documents stay");
        let want = fresh
            .file_by_path(path)
            .expect("the fresh workspace has it");
        compare_files(got, want);
    }
}

fn compare_files(got: &FileSnapshot, want: &FileSnapshot) {
    let path = got.path.display();
    assert_eq!(got.text, want.text, "{path}: text");
    let (Some(got_analysis), Some(want_analysis)) = (&got.analysis, &want.analysis) else {
        panic!("{path}: an article without an analysis");
    };
    let got_mentions: Vec<_> = got.mentions().map(|m| m.to_owned_mention()).collect();
    let want_mentions: Vec<_> = want.mentions().map(|m| m.to_owned_mention()).collect();
    assert_analysis_of(&got.text, got_analysis, &got_mentions);
    assert_eq!(
        got_analysis.syntax, want_analysis.syntax,
        "{path}: syntax differs from a fresh analysis"
    );
    assert_eq!(
        got_analysis.articles.len(),
        want_analysis.articles.len(),
        "{path}: article count"
    );
    for (index, (a, b)) in got_analysis
        .articles
        .iter()
        .zip(&want_analysis.articles)
        .enumerate()
    {
        assert_eq!(a.plain, b.plain, "{path}: plain text of article {index}");
        assert_eq!(
            a.recognized, b.recognized,
            "{path}: recognition in article {index}"
        );
    }
    assert_eq!(
        got_analysis.diagnostics, want_analysis.diagnostics,
        "{path}: analysis diagnostics"
    );
    assert_eq!(got.diagnostics, want.diagnostics, "{path}: diagnostics");
    assert_eq!(got_mentions, want_mentions, "{path}: mentions");
}
