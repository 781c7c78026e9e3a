//! `accord strip`: the plain text under the tags.

use std::path::Path;

use crate::files::read_article_file;
use crate::syntax;

use super::check::{EXIT_CLEAN, EXIT_ERROR};

pub fn run(path: &Path, output: Option<&Path>) -> i32 {
    let text = match read_article_file(path, u64::MAX) {
        Ok(text) => text,
        Err(problem) => {
            eprintln!("error: {}", problem.diagnostic.message);
            return EXIT_ERROR;
        }
    };
    let plain = strip_text(&text);
    let written = match output {
        Some(output) => std::fs::write(output, plain.as_bytes()),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(plain.as_bytes())
                .and_then(|()| stdout.flush())
        }
    };
    match written {
        Ok(()) => EXIT_CLEAN,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(error) => {
            eprintln!("error: cannot write the plain text: {error}");
            EXIT_ERROR
        }
    }
}

/// The plain text of an annotated file.
pub fn strip_text(text: &str) -> String {
    let tree = syntax::parse(text);
    let file_syntax = syntax::lower(text, &tree);
    syntax::strip_file(text, &file_syntax).text
}
