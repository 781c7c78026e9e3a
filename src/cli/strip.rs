//! `accord strip`: the plain text under the tags.

use std::path::Path;

use crate::files::{FileStamp, read_article_file, write_atomically};
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
        // The output is written whole or not at all, and not over a file that changes
        // meanwhile.
        Some(output) => write_atomically(output, plain.as_bytes(), FileStamp::of(output).as_ref()),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(plain.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the plain text: {error}"))
                }
                _ => Ok(()),
            }
        }
    };
    match written {
        Ok(()) => EXIT_CLEAN,
        Err(error) => {
            eprintln!("error: {error}");
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
