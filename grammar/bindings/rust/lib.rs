//! Tree-sitter grammar for annotated policy articles.
//!
//! An article file holds articles separated by `-` lines; each article has a
//! title line and body paragraphs, may end with an article date
//! (`date2025-12-10`), and carries inline tags `[span]{type key=value}`.
//! Use [`LANGUAGE`] with a [`tree_sitter::Parser`]:
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser
//!     .set_language(&tree_sitter_article::LANGUAGE.into())
//!     .expect("the grammar matches the tree-sitter version");
//! let tree = parser
//!     .parse("Title\nThe [Ministry]{org ref=motir} met. date2025-12-10\n", None)
//!     .expect("parsing without a timeout always returns a tree");
//! assert!(!tree.root_node().has_error());
//! ```
//!
//! [`tree_sitter::Parser`]: https://docs.rs/tree-sitter/0.27/tree_sitter/struct.Parser.html

use tree_sitter_language::LanguageFn;

unsafe extern "C" {
    fn tree_sitter_article() -> *const ();
}

/// The tree-sitter [`LanguageFn`] for article files.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_article) };

/// The content of `src/node-types.json`: every node kind, its fields and children.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");

/// The syntax highlighting query (`queries/highlights.scm`).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The folding query (`queries/folds.scm`): one fold per article.
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

#[cfg(test)]
mod corpus;
#[cfg(test)]
mod tests;
