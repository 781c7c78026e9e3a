//! Syntax: parsing article files with the tree-sitter grammar `article`, typed views
//! over the tree, and the owned model (`FileSyntax`) the rest of the core works with.
//!
//! Parsing never fails: malformed input yields ERROR or MISSING nodes inside the bad
//! line, which lowering turns into diagnostics.

mod lower;
mod reparse;
mod strip;
mod views;

pub use lower::{
    ArticleSyntax, AttributeSyntax, DateMarker, FileSyntax, TagSyntax, lower, parse_date_marker,
};
pub use reparse::{Reparsed, Window, move_diagnostic, reparse, splice_diagnostics};
pub use strip::{PlainText, strip_file, strip_range};
pub use views::{Article, ArticleDate, Attribute, Body, SourceFile, Tag, Title};

use tree_sitter::{Parser, Tree};

/// The tree-sitter language of article files.
pub fn language() -> tree_sitter::Language {
    tree_sitter_article::LANGUAGE.into()
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
