//! Tests of the compiled grammar: node ranges, error containment, real
//! input files, adversarial lines and incremental reparsing.

use std::path::{Path, PathBuf};

use tree_sitter::{InputEdit, Node, Parser, Point, Query, Tree};

fn parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&super::LANGUAGE.into())
        .expect("the generated parser matches the tree-sitter ABI");
    parser
}

fn parse(text: &str) -> Tree {
    parser()
        .parse(text, None)
        .expect("parsing without a timeout or cancellation returns a tree")
}

/// Every node in document order, depth first.
fn nodes(tree: &Tree) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// `kind start..end` for every named node, plus markers for errors, so two
/// trees can be compared exactly.
fn dump(tree: &Tree) -> String {
    nodes(tree)
        .into_iter()
        .filter(|node| node.is_named() || node.is_missing())
        .map(|node| {
            let marker = if node.is_missing() { "MISSING " } else { "" };
            format!(
                "{}{}{} {}..{}",
                "  ".repeat(depth(node)),
                marker,
                node.kind(),
                node.start_byte(),
                node.end_byte()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn depth(node: Node<'_>) -> usize {
    let mut depth = 0;
    let mut current = node;
    while let Some(parent) = current.parent() {
        depth += 1;
        current = parent;
    }
    depth
}

fn problems(tree: &Tree) -> Vec<Node<'_>> {
    nodes(tree)
        .into_iter()
        .filter(|node| node.is_error() || node.is_missing())
        .collect()
}

fn texts_of<'a>(tree: &'a Tree, source: &'a str, kind: &str) -> Vec<&'a str> {
    nodes(tree)
        .into_iter()
        .filter(|node| node.kind() == kind)
        .map(|node| &source[node.byte_range()])
        .collect()
}

fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

#[test]
fn language_loads_and_queries_compile() {
    let language = super::LANGUAGE.into();
    let highlights =
        Query::new(&language, super::HIGHLIGHTS_QUERY).expect("highlights.scm compiles");
    let folds = Query::new(&language, super::FOLDS_QUERY).expect("folds.scm compiles");
    assert!(highlights.capture_names().contains(&"markup.heading"));
    assert_eq!(folds.capture_names(), ["fold"]);
    assert!(super::NODE_TYPES.contains("\"article_date\""));
}

#[test]
fn title_and_paragraph_cover_the_line_without_outer_blanks_or_terminator() {
    let source = "  -  \r\n  A Title [x]{org}  \r\n\r\n\tBody text.  date2025-12-10 \r\n";
    let tree = parse(source);
    assert!(problems(&tree).is_empty(), "{}", dump(&tree));
    assert_eq!(texts_of(&tree, source, "separator"), ["-"]);
    assert_eq!(texts_of(&tree, source, "title"), ["A Title [x]{org}"]);
    assert_eq!(
        texts_of(&tree, source, "paragraph"),
        ["Body text.  date2025-12-10"]
    );
    assert_eq!(
        texts_of(&tree, source, "body"),
        ["Body text.  date2025-12-10"]
    );
    assert_eq!(texts_of(&tree, source, "date_keyword"), ["date"]);
    assert_eq!(texts_of(&tree, source, "date_value"), ["2025-12-10"]);
    for node in nodes(&tree) {
        // Line breaks are anonymous `"\n"` nodes between titles and paragraphs.
        if !matches!(node.kind(), "source_file" | "article" | "body" | "\n") {
            let covered = &source[node.byte_range()];
            assert!(
                !covered.contains(['\r', '\n']),
                "{} covers a line end",
                node.kind()
            );
        }
    }
}

#[test]
fn byte_order_mark_stays_outside_every_node_but_the_root() {
    let source = "\u{feff}Title\nBody.\n";
    let tree = parse(source);
    assert!(problems(&tree).is_empty(), "{}", dump(&tree));
    assert_eq!(texts_of(&tree, source, "title"), ["Title"]);
}

#[test]
fn text_nodes_keep_inner_blanks_between_tags() {
    let source = "Title\n[A]{org} and [B]{org}  \n";
    let tree = parse(source);
    assert_eq!(
        texts_of(&tree, source, "text"),
        ["Title", "A", " and ", "B"]
    );
}

#[test]
fn empty_span_is_a_zero_width_node_before_the_bracket() {
    let source = "Title\nx []{org} y\n";
    let tree = parse(source);
    assert!(problems(&tree).is_empty(), "{}", dump(&tree));
    let span = nodes(&tree)
        .into_iter()
        .find(|node| node.kind() == "span")
        .expect("the tag has a span");
    assert_eq!(span.byte_range(), 9..9);
}

/// Each case is one malformed line between good lines and before another
/// article; errors must stay on that line.
#[test]
fn malformed_tags_keep_errors_on_their_line() {
    let cases = [
        "A [text]{",
        "A [text]{org",
        "A [text]{org ref=}",
        "A [text]{org ref=} then [ok]{place} after",
        "A [x]{org note=\"abc}",
        "A [x]{org note=\"abc} and [y]{place}",
        "A [x]{org ref=a ref}",
        "A [x]{=}",
        "A [x]{org \"loose\"}",
        "A [x]{{org}",
    ];
    for bad in cases {
        let source = format!(
            "Title\nBefore [a]{{org}}.\n{bad}\nAfter [b]{{place}}.\n-\nNext\nBody [c]{{event}}.\n"
        );
        let tree = parse(&source);
        let line_start = source.find(bad).expect("the case is in the source");
        let line = line_start..line_start + bad.len();
        let found = problems(&tree);
        assert!(
            !found.is_empty(),
            "{bad:?} should be reported:\n{}",
            dump(&tree)
        );
        for node in found {
            assert!(
                line.start <= node.start_byte() && node.end_byte() <= line.end,
                "{bad:?}: problem outside its line at {:?}\n{}",
                node.byte_range(),
                dump(&tree)
            );
        }
        assert_eq!(
            texts_of(&tree, &source, "title"),
            ["Title", "Next"],
            "{bad:?}"
        );
        assert_eq!(
            texts_of(&tree, &source, "tag_type").last(),
            Some(&"event"),
            "{bad:?}"
        );
        let paragraphs = texts_of(&tree, &source, "paragraph");
        assert!(
            paragraphs.contains(&"After [b]{place}."),
            "{bad:?}: {paragraphs:?}"
        );
    }
}

/// A line end inside `{...}` ends the tag there, even when the next line
/// looks like the rest of it.
#[test]
fn tag_broken_across_lines_keeps_its_error_on_the_first_line() {
    let cases = [
        ("A [K]{p r=k", "} x."),
        ("A [K]{p", "org} x."),
        ("A [K]{", "org} x."),
        ("A [K]{p note=\"a", "b\"} x."),
        ("A [K]{p r=", "k} x."),
    ];
    for (first, second) in cases {
        let source = format!("Title\n{first}\n{second}\nLast.\n");
        let tree = parse(&source);
        let first_line = 6..6 + first.len();
        let found = problems(&tree);
        assert!(
            !found.is_empty(),
            "{first:?} should be reported:\n{}",
            dump(&tree)
        );
        for node in found {
            assert!(
                first_line.start <= node.start_byte() && node.end_byte() <= first_line.end,
                "{first:?}: problem outside its line at {:?}\n{}",
                node.byte_range(),
                dump(&tree)
            );
        }
        let paragraphs = texts_of(&tree, &source, "paragraph");
        assert!(paragraphs.contains(&second), "{first:?}: {paragraphs:?}");
        assert_eq!(paragraphs.last(), Some(&"Last."), "{first:?}");
    }
}

/// Brackets that do not form a tag are plain text, never errors.
#[test]
fn stray_brackets_are_text() {
    let cases = [
        "]{ with no opening bracket",
        "[Photo News] Tough rules",
        "[Korea",
        "]{place} closing a bracket from the line before",
        "a ] b [ c",
        "[[[ deep",
        "nested [plain [words] here] end",
        "backslash \\ alone and \\n",
        "braces { } alone",
    ];
    for line in cases {
        let source = format!("Title\n{line}\n");
        let tree = parse(&source);
        assert!(problems(&tree).is_empty(), "{line:?}\n{}", dump(&tree));
        assert!(texts_of(&tree, &source, "tag").is_empty(), "{line:?}");
        let text: String = texts_of(&tree, &source, "text")[1..].concat();
        assert_eq!(text, line, "text nodes cover the whole line");
    }
}

#[test]
fn example_inputs_parse_without_errors() {
    inputs_parse_without_errors(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
        &["examples", "examples/eval"],
    );
}

/// Needs the shared seeds and dev set beside the repository (`cargo test -- --ignored shared_data`).
#[test]
#[ignore = "reads ../shared, which CI puts beside the checkout"]
fn shared_data_inputs_parse_without_errors() {
    inputs_parse_without_errors(&shared_dir(), &["seeds", "dev"]);
}

/// Every `.txt` and `.article` file of `dirs` under `root` parses without an error node
/// and has titles.
fn inputs_parse_without_errors(root: &Path, dirs: &[&str]) {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|error| panic!("{}: {error}", root.join(dir).display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let extension = path.extension().and_then(|e| e.to_str());
            if matches!(extension, Some("txt" | "article")) {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() >= 4,
        "expected the files of {dirs:?}, found {files:?}"
    );
    for path in files {
        let source = std::fs::read_to_string(&path).expect("inputs are UTF-8");
        let tree = parse(&source);
        assert!(
            problems(&tree).is_empty(),
            "{}:\n{}",
            path.display(),
            dump(&tree)
        );
        assert!(
            !texts_of(&tree, &source, "title").is_empty(),
            "{}",
            path.display()
        );
    }
}

/// Lines built to defeat bracket lookahead parse cleanly, with nesting
/// capped so the tree stays shallow.
#[test]
fn adversarial_lines_parse_with_bounded_nesting() {
    let count = 20_000;
    let cases = [
        "[".repeat(count),
        format!("{}x{}", "[".repeat(count), "]{t}".repeat(count)),
        "[x]{org} ".repeat(count),
        "[a [b] ".repeat(count),
        "\\[".repeat(count),
    ];
    for line in cases {
        let source = format!("Title\n{line}\n-\nNext\n");
        let tree = parse(&source);
        assert!(problems(&tree).is_empty(), "{}", &line[..40]);
        assert_eq!(texts_of(&tree, &source, "title"), ["Title", "Next"]);
        let deepest_tag = nodes(&tree)
            .into_iter()
            .filter(|node| node.kind() == "tag")
            .map(depth)
            .max()
            .unwrap_or(0);
        assert!(deepest_tag < 200, "tags nest {deepest_tag} deep");
    }
}

/// Small deterministic generator so the edit sequence is reproducible.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

fn point_at(text: &str, byte: usize) -> Point {
    let before = &text[..byte];
    let row = before.matches('\n').count();
    let column = before
        .rfind('\n')
        .map_or(byte, |newline| byte - newline - 1);
    Point::new(row, column)
}

/// Reparsing an edited tree must give exactly the tree a fresh parse gives,
/// which holds only if the scanner state travels correctly with tokens.
#[test]
fn incremental_reparse_matches_fresh_parse() {
    let pieces = [
        "[",
        "]",
        "{",
        "}",
        "\n",
        " ",
        "-",
        "d",
        "date2025-01-02",
        "\\",
        "org",
        "=",
        "\"",
        "x",
        "\r\n",
        "]{org}",
        "[a]{b c=d}",
    ];
    let mut text = String::from(
        "-\nTitle [A]{org ref=a}\nBody [B [C]{place}]{event note=\"q \\\" r\"} text. date2025-12-10\n-\nSecond\n[Photo] x\n",
    );
    let mut random = Lcg(7);
    let mut parser = parser();
    let mut tree = parser.parse(&text, None).expect("tree");
    for step in 0..400 {
        let start = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .nth(random.below(text.len() + 1))
            .unwrap_or(text.len());
        let mut end = (start + random.below(4)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let inserted = if random.below(3) == 0 {
            ""
        } else {
            pieces[random.below(pieces.len())]
        };
        let edit = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: start + inserted.len(),
            start_position: point_at(&text, start),
            old_end_position: point_at(&text, end),
            new_end_position: Point::default(),
        };
        text.replace_range(start..end, inserted);
        let edit = InputEdit {
            new_end_position: point_at(&text, start + inserted.len()),
            ..edit
        };
        tree.edit(&edit);
        tree = parser.parse(&text, Some(&tree)).expect("tree");
        let fresh = parse(&text);
        assert_eq!(dump(&tree), dump(&fresh), "step {step}: {text:?}");
    }
}
