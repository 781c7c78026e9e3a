//! The reference of diagnostic codes: what each means, what fixes it, and the example
//! in `examples/broken/` that raises it. `accord check --explain CODE` prints one entry;
//! `docs/diagnostics.md` is all of them, generated from here and checked by a test, so
//! the documentation cannot drift from the code.

use crate::diagnostic::DiagnosticCode;

/// What the reference says of one code, beyond its one-line description.
pub struct Explanation {
    /// When the code is raised and why it matters, in a few sentences.
    pub meaning: &'static str,
    /// How to fix it, and the fix accord offers (`accord fix`, editor quick fixes).
    pub fix: &'static str,
    /// The example that raises it: a file of `examples/broken/`, or its workspace.
    pub example: &'static str,
}

/// Where a code arises: it decides which examples and which sections of the reference
/// hold it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    File,
    Article,
    Tag,
    Schema,
    KnowledgeBase,
    Config,
}

impl Origin {
    pub fn heading(self) -> &'static str {
        match self {
            Origin::File => "Files",
            Origin::Article => "Article structure",
            Origin::Tag => "Tag syntax",
            Origin::Schema => "Schema",
            Origin::KnowledgeBase => "Knowledge base and dates",
            Origin::Config => "Configuration and knowledge-base files",
        }
    }
}

const WORKSPACE_EXAMPLE: &str = "examples/broken/workspace";

pub fn origin(code: DiagnosticCode) -> Origin {
    use DiagnosticCode::*;
    match code {
        InvalidUtf8 | IoError | FileTooLarge | TooManyFiles => Origin::File,
        MissingTitle | MissingDate | InvalidDate | DuplicateDate | MisplacedDate
        | NoncanonicalDate => Origin::Article,
        MalformedTag | EmptySpan | DuplicateAttribute => Origin::Tag,
        UnknownType
        | UnknownAttribute
        | MissingAttribute
        | InvalidAttributeValue
        | ForbiddenNesting => Origin::Schema,
        UnknownRef | TypeMismatch | InvalidTimex | DateValueMismatch | UnresolvedDate => {
            Origin::KnowledgeBase
        }
        ConfigSyntax | ConfigInvalid | DuplicateKey | PathOutsideWorkspace => Origin::Config,
    }
}

/// The explanation of `code`. The match is exhaustive, so a new code does not compile
/// until it is explained.
pub fn explanation(code: DiagnosticCode) -> Explanation {
    use DiagnosticCode::*;
    match code {
        InvalidUtf8 => Explanation {
            meaning: "The file is not UTF-8 text: the report points at the first byte that is not. \
                      Files saved as Latin-1 or Windows-1252 are the usual cause; a binary file (a NUL \
                      byte near the start) and UTF-16 text are reported with this code too. The file \
                      is not analysed.",
            fix: "Convert the file to UTF-8, for example `iconv -f latin1 -t utf-8`. No automatic fix: \
                  which encoding the file was saved in cannot be known for sure.",
            example: "examples/broken/invalid-utf8.article",
        },
        IoError => Explanation {
            meaning: "A file or folder could not be read: it vanished, it is a symbolic link to nothing, \
                      permissions forbid it, or a folder links back to one of its parents. In a \
                      configuration, a knowledge-base path names a file that is not there. The \
                      message carries the system's reason.",
            fix: "Restore or remove the file, or the path that names it. `accord check` exits 2, since \
                  the check did not read everything it was asked to.",
            example: WORKSPACE_EXAMPLE,
        },
        FileTooLarge => Explanation {
            meaning: "The file is larger than `max-file-size` in `[limits]` (64 MiB by default), so it \
                      was not read. The limit keeps a stray dump or archive from stalling a check or \
                      the editor.",
            fix: "Split the file into smaller article files, or raise `max-file-size` in `accord.toml`.",
            example: WORKSPACE_EXAMPLE,
        },
        TooManyFiles => Explanation {
            meaning: "A folder holds more files to read than `max-files` in `[limits]` (200,000 by \
                      default). Files are taken in name order up to the limit; the rest are not read, \
                      and the check exits 2.",
            fix: "Exclude folders that are not articles (`[files] exclude`), check sub-folders one at a \
                  time, or raise `max-files`.",
            example: WORKSPACE_EXAMPLE,
        },
        MissingTitle => Explanation {
            meaning: "An article has no title: its first line is empty, is only a date marker, or the \
                      article between two separators is empty. The title is what outlines, hovers and \
                      exports name the article by.",
            fix: "Write the headline on the article's first line, or remove the stray separator.",
            example: "examples/broken/missing-title.article",
        },
        MissingDate => Explanation {
            meaning: "An article has no `dateYYYY-MM-DD` marker at its end, so relative dates (\"on \
                      Tuesday\", \"next month\") cannot be resolved to days, and date tags cannot be \
                      checked against them.",
            fix: "Add the publication date as `date2026-03-05` at the end of the article's last line.",
            example: "examples/broken/missing-date.article",
        },
        InvalidDate => Explanation {
            meaning: "The article's date marker names a day that does not exist, such as month 13 or \
                      February 30. The marker is not used, so relative dates are not resolved.",
            fix: "Correct the day in the marker.",
            example: "examples/broken/invalid-date.article",
        },
        DuplicateDate => Explanation {
            meaning: "An article has more than one date marker. Often a separator line between two \
                      articles is missing, so that two articles read as one.",
            fix: "Add the missing `-` separator line, or remove the extra marker.",
            example: "examples/broken/duplicate-date.article",
        },
        MisplacedDate => Explanation {
            meaning: "A date marker is followed by more body text. The marker must end its article: \
                      text after it is read as part of the same article but looks like the start of \
                      another.",
            fix: "Move the marker to the end of the article, or add a `-` separator line after it.",
            example: "examples/broken/misplaced-date.article",
        },
        NoncanonicalDate => Explanation {
            meaning: "With `strict-marker = true` in `[dates]`, a date marker is not spelled exactly \
                      `dateYYYY-MM-DD` (for example `date: 2026-02-03` or `date2026-2-3`). It is \
                      still read; the code keeps a corpus uniform for the tools that read it. A hint \
                      by default, so a plain `accord check` does not show it; use \
                      `--min-severity hint`, or raise it in `[diagnostics]`.",
            fix: "Offered: rewrite the marker as `dateYYYY-MM-DD` (`accord fix`, or the editor's \
                  quick fix).",
            example: "examples/broken/noncanonical-date.article",
        },
        MalformedTag => Explanation {
            meaning: "A tag is not of the form `[span]{type key=value ...}`: a bracket is not closed, \
                      the type is missing, or an attribute is not `name=value`. The text of the bad tag \
                      is kept as plain text, and the rest of the line is read again, so a date marker \
                      after it still counts.",
            fix: "Close the tag or escape a literal bracket as `\\[`.",
            example: "examples/broken/malformed-tag.article",
        },
        EmptySpan => Explanation {
            meaning: "A tag annotates no text (`[]{org}`), so there is nothing to highlight or count.",
            fix: "Put the annotated words inside the brackets, or remove the tag.",
            example: "examples/broken/empty-span.article",
        },
        DuplicateAttribute => Explanation {
            meaning: "A tag names the same attribute twice; only the first value counts.",
            fix: "Offered: remove the repeated attribute.",
            example: "examples/broken/duplicate-attribute.article",
        },
        UnknownType => Explanation {
            meaning: "A tag's type is not one of the schema: the eight default types (org, person, \
                      place, agreement, event, date, money, percent) and those `accord.toml` adds in \
                      `[types]`. Usually a typo.",
            fix: "Offered when a known type is close: change the type to it. Otherwise declare the \
                  type in `[types]`.",
            example: "examples/broken/unknown-type.article",
        },
        UnknownAttribute => Explanation {
            meaning: "A tag has an attribute its type does not declare. `ref` belongs to entity types \
                      and `value` to dates, money and percentages; others come from `[types]`.",
            fix: "Offered when a declared attribute is close: rename it. Otherwise declare the \
                  attribute in `[types.<type>.attributes]`.",
            example: "examples/broken/unknown-attribute.article",
        },
        MissingAttribute => Explanation {
            meaning: "A tag lacks an attribute that its type declares `required = true` in \
                      `accord.toml`.",
            fix: "Add the attribute to the tag.",
            example: "examples/broken/missing-attribute.article",
        },
        InvalidAttributeValue => Explanation {
            meaning: "An attribute's value does not fit its kind: not one of an enum's values, not a \
                      number, not `true` or `false`, or a money value not written `CUR AMOUNT`.",
            fix: "Offered when an enum value is close: change the value to it.",
            example: "examples/broken/invalid-attribute-value.article",
        },
        ForbiddenNesting => Explanation {
            meaning: "A tag is nested inside a tag whose type lists the types allowed inside it \
                      (`children` in `[types]`), and its own type is not among them.",
            fix: "Move the inner tag out, change its type, or add the type to `children`.",
            example: "examples/broken/forbidden-nesting.article",
        },
        UnknownRef => Explanation {
            meaning: "A tag's `ref` names no knowledge-base entry. In an open knowledge base this is a \
                      hint: the key is then defined by the tags that use it, and navigation works \
                      across files all the same. With `closed = true` it is an error.",
            fix: "Offered when a known key is close: change the key to it, never as the preferred fix, \
                  since a key an edit or two away may name another entity. Otherwise add an entry \
                  to a knowledge-base file.",
            example: "examples/broken/unknown-ref.article",
        },
        TypeMismatch => Explanation {
            meaning: "A tag's type differs from the type of the entity its `ref` names in the \
                      knowledge base, for example a place tagged as an organisation. Other \
                      entity-ref attributes name other entities and are not compared.",
            fix: "Offered, never as the preferred fix: change the tag's type to the entry's type. If \
                  the tag is right, the knowledge-base entry is not.",
            example: "examples/broken/type-mismatch.article",
        },
        InvalidTimex => Explanation {
            meaning: "A date tag's `value` is not a TIMEX3 value of the accepted forms: a day, week, \
                      month, quarter, season, year, decade or century, `PRESENT_REF`, `PAST_REF` or \
                      `FUTURE_REF`, naming a day that exists.",
            fix: "Write the value as TIMEX3, such as `2026-03-05`, `2026-W10`, `2026-Q1` or `2026`.",
            example: "examples/broken/invalid-timex.article",
        },
        DateValueMismatch => Explanation {
            meaning: "A date tag's `value` differs from what the words resolve to against the \
                      article's date: \"Monday\" in an article dated Thursday 5 March 2026 is \
                      `2026-03-02`. Often the value was copied from another article.",
            fix: "Offered: use the resolved value. If the tag is right, the article date may be wrong.",
            example: "examples/broken/date-value-mismatch.article",
        },
        UnresolvedDate => Explanation {
            meaning: "A relative date cannot be resolved because its article has no usable date \
                      marker. It comes with `missing-date` or `invalid-date` on the same article.",
            fix: "Add or correct the article's date marker.",
            example: "examples/broken/unresolved-date.article",
        },
        ConfigSyntax => Explanation {
            meaning: "`accord.toml` or a knowledge-base file is not valid TOML. The command line then \
                      uses the defaults; the language server keeps the last good configuration in \
                      force.",
            fix: "Fix the TOML at the reported position.",
            example: WORKSPACE_EXAMPLE,
        },
        ConfigInvalid => Explanation {
            meaning: "A setting of `accord.toml` or a field of a knowledge-base entry has the wrong \
                      kind or value, or its key is unknown. The setting is ignored and its default \
                      applies; the rest of the file still counts.",
            fix: "Offered for knowledge-base keys that are not lowercase words joined by hyphens: \
                  the normalised key. Otherwise correct the setting as the message says \
                  (docs/configuration.md lists them).",
            example: WORKSPACE_EXAMPLE,
        },
        DuplicateKey => Explanation {
            meaning: "Two knowledge-base entries share a key. The first one counts and the other is \
                      ignored; a built-in entry is replaced by a workspace entry on purpose and is \
                      not reported.",
            fix: "Give one of the entries another key, or merge them.",
            example: WORKSPACE_EXAMPLE,
        },
        PathOutsideWorkspace => Explanation {
            meaning: "A path in `accord.toml`, or a symbolic link met in a folder walk, points outside \
                      the workspace (the folder of `accord.toml`, or the editor's workspace folders). \
                      It is refused, so that opening a folder never reads files elsewhere.",
            fix: "Move the file into the workspace, or name it by a path inside it.",
            example: WORKSPACE_EXAMPLE,
        },
    }
}

/// The expected reports of the broken examples, which a test keeps equal to what
/// `accord check` prints; the reference quotes them.
fn expected_report(example: &str) -> &'static str {
    let example = example.strip_suffix(".article").unwrap_or(example);
    macro_rules! reports {
        ($($name:literal),* $(,)?) => {
            match example {
                $(concat!("examples/broken/", $name) => include_str!(concat!(
                    "../examples/broken/",
                    $name,
                    ".expected"
                )),)*
                _ => "",
            }
        };
    }
    reports!(
        "workspace",
        "invalid-utf8",
        "missing-title",
        "missing-date",
        "invalid-date",
        "duplicate-date",
        "misplaced-date",
        "noncanonical-date",
        "malformed-tag",
        "empty-span",
        "duplicate-attribute",
        "unknown-type",
        "unknown-attribute",
        "missing-attribute",
        "invalid-attribute-value",
        "forbidden-nesting",
        "unknown-ref",
        "type-mismatch",
        "invalid-timex",
        "date-value-mismatch",
        "unresolved-date",
    )
}

/// The block of the example's report for `code`: from its `severity[code]` line to the
/// blank line after it.
pub fn example_output(code: DiagnosticCode) -> Option<&'static str> {
    let report = expected_report(explanation(code).example);
    let marker = format!("[{}]: ", code.as_str());
    let start = report
        .match_indices(&marker)
        .map(|(at, _)| report[..at].rfind('\n').map_or(0, |line| line + 1))
        .next()?;
    let end = report[start..]
        .find("\n\n")
        .map_or(report.len(), |end| start + end + 1);
    Some(&report[start..end])
}

/// Said of the fixes that keep meaning, which editors may apply at a keystroke.
fn preferred_note(code: DiagnosticCode) -> &'static str {
    if code.fix_keeps_meaning() {
        " It keeps what the text means, so editors offer it as the preferred fix."
    } else {
        ""
    }
}

/// One entry as `accord check --explain CODE` prints it.
pub fn explain(code: DiagnosticCode) -> String {
    let explanation = explanation(code);
    let mut out = format!(
        "{} ({} by default)\n\n{}\n\n{}\n\nFix: {}{}\n",
        code.as_str(),
        code.default_severity().as_str(),
        code.description(),
        explanation.meaning,
        explanation.fix,
        preferred_note(code),
    );
    if let Some(output) = example_output(code) {
        out.push_str(&format!(
            "\nExample: accord check {} --min-severity hint\n\n{output}",
            explanation.example
        ));
    }
    out.push_str(&format!(
        "\nChange its severity in accord.toml (error, warning, info, hint, or off):\n\n    \
         [diagnostics]\n    {} = \"{}\"\n",
        code.as_str(),
        if code.default_severity() == crate::diagnostic::Severity::Warning {
            "error"
        } else {
            "warning"
        }
    ));
    out
}

/// `docs/diagnostics.md`: every code, by where it arises.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         <!-- Generated from src/reference.rs by `UPDATE_EXPECT=1 cargo test --lib \
         diagnostics_reference`; edit the source, not this file. -->\n\n\
         Every problem accord reports has one of these codes. `accord check --explain CODE` \
         prints an entry in the terminal. The severity is the default; `[diagnostics]` in \
         `accord.toml` changes it or turns a code off (`unknown-ref = \"off\"`), see \
         [configuration.md](configuration.md). Each example is a file of `examples/broken/`, and \
         the output shown is what `accord check` prints for it, kept true by a test.\n\n\
         | code | severity | what it means |\n|---|---|---|\n",
    );
    for code in DiagnosticCode::ALL {
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {1} | {2} |\n",
            code.as_str(),
            code.default_severity().as_str(),
            code.description().replace('|', "\\|"),
        ));
    }
    let mut heading = None;
    for &code in DiagnosticCode::ALL {
        let origin = origin(code);
        if heading != Some(origin) {
            out.push_str(&format!("\n## {}\n", origin.heading()));
            heading = Some(origin);
        }
        let explanation = explanation(code);
        out.push_str(&format!(
            "\n### {}\n\n**{}** by default. {}\n\n{}\n\n**Fix.** {}{}\n",
            code.as_str(),
            code.default_severity().as_str(),
            code.description(),
            explanation.meaning,
            explanation.fix,
            preferred_note(code),
        ));
        if let Some(output) = example_output(code) {
            out.push_str(&format!(
                "\n`accord check {} --min-severity hint`:\n\n```text\n{output}```\n",
                explanation.example
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/diagnostics.md` is what the code says; `UPDATE_EXPECT=1` regenerates it.
    #[test]
    fn diagnostics_reference_is_generated_from_the_code() {
        expect_test::expect_file!["../docs/diagnostics.md"].assert_eq(&reference_markdown());
    }

    /// Every code is shown at work in its example's expected report, and every origin
    /// keeps its codes together so that each heading appears once.
    #[test]
    fn every_code_has_its_example_output_and_one_heading() {
        let mut seen = Vec::new();
        for &code in DiagnosticCode::ALL {
            assert!(
                example_output(code).is_some(),
                "{} has no output in {}",
                code.as_str(),
                explanation(code).example
            );
            let origin = origin(code).heading();
            if seen.last() != Some(&origin) {
                assert!(!seen.contains(&origin), "{origin} is split");
                seen.push(origin);
            }
        }
    }
}
