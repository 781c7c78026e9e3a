//! What the fuzz targets under `fuzz/` check, as plain functions of the input bytes.
//!
//! The fuzz targets call these functions, and `tests/fuzz_regressions.rs` replays every
//! kept crash input through them under `cargo test`, so a fixed bug stays fixed without
//! the fuzzing toolchain. Each function panics when it finds a problem: a panic inside
//! the core, a broken invariant, a difference between incremental and fresh analysis,
//! or a language-server request that gets no answer.
//!
//! Inputs are split at NUL bytes into a control chunk, decoded with `arbitrary`, and
//! text chunks used as written: seeds stay readable and mutations of the text keep the
//! control decisions, and the other way round.

mod analyze_file;
mod incremental_edits;
mod invariants;
mod lsp_messages;

use std::sync::{Arc, OnceLock};

use accord::analysis::Analyzer;

pub use analyze_file::analyze_file;
pub use incremental_edits::incremental_edits;
pub use lsp_messages::lsp_messages;

/// The analyzer with the defaults and the built-in knowledge base, built once per
/// process: building it costs far more than analysing a small input.
fn default_analyzer() -> Arc<Analyzer> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    ANALYZER
        .get_or_init(|| Arc::new(Analyzer::with_defaults()))
        .clone()
}

/// Splits an input into its control chunk and its text chunks. Text chunks that are
/// not UTF-8 are decoded lossily: the incremental and protocol paths only ever see
/// text, and invalid bytes are the business of `analyze_file`.
fn split_chunks(data: &[u8]) -> (&[u8], Vec<String>) {
    let mut parts = data.split(|&b| b == 0);
    let control = parts.next().unwrap_or_default();
    let texts = parts
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect();
    (control, texts)
}

/// Short pieces of article syntax that random bytes rarely spell, for edits that run
/// out of written text.
const SNIPPETS: &[&str] = &[
    "",
    "\n",
    "\r\n",
    "\n-\n",
    "[",
    "]",
    "]{",
    "}",
    "{",
    "\\[",
    "\\",
    "[Seoul]{place ref=seoul}",
    "]{org ref=wto}",
    "{person}",
    " key=value",
    " value=\"USD 5\"",
    "date2026-03-05",
    "date2026-02-30",
    "date",
    "Minister Lee Sun-ok",
    "the World Trade Organization (WTO)",
    "next Tuesday",
    "KRW 4.5 trillion",
    "12 percent",
    "é",
    "\u{feff}",
    "🙂",
    "–",
    "\t",
];
