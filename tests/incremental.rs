//! Incremental equals full: random edit scripts go through the language server's own
//! change path (`State::change`: protocol ranges in UTF-16, the document's rope, the
//! workspace's incremental reparse and re-recognition), and the result must equal a
//! fresh analysis of the final text: syntax, articles, entities, diagnostics and
//! semantic tokens.
//!
//! `PROPTEST_CASES` sets the number of cases (2 000 by default, a few seconds).

use std::path::PathBuf;
use std::sync::Arc;

use accord::analysis::Analyzer;
use accord::ide;
use accord::lsp::from_proto::{LineMap, PositionEncoding};
use accord::lsp::semantic;
use accord::lsp::state::State;
use accord::text::WideEncoding;
use accord::workspace::{FileSnapshot, Workspace, WorkspaceSnapshot};
use proptest::prelude::*;
use proptest::sample::Index;
use tower_lsp_server::ls_types::{
    Position, Range, SemanticToken, TextDocumentContentChangeEvent, Uri,
};

const UTF16: PositionEncoding = PositionEncoding::Wide(WideEncoding::Utf16);

/// Small files, so that a case is fast: several articles, tags, dates, wide characters,
/// and a CRLF variant.
const BASES: &[&str] = &[
    "Talks on the [Korea-US FTA]{agreement ref=korus-fta} in Seoul\n\
     The Ministry of Trade met the USTR on Monday; tariffs fell 10% to $3 billion. date2025-03-04\n\
     -\n\
     A Second Story – café 🙂\n\
     Exports rose in [March]{date value=2025-03}, the ministry said. date2025-04-01\n",
    "Trade Talks Continue\r\n\
     Officials of the World Trade Organization (WTO) met in [Geneva]{place}. date2025-05-20\r\n\
     -\r\n\
     Second \\[escaped\\] title\r\n\
     The [WTO]{org ref=wto} said [next week]{date} talks resume. date2025-06-01\r\n",
    "No date here, [broken]{ tag\n[[[nested]{org}]{org}\n",
    "",
];

/// What edits insert: tag syntax, separators, markers, escapes, line ends of both kinds
/// and characters of two, three and four bytes (two UTF-16 units for the emoji).
const SNIPPETS: &[&str] = &[
    "",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\n-\n",
    "\r\n-\r\n",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "\\[",
    "]{org}",
    "]{place ref=",
    "[Seoul]{place}",
    "[Korea]{country ref=kor}",
    " date2025-01-02",
    "date2024-13-40",
    "Korea",
    "é",
    "–",
    "🙂",
    "USTR",
    "(WTO)",
    "World Trade Organization",
    " ref=x ",
    " value=\"a b\"",
    "\"",
    "=",
];

/// One edit: where it starts and how much it replaces, drawn relative to the text at
/// that moment, and what it inserts.
#[derive(Clone, Debug)]
struct Edit {
    start: Index,
    len: usize,
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    let insert = prop_oneof![
        3 => prop::sample::select(SNIPPETS).prop_map(str::to_owned),
        1 => "[a-zé🙂 \\[\\]{}=\"\\\\\r\n-]{0,6}",
    ];
    (
        any::<Index>(),
        prop_oneof![3 => 0..4usize, 1 => 0..40usize],
        insert,
    )
        .prop_map(|(start, len, insert)| Edit { start, len, insert })
}

/// Edit scripts: a base text and up to a dozen didChange notifications of one to three
/// changes each.
fn script() -> impl Strategy<Value = (usize, Vec<Vec<Edit>>)> {
    (
        0..BASES.len(),
        prop::collection::vec(prop::collection::vec(edit(), 1..=3), 1..12),
    )
}

/// The offset the server maps a position to, found independently of the rope: lines end
/// at LF, a column never reaches past a line's CR, and offsets stay on char boundaries.
fn clamp_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    // Between the CR and the LF of a CRLF no position points: the line's end does.
    if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
        offset -= 1;
    }
    offset
}

/// The ends of the lines before `offset`, as LSP counts them: an LF, or a CR that no
/// LF follows.
fn line_breaks(text: &str, offset: usize) -> impl Iterator<Item = usize> + '_ {
    text[..offset]
        .char_indices()
        .filter(move |&(at, c)| c == '\n' || (c == '\r' && !text[at + 1..].starts_with('\n')))
        .map(|(at, _)| at)
}

/// The UTF-16 protocol position of a byte offset.
fn position(text: &str, offset: usize) -> Position {
    let line = line_breaks(text, offset).count() as u32;
    let line_start = line_breaks(text, offset).last().map_or(0, |at| at + 1);
    let character = text[line_start..offset].encode_utf16().count() as u32;
    Position { line, character }
}

/// The protocol tokens of a file, as a full semantic-tokens request answers.
fn tokens(snap: &WorkspaceSnapshot, file: &FileSnapshot) -> Vec<SemanticToken> {
    let map = LineMap {
        text: &file.text,
        line_index: &file.line_index,
        encoding: UTF16,
        hides_bom: false,
    };
    semantic::encode(&ide::semantic_tokens(snap, file.id, None), &map)
}

/// Applies a semantic-tokens delta the way a client does.
fn apply_delta(old: &[SemanticToken], new: &[SemanticToken]) -> Vec<SemanticToken> {
    let mut result = old.to_vec();
    for edit in semantic::delta(old, new).into_iter().rev() {
        let start = edit.start as usize / 5;
        let end = start + edit.delete_count as usize / 5;
        result.splice(start..end, edit.data.unwrap_or_default());
    }
    result
}

/// Everything a client sees of a file, compared field by field for a readable failure.
fn assert_same_file(
    incremental_snap: &WorkspaceSnapshot,
    incremental: &FileSnapshot,
    fresh_snap: &WorkspaceSnapshot,
    fresh: &FileSnapshot,
) -> Result<(), TestCaseError> {
    let name = incremental.path.display();
    prop_assert_eq!(&*incremental.text, &*fresh.text, "text of {}", name);
    let (Some(a), Some(b)) = (&incremental.analysis, &fresh.analysis) else {
        return Err(TestCaseError::fail(format!("{name} has no analysis")));
    };
    prop_assert_eq!(&a.syntax, &b.syntax, "syntax of {}", name);
    prop_assert_eq!(a.articles.len(), b.articles.len(), "articles of {}", name);
    for (x, y) in a.articles.iter().zip(&b.articles) {
        prop_assert_eq!(&x.plain, &y.plain, "plain text of {}", name);
        prop_assert_eq!(&x.recognized, &y.recognized, "recognition in {}", name);
    }
    prop_assert_eq!(
        incremental
            .mentions()
            .map(|m| m.to_owned_mention())
            .collect::<Vec<_>>(),
        fresh
            .mentions()
            .map(|m| m.to_owned_mention())
            .collect::<Vec<_>>(),
        "entities of {}",
        name
    );
    prop_assert_eq!(
        &incremental.diagnostics,
        &fresh.diagnostics,
        "diagnostics of {}",
        name
    );
    prop_assert_eq!(
        ide::diagnostics(incremental_snap, incremental.id),
        ide::diagnostics(fresh_snap, fresh.id),
        "published diagnostics of {}",
        name
    );
    prop_assert_eq!(
        tokens(incremental_snap, incremental),
        tokens(fresh_snap, fresh),
        "semantic tokens of {}",
        name
    );
    Ok(())
}

/// A second file that stays unchanged: it follows the lexicon the edits change.
const OTHER: &str = "Follow-up on the Korea-US FTA\n\
    The WTO and Seoul officials spoke; the World Trade Organization agreed. date2025-07-01\n";

fn run_script(
    state: &State,
    analyzer: &Arc<Analyzer>,
    base: usize,
    changes: &[Vec<Edit>],
) -> Result<(), TestCaseError> {
    let path = PathBuf::from("/ws/edited.article");
    let uri: Uri = "file:///ws/edited.article".parse().expect("a valid URI");
    let other_path = PathBuf::from("/ws/other.article");
    let other_uri: Uri = "file:///ws/other.article".parse().expect("a valid URI");
    state.open(other_uri.clone(), other_path.clone(), 1, OTHER.to_owned());
    state.open(uri.clone(), path.clone(), 1, BASES[base].to_owned());

    let mut text = BASES[base].to_owned();
    let mut previous_tokens = {
        let snap = state.snapshot().snap;
        let file = snap.file_by_path(&path).expect("open").clone();
        tokens(&snap, &file)
    };
    for (version, batch) in changes.iter().enumerate() {
        // Edits leave the lexicon to a refresh the server runs later, off its lock; every
        // other batch lands while such a refresh is in flight.
        let in_flight = if version % 2 == 1 {
            state.core().workspace.begin_lexicon_refresh()
        } else {
            None
        };
        let mut events = Vec::new();
        for edit in batch {
            let start = clamp_offset(&text, edit.start.index(text.len() + 1));
            let end = clamp_offset(&text, start + edit.len).max(start);
            events.push(TextDocumentContentChangeEvent {
                range: Some(Range::new(position(&text, start), position(&text, end))),
                range_length: None,
                text: edit.insert.clone(),
            });
            text.replace_range(start..end, &edit.insert);
        }
        let problems = state
            .change(&uri, version as i32 + 2, events)
            .map_err(TestCaseError::fail)?;
        prop_assert!(problems.is_empty(), "{:?}", problems);
        if let Some(work) = in_flight {
            let refreshed = work.run();
            let _ = state.core().workspace.finish_lexicon_refresh(refreshed);
        }
        let snap = state.snapshot().snap;
        let file = snap.file_by_path(&path).expect("open").clone();
        prop_assert_eq!(&*file.text, text.as_str());
        let current = tokens(&snap, &file);
        prop_assert_eq!(apply_delta(&previous_tokens, &current), current.clone());
        previous_tokens = current;
    }

    // What the server's deferred refresh does once typing stops.
    state.refresh_lexicon_now();
    let mut fresh = Workspace::new(analyzer.clone());
    for path in [&other_path, &path] {
        fresh.open_file(path);
    }
    fresh.set_file_text(&other_path, Arc::from(OTHER));
    fresh.set_file_text(&path, Arc::from(text.as_str()));
    let fresh_snap = fresh.snapshot();
    let snap = state.snapshot().snap;
    for path in [&path, &other_path] {
        assert_same_file(
            &snap,
            snap.file_by_path(path).expect("open"),
            &fresh_snap,
            fresh_snap.file_by_path(path).expect("set"),
        )?;
    }
    prop_assert_eq!(snap.keys(), fresh_snap.keys(), "the key index");

    // Closing forgets the files (no workspace folder indexes them), so the next case
    // starts from nothing.
    state.close(&uri);
    state.close(&other_uri);
    prop_assert_eq!(state.snapshot().snap.files().count(), 0);
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn random_edit_scripts_through_the_server_match_a_fresh_analysis() {
    // One server state for every case: building the default knowledge base once keeps a
    // case to milliseconds.
    let state = State::new();
    let analyzer = state.core().workspace.analyzer().clone();
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((base, changes) in script())| {
        run_script(&state, &analyzer, base, &changes)?;
    });
}

#[test]
fn positions_inside_a_crlf_or_past_a_line_end_clamp_like_the_server() {
    let text = "ab\r\ncé\n";
    assert_eq!(clamp_offset(text, 3), 2);
    assert_eq!(clamp_offset(text, 6), 5);
    assert_eq!(position(text, 5), Position::new(1, 1));
    assert_eq!(position(text, text.len()), Position::new(2, 0));
    // A lone CR ends a line too.
    let text = "a\rb\r\r\nc";
    assert_eq!(position(text, 2), Position::new(1, 0));
    assert_eq!(clamp_offset(text, 5), 4);
    assert_eq!(position(text, 4), Position::new(2, 0));
    assert_eq!(position(text, text.len()), Position::new(3, 1));
}
