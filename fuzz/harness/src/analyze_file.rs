//! The `analyze_file` target: arbitrary bytes through what `accord check` does with one
//! file, and the full analysis editors and `accord entities` use.

use accord::cli::render::{self, FileReport, Format};
use accord::cli::strip::strip_text;
use accord::diagnostic::DiagnosticCode;
use accord::files::decode_utf8;
use accord::workspace::file_mentions;

use crate::default_analyzer;
use crate::invariants::{assert_analysis_of, assert_diagnostics_in, assert_range_in};

/// Reads `data` as an article file, checks and analyses it, renders the report in every
/// format, and strips its tags; panics on a broken invariant.
pub fn analyze_file(data: &[u8]) {
    let analyzer = default_analyzer();
    let (text, diagnostics) = match decode_utf8(data.to_vec()) {
        Ok(text) => {
            let diagnostics = analyzer.check_file(&text);
            assert_diagnostics_in(&text, &diagnostics);
            let analysis = analyzer.analyze(&text);
            let mentions = file_mentions(&analysis);
            assert_analysis_of(&text, &analysis, &mentions);
            assert_eq!(
                analysis.diagnostics, diagnostics,
                "the full analysis reports what `accord check` reports"
            );
            let plain = strip_text(&text);
            assert!(
                plain.len() <= text.len(),
                "stripping made {} bytes out of {}",
                plain.len(),
                text.len()
            );
            (Some(text), diagnostics)
        }
        Err(problem) => {
            // A NUL byte marks a binary file, although it is valid UTF-8.
            assert!(
                std::str::from_utf8(data).is_err() || data.contains(&0),
                "valid UTF-8 without NUL bytes was refused"
            );
            assert_eq!(problem.diagnostic.code, DiagnosticCode::InvalidUtf8);
            if let Some(prefix) = &problem.text {
                assert_range_in(prefix, problem.diagnostic.range, "invalid-utf8 diagnostic");
            }
            (problem.text, vec![problem.diagnostic])
        }
    };
    let reports = [FileReport::new(
        "fuzz.article".to_owned(),
        text,
        diagnostics,
    )];
    for format in [Format::Human, Format::Json, Format::Github, Format::Sarif] {
        let output = render::render(format, &reports, true);
        if matches!(format, Format::Json | Format::Sarif)
            && let Err(error) = serde_json::from_str::<serde_json::Value>(&output)
        {
            panic!("{format:?} output is not JSON: {error}");
        }
    }
}
