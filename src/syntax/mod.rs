//! Syntax: parsing article files with the tree-sitter grammar `article`, typed views
//! over the tree, and the owned model (`FileSyntax`) the rest of the core works with.
//!
//! Parsing never fails: malformed input yields ERROR or MISSING nodes inside the bad
//! line, which lowering turns into diagnostics.

mod direct;
mod lower;
mod reparse;
mod strip;
mod views;
mod windows;

pub use direct::lower_direct;
pub use lower::{
    ArticleSyntax, AttributeSyntax, DateMarker, FileSyntax, TagSyntax, lower, parse_date_marker,
};
pub use reparse::{Reparsed, Window, move_diagnostic, reparse, splice_diagnostics};
pub use strip::{PlainText, strip_file, strip_range};
pub use views::{Article, ArticleDate, Attribute, Body, SourceFile, Tag, Title};
pub use windows::parse_and_lower;

use tree_sitter::{Parser, Tree};

/// The tree-sitter language of article files.
pub fn language() -> tree_sitter::Language {
    tree_sitter_article::LANGUAGE.into()
}

/// `text` with every CR that no LF follows replaced by an LF; borrowed when there is
/// none. The length and every other byte stay the same.
pub fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let is_lone = |i: usize| bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(is_lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut owned = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if is_lone(i) {
            owned[i] = b'\n';
        }
    }
    // Replacing one ASCII byte with another keeps the text UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(owned).unwrap_or_else(|_| text.to_owned()))
}

/// The start of the line holding byte `at`: after the last LF or lone CR before it.
pub fn line_start_before(bytes: &[u8], at: usize) -> usize {
    let at = at.min(bytes.len());
    memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1)
}

/// Where the line end after byte `at` starts (a CR, a CRLF or an LF), or the text's
/// end.
pub fn line_end_after(bytes: &[u8], at: usize) -> usize {
    let at = at.min(bytes.len());
    memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i)
}

/// Where the line after byte `at` starts: past its line end (CRLF counts as one), or
/// `None` on the last line.
pub fn next_line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let end = line_end_after(bytes, at);
    match bytes.get(end)? {
        b'\r' if bytes.get(end + 1) == Some(&b'\n') => Some(end + 2),
        _ => Some(end + 1),
    }
}

thread_local! {
    // Parsers are reused per thread: creating one allocates its stacks.
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    // The grammar crate is built together with this one, so its ABI always matches.
    parser
        .set_language(&language())
        .expect("the article grammar matches the tree-sitter runtime");
    parser
}

/// Parses a whole file.
pub fn parse(text: &str) -> Tree {
    parse_incremental(text, None)
}

/// Re-parses `text`, reusing the unchanged parts of `old`, which must already have
/// been told about the edits with `Tree::edit`.
pub fn parse_incremental(text: &str, old: Option<&Tree>) -> Tree {
    // The grammar ends lines at LF (a CR before it is blank); LSP also ends them at a
    // lone CR. Reading a lone CR as LF, byte for byte, keeps every offset and makes a
    // file saved with old Mac line ends parse as its LF twin.
    let text = lone_cr_as_lf(text);
    let text = text.as_ref();
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        match parser.parse(text, old) {
            Some(tree) => tree,
            // Parsing only returns nothing on cancellation or without a language; a
            // fresh parser rules out both.
            None => {
                *parser = new_parser();
                parser
                    .parse(text, None)
                    .expect("a fresh parser always returns a tree")
            }
        }
    })
}
