//! Runs the grammar's own test files without the tree-sitter CLI, so that `cargo test`
//! on a machine with only the Rust toolchain covers them: the corpus in
//! `test/corpus/*.txt` and the query captures expected in `test/queries/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tree_sitter::{Parser, Query, QueryCursor, StreamingIterator, Tree};

fn grammar_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&crate::LANGUAGE.into())
        .expect("the grammar loads");
    parser.parse(text, None).expect("parsing returns a tree")
}

/// One entry of a corpus file: a name, an input and the expected tree.
struct CorpusEntry {
    name: String,
    input: String,
    expected: String,
}

fn is_rule(line: &str, ch: char) -> bool {
    line.len() >= 3 && line.chars().all(|c| c == ch)
}

/// Reads tree-sitter's corpus format: `===` rules around a name, the input, a `---`
/// rule, and the expected S-expression.
fn read_corpus(text: &str) -> Vec<CorpusEntry> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut entries = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_rule(lines[i], '=') {
            i += 1;
            continue;
        }
        let name = lines[i + 1].trim().to_owned();
        i += 3;
        let input_start = i;
        while !is_rule(lines[i], '-') {
            i += 1;
        }
        // The input ends with the line before the `---` rule; its last line end is
        // the separator's, as the CLI reads it.
        let input = lines[input_start..i].join("\n");
        i += 1;
        let expected_start = i;
        while i < lines.len() && !is_rule(lines[i], '=') {
            i += 1;
        }
        let expected = lines[expected_start..i].join("\n");
        entries.push(CorpusEntry {
            name,
            input,
            expected,
        });
    }
    entries
}

/// Collapses whitespace so that the expected trees' layout does not matter.
fn normalize_sexp(sexp: &str) -> String {
    let spaced = sexp.replace('(', " (").replace(')', ") ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words.join(" ").replace("( ", "(").replace(" )", ")")
}

#[test]
fn corpus_files_match_their_expected_trees() {
    let corpus_dir = grammar_dir().join("test/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus_dir)
        .expect("the corpus folder exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    let mut failures = String::new();
    let mut count = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a readable corpus file");
        for entry in read_corpus(&text) {
            count += 1;
            let tree = parse(&entry.input);
            let actual = normalize_sexp(&tree.root_node().to_sexp());
            let expected = normalize_sexp(&entry.expected);
            if actual != expected {
                let _ = writeln!(
                    failures,
                    "{}: {}\n  expected: {expected}\n  actual:   {actual}",
                    file.file_name().unwrap_or_default().to_string_lossy(),
                    entry.name
                );
            }
        }
    }
    assert!(count >= 40, "only {count} corpus entries found");
    assert!(failures.is_empty(), "corpus mismatches:\n{failures}");
}

/// The captures of a query in the CLI's `tree-sitter query` layout:
/// `row:col-row:col name` and the text of single-line captures in backticks.
fn captures(query_source: &str, text: &str) -> String {
    let language = crate::LANGUAGE.into();
    let query = Query::new(&language, query_source).expect("the query compiles");
    let tree = parse(text);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
    let mut out = String::new();
    while let Some(found) = matches.next() {
        for capture in found.captures() {
            let node = capture.node;
            let (start, end) = (node.start_position(), node.end_position());
            let name = query.capture_names()[capture.index as usize];
            let _ = write!(
                out,
                "{}:{}-{}:{} {name}",
                start.row, start.column, end.row, end.column
            );
            if start.row == end.row {
                let _ = write!(out, " `{}`", &text[node.byte_range()]);
            }
            out.push('\n');
        }
    }
    out
}

fn check_queries(sample: &Path) {
    let text = std::fs::read_to_string(sample).expect("a readable sample");
    let name = sample.file_stem().unwrap_or_default().to_string_lossy();
    for (kind, source) in [
        ("highlights", crate::HIGHLIGHTS_QUERY),
        ("folds", crate::FOLDS_QUERY),
    ] {
        let expected_path = grammar_dir().join(format!("test/queries/{name}.{kind}"));
        let expected = std::fs::read_to_string(&expected_path).expect("an expected file");
        let actual = captures(source, &text);
        assert_eq!(
            actual.trim_end(),
            expected.trim_end(),
            "{kind} captures of {name} differ from {}",
            expected_path.display()
        );
    }
}

#[test]
fn highlight_and_fold_captures_match_the_expected_lists() {
    let samples: Vec<PathBuf> = std::fs::read_dir(grammar_dir().join("test/highlight"))
        .expect("the highlight samples exist")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "article"))
        .collect();
    assert!(!samples.is_empty());
    for sample in samples {
        check_queries(&sample);
    }
}
