//! Snapshots of every format on a small fixture with non-ASCII text (é, –, an emoji
//! before tags), and the located errors of brat import.

use std::fmt::Write as _;

use expect_test::{Expect, expect};

use crate::analysis::Analyzer;

use super::brat::{self, ImportMessage};
use super::{ExportOptions, conll, jsonl};

/// Two articles: nesting, attributes that need quotes, characters of two, three and
/// four bytes before tags.
const FIXTURE: &str = "-\n\
[Café Lumière]{org ref=cafe-lumiere} Opens in [Lyon]{place} 😀\n\
The [Ministry of Trade, Industry and Resources]{org ref=motir note=\"host ministry\"} said on [Monday]{date value=2026-03-02} that [[Korea]{place ref=south-korea}–[EU]{place ref=eu} FTA]{agreement ref=korea-eu-fta} exports rose [5 percent]{percent}. 😀 [Zoë Park]{person} agreed. date2026-03-03\n\
-\n\
Second Note\n\
Prices rose in [Séoul]{place ref=seoul}. date2026-03-04\n";

fn tags_only() -> ExportOptions {
    ExportOptions::default()
}

fn analyzer() -> Analyzer {
    Analyzer::with_defaults()
}

#[test]
fn brat_export_counts_characters() {
    let analysis = analyzer().analyze(FIXTURE);
    let document = brat::export(FIXTURE, &analysis, tags_only());
    expect![[r#"
        T1	org 2 14	Café Lumière
        N1	Reference T1 accord:cafe-lumiere	Café Lumière
        T2	place 24 28	Lyon
        T3	org 35 76	Ministry of Trade, Industry and Resources
        N2	Reference T3 accord:motir	Ministry of Trade, Industry and Resources
        #1	AnnotatorNotes T3	note="host ministry"
        T4	date 85 91	Monday
        #2	AnnotatorNotes T4	value=2026-03-02
        T5	agreement 97 109	Korea–EU FTA
        N3	Reference T5 accord:korea-eu-fta	Korea–EU FTA
        T6	place 97 102	Korea
        N4	Reference T6 accord:south-korea	Korea
        T7	place 103 105	EU
        N5	Reference T7 accord:eu	EU
        T8	percent 123 132	5 percent
        T9	person 136 144	Zoë Park
    "#]]
    .assert_eq(&first_lines(&document.ann, 16));
    // Every `T` line's text is the `.txt` at its character offsets.
    let chars: Vec<char> = document.txt.chars().collect();
    for line in document.ann.lines().filter(|l| l.starts_with('T')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let offsets: Vec<usize> = fields[1]
            .split(' ')
            .skip(1)
            .map(|n| n.parse().unwrap())
            .collect();
        let covered: String = chars[offsets[0]..offsets[1]].iter().collect();
        assert_eq!(covered, fields[2], "{line}");
    }
    assert_eq!(document.txt, crate::cli::strip::strip_text(FIXTURE));
    assert_eq!(
        document.types,
        ["org", "place", "date", "agreement", "percent", "person"]
    );
}

fn first_lines(text: &str, count: usize) -> String {
    text.lines()
        .take(count)
        .fold(String::new(), |mut out, line| {
            let _ = writeln!(out, "{line}");
            out
        })
}

#[test]
fn brat_import_restores_the_annotated_file() {
    let analysis = analyzer().analyze(FIXTURE);
    let document = brat::export(FIXTURE, &analysis, tags_only());
    let imported = brat::import(&document.txt, &document.ann, &|_| true).unwrap();
    assert_eq!(imported.text, FIXTURE);
    assert!(imported.warnings.is_empty());
}

#[test]
fn brat_export_marks_recognized_mentions() {
    let text = "Exports Fall\nThe [WTO]{org} met in Geneva on Monday. date2026-03-03\n";
    let analysis = analyzer().analyze(text);
    let document = brat::export(
        text,
        &analysis,
        ExportOptions {
            include_recognized: true,
        },
    );
    expect![[r#"
        T1	org 17 20	WTO
        T2	place 28 34	Geneva
        N1	Reference T2 accord:geneva	Geneva
        A1	Recognized T2
        T3	date 38 44	Monday
        #1	AnnotatorNotes T3	value=2026-03-02
        A2	Recognized T3
    "#]]
    .assert_eq(&document.ann);
    // Importing accepts the recognised mentions as tags.
    let imported = brat::import(&document.txt, &document.ann, &|_| true).unwrap();
    assert_eq!(
        imported.text,
        "Exports Fall\nThe [WTO]{org} met in [Geneva]{place ref=geneva} on [Monday]{date value=2026-03-02}. date2026-03-03\n"
    );
}

fn check_import(txt: &str, ann: &str, expected: Expect) {
    let known = |ty: &str| ["org", "place", "date"].contains(&ty);
    let rendered = match brat::import(txt, ann, &known) {
        Ok(imported) => {
            let mut out = imported.text;
            for warning in imported.warnings {
                let _ = writeln!(out, "warning {}", show(&warning));
            }
            out
        }
        Err(rejected) => {
            let mut out = String::new();
            for error in rejected.errors {
                let _ = writeln!(out, "error {}", show(&error));
            }
            for warning in rejected.warnings {
                let _ = writeln!(out, "warning {}", show(&warning));
            }
            out
        }
    };
    expected.assert_eq(&rendered);
}

fn show(message: &ImportMessage) -> String {
    format!("{}: {}", message.line, message.message)
}

#[test]
fn brat_import_reports_what_tags_cannot_express() {
    let txt = "Café talks in Séoul 😀 on Monday.\nNext line.\n";
    check_import(
        txt,
        "T1\torg 0 11\tCafé talks \n\
         T2\tplace 5 19\ttalks in Séoul\n\
         T3\tplace 14 19;20 21\tSéoul 😀\n\
         T4\tdate 25 31\tMondey\n\
         T5\tdate 25 99\tMonday\n\
         T6\tOrg Type 1 2\to\n\
         T7\tdate 26 37\tonday. Next\n\
         N1\tReference T9 accord:x\tx\n\
         X1\tsomething\n",
        expect![[r#"
            error 2: `T2` crosses `T1` (line 1): tags nest but never cross
            error 3: `T3` has a discontinuous span, which a tag cannot express
            error 4: `T4`: the text `Mondey` does not match `Monday` at 25..31
            error 5: `T5`: offsets 25..99 lie past the end of the text
            error 6: `T6`: expected `TYPE START END`, found `Org Type 1 2`
            error 7: `T7` spans more than one line; a tag lies within one line
            error 8: `N1` refers to `T9`, which is not a text-bound annotation here
            error 9: unknown annotation id `X1`
        "#]],
    );
}

#[test]
fn brat_import_keeps_unknown_types_and_reads_notes() {
    check_import(
        "Café talks in Séoul 😀 on Monday.\n",
        "T1\tvenue 0 4\tCafé\n\
         #1\tAnnotatorNotes T1\tchecked by the desk\n\
         T2\tplace 14 19\tSéoul\n\
         N1\tReference T2 accord:seoul\tSeoul\n\
         A1\tconfidence T2 high\n\
         A2\tNegated T3\n\
         T3\tdate 25 31\tMonday\n\
         #2\tAnnotatorNotes T3\tvalue=2026-03-02 note=\"day \\\"one\\\"\"\n\
         R1\tLocated Arg1:T1 Arg2:T2\n",
        expect![[r#"
            [Café]{venue note="checked by the desk"} talks in [Séoul]{place ref=seoul confidence=high} 😀 on [Monday]{date Negated=true value=2026-03-02 note="day \"one\""}.
            warning 1: unknown type `venue`: kept as written; `accord check` reports it
            warning 9: `R1`: relations and events have no inline form and are not imported
        "#]],
    );
}

#[test]
fn brat_import_escapes_brackets_only_when_they_would_read_as_tags() {
    check_import(
        "[Photo] A [draft]{x} of \\ rules.\n",
        "T1\torg 11 16\tdraft\n",
        expect![[r#"
            \[Photo\] A \[[draft]{org}\]\{x\} of \\ rules.
        "#]],
    );
    check_import(
        "[Photo] Steel talks.\n",
        "T1\torg 8 13\tSteel\n",
        expect![[r#"
            [Photo] [Steel]{org} talks.
        "#]],
    );
}

#[test]
fn brat_import_never_panics_on_damaged_lines() {
    let txt = "Café talks in Séoul 😀 on Monday.\n";
    let good = "T1\tplace 14 19\tSéoul\nN1\tReference T1 accord:seoul\tSeoul\n#1\tAnnotatorNotes T1\tvalue=\"x";
    // Every prefix of a valid file cuts lines at every possible byte.
    for (end, _) in good.char_indices() {
        let _ = brat::import(txt, &good[..end], &|_| true);
    }
    for ann in [
        "T",
        "T1",
        "T1\t",
        "T1\tplace",
        "T1\tplace 1",
        "N1\t",
        "#1\t\t",
        "A1\tx",
    ] {
        let _ = brat::import(txt, ann, &|_| true);
    }
}

#[test]
fn annotation_conf_lists_types_and_allows_overlap() {
    expect![[r#"
        # Written by `accord export --to brat`: the entity types of the exported files.
        [entities]
        org
        place

        [relations]
        # Tags nest, so entity spans may overlap.
        <OVERLAP>	Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>

        [events]

        [attributes]
        Recognized	Arg:<ENTITY>
    "#]]
    .assert_eq(&brat::annotation_conf(&["org".into(), "place".into()]));
}

#[test]
fn jsonl_offsets_are_characters_of_the_article_text() {
    let analysis = analyzer().analyze(FIXTURE);
    let records = jsonl::records("fixture.article", FIXTURE, &analysis, tags_only());
    let mut out = String::new();
    for record in &records {
        let chars: Vec<char> = record.text.chars().collect();
        let _ = writeln!(
            out,
            "{} #{} {:?} {:?} ({} chars)",
            record.file,
            record.article,
            record.title,
            record.date,
            chars.len()
        );
        for span in &record.spans {
            let covered: String = chars[span.start..span.end].iter().collect();
            let _ = writeln!(
                out,
                "  {}..{} {} {:?} key={:?} value={:?} {:?}",
                span.start, span.end, span.label, covered, span.key, span.value, span.source
            );
        }
    }
    expect![[r#"
        fixture.article #0 "Café Lumière Opens in Lyon 😀" Some("2026-03-03") (150 chars)
          0..12 org "Café Lumière" key=Some("cafe-lumiere") value=None Tag
          22..26 place "Lyon" key=Some("lyon") value=None Tag
          33..74 org "Ministry of Trade, Industry and Resources" key=Some("motir") value=None Tag
          83..89 date "Monday" key=None value=Some("2026-03-02") Tag
          95..107 agreement "Korea–EU FTA" key=Some("korea-eu-fta") value=None Tag
          95..100 place "Korea" key=Some("south-korea") value=None Tag
          101..103 place "EU" key=Some("eu") value=None Tag
          121..130 percent "5 percent" key=None value=None Tag
          134..142 person "Zoë Park" key=None value=None Tag
        fixture.article #1 "Second Note" Some("2026-03-04") (33 chars)
          27..32 place "Séoul" key=Some("seoul") value=None Tag
    "#]]
    .assert_eq(&out);
    let line = serde_json::to_string(&records[1]).unwrap();
    expect![[r#"{"file":"fixture.article","article":1,"title":"Second Note","date":"2026-03-04","text":"Second Note\nPrices rose in Séoul.","spans":[{"start":27,"end":32,"label":"place","key":"seoul","value":null,"source":"tag"}]}"#]]
        .assert_eq(&line);
}

#[test]
fn conll_labels_tokens_with_the_outermost_span() {
    let analysis = analyzer().analyze(FIXTURE);
    expect![[r#"
        -DOCSTART-	O

        Café	B-org
        Lumière	I-org
        Opens	O
        in	O
        Lyon	B-place
        😀	O

        The	O
        Ministry	B-org
        of	I-org
        Trade	I-org
        ,	I-org
        Industry	I-org
        and	I-org
        Resources	I-org
        said	O
        on	O
        Monday	B-date
        that	O
        Korea–EU	B-agreement
        FTA	I-agreement
        exports	O
        rose	O
        5	B-percent
        percent	I-percent
        .	O

        😀	O
        Zoë	B-person
        Park	I-person
        agreed	O
        .	O

        -DOCSTART-	O

        Second	O
        Note	O

        Prices	O
        rose	O
        in	O
        Séoul	B-place
        .	O

    "#]]
    .assert_eq(&conll::export(&analysis, tags_only()));
}

#[test]
fn exports_never_panic_on_any_prefix_of_a_file() {
    let analyzer = analyzer();
    let awkward = "\u{feff}-\r\n[Café]{org ref=\"a b\"} \\[x\\] [[Korea]{place}–[UK]{place} FTA]{agreement note=\"x\"}, [broken]{org\r\n[😀]{event} [ends ]{place}date2025-01-02\r\n-\n[]{org}\n";
    for text in [FIXTURE, awkward] {
        for (end, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..end];
            let analysis = analyzer.analyze(prefix);
            for include_recognized in [false, true] {
                let options = ExportOptions { include_recognized };
                let document = brat::export(prefix, &analysis, options);
                if !include_recognized {
                    let imported = brat::import(&document.txt, &document.ann, &|_| true)
                        .unwrap_or_else(|e| panic!("{prefix:?}: {e:?}"));
                    let again = analyzer.analyze(&imported.text);
                    assert_eq!(brat::export(&imported.text, &again, options), document);
                }
                let records = jsonl::records("f", prefix, &analysis, options);
                for record in records {
                    let chars = record.text.chars().count();
                    assert!(
                        record
                            .spans
                            .iter()
                            .all(|s| s.start <= s.end && s.end <= chars)
                    );
                }
                let _ = conll::export(&analysis, options);
            }
        }
    }
}

#[test]
fn conll_keeps_initials_abbreviations_and_entities_whole() {
    let text = "Talks\n[S. Korea]{place}'s envoy met the U.S. team. [Park]{person}’s aide said “Yes.” Then the alliance's staff left. date2026-03-03\n";
    let analysis = analyzer().analyze(text);
    let conll = conll::export(&analysis, tags_only());
    let sentences: Vec<String> = conll
        .split("\n\n")
        .map(|sentence| {
            sentence
                .lines()
                .map(|line| line.replace('\t', "/"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    expect![[r#"
        -DOCSTART-/O
        Talks/O
        S./B-place Korea/I-place 's/O envoy/O met/O the/O U.S./O team/O ./O
        Park/B-person ’s/O aide/O said/O “/O Yes/O ./O ”/O
        Then/O the/O alliance/O 's/O staff/O left/O ./O
    "#]]
    .assert_eq(&(sentences.join("\n")));
}
