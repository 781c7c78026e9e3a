//! Invariants every analysis must keep, whatever the text.

use accord::analysis::FileAnalysis;
use accord::diagnostic::Diagnostic;
use accord::text::TextRange;
use accord::workspace::WorkspaceMention;

/// Panics unless `range` lies inside `text`, in order, on character boundaries.
pub fn assert_range_in(text: &str, range: TextRange, what: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{what}: range {range:?} is not inside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{what}: range {range:?} splits a character"
    );
}

/// Panics unless every range of the diagnostics in this file lies inside `text`.
pub fn assert_diagnostics_in(text: &str, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        let what = format!("diagnostic {:?} {:?}", diagnostic.code, diagnostic.message);
        assert_range_in(text, diagnostic.range, &what);
        for related in diagnostic.related.iter().filter(|r| r.path.is_none()) {
            assert_range_in(text, related.range, &format!("{what}, related"));
        }
        if let Some(fix) = &diagnostic.fix {
            let mut edits: Vec<TextRange> = fix.edits.iter().map(|e| e.range).collect();
            for &range in &edits {
                assert_range_in(text, range, &format!("{what}, fix {:?}", fix.title));
            }
            edits.sort();
            for pair in edits.windows(2) {
                assert!(
                    pair[0].end <= pair[1].start,
                    "{what}: fix {:?} has overlapping edits {pair:?}",
                    fix.title
                );
            }
        }
    }
}

/// Panics unless the analysis of `text` is well formed: diagnostics, syntax and
/// mentions inside the text, recognised mentions sorted and apart inside their
/// article's plain text, and tags stripped from that plain text.
pub fn assert_analysis_of(text: &str, analysis: &FileAnalysis, mentions: &[WorkspaceMention]) {
    assert_diagnostics_in(text, &analysis.diagnostics);
    assert_diagnostics_in(text, &analysis.syntax.diagnostics);
    for tag in &analysis.syntax.tags {
        assert_range_in(text, tag.range, "tag");
    }
    for &escape in &analysis.syntax.escapes {
        assert_range_in(text, escape, "escape");
    }
    assert_eq!(
        analysis.articles.len(),
        analysis.syntax.articles.len(),
        "every article of the syntax is analysed"
    );
    for (index, article) in analysis.articles.iter().enumerate() {
        let plain = &article.plain.text;
        let mut previous_end = 0;
        for mention in &article.recognized.mentions {
            let what = format!("article {index}: mention {:?}", mention.ty);
            assert_range_in(plain, mention.range, &what);
            assert!(
                previous_end <= mention.range.start,
                "{what} at {:?} overlaps the one before, which ends at {previous_end}",
                mention.range
            );
            previous_end = mention.range.end;
            let annotated = article.plain.to_annotated(mention.range);
            assert_range_in(text, annotated, &format!("{what}, mapped to the file"));
        }
        for acronym in &article.recognized.acronyms {
            let what = format!("article {index}: acronym {:?}", acronym.short);
            assert_range_in(plain, acronym.short_range, &what);
            assert_range_in(plain, acronym.long_range, &what);
        }
    }
    for mention in mentions {
        assert_range_in(
            text,
            mention.range,
            &format!("file mention {:?}", mention.ty),
        );
        assert!(
            mention.article < analysis.articles.len(),
            "file mention {:?} names article {} of {}",
            mention.ty,
            mention.article,
            analysis.articles.len()
        );
    }
}
