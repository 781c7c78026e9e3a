//! Editor-feature tests over multi-file fixtures: markers under expected ranges, and
//! snapshots of structured results.

mod fixture;

use expect_test::expect;

use crate::ide::{self, FileRange, InlayConfig, TokenModifier, TokenType};
use crate::text::TextRange;

use fixture::{Fixture, parse};

const KB: &str = r#"//- /ws/accord.toml
[knowledge-base]
paths = ["kb/*.toml"]
//- /ws/kb/agreements.toml
[[entity]]
key = "korus-fta"
type = "agreement"
name = "Korea–U.S. Free Trade Agreement"
aliases = ["KORUS FTA", "Korea-US FTA"]
description = "The free trade agreement between Korea and the United States."
"#;

fn with_kb(articles: &str) -> Fixture {
    parse(&format!("{KB}{articles}"))
}

fn check_ranges(fixture: &Fixture, mut actual: Vec<FileRange>) {
    actual.sort();
    let describe = |ranges: &[FileRange]| -> Vec<String> {
        ranges.iter().map(|r| fixture.describe(*r)).collect()
    };
    assert_eq!(
        describe(&actual),
        describe(&fixture.marked_ranges()),
        "results (left) differ from the marked ranges (right)"
    );
}

#[test]
fn definition_reaches_the_entry_and_other_articles_whatever_the_spelling() {
    let fixture = with_kb(
        r#"//- /ws/a.article
Ministers Review the Korea-US FTA
                     ^^^^^^^^^^^^
Talks on the [Korea-US$0 FTA]{agreement ref=korus-fta} went on. The [KORUS FTA]{agreement ref=korus-fta} matters. date2025-03-04
-
Another Story
The [Korea–U.S. FTA]{agreement ref=korus-fta} was discussed again. date2025-03-05
     ^^^^^^^^^^^^^^
//- /ws/b.article
Trade Committee Meets
Officials said the [Korea–U.S. FTA]{agreement ref=korus-fta} needs review. date2025-04-01
                    ^^^^^^^^^^^^^^
//- /ws/c.article
Untagged Report
Exporters welcomed the Korea–U.S. FTA review in Seoul. date2025-04-02
                       ^^^^^^^^^^^^^^
"#,
    );
    let mut targets: Vec<FileRange> = ide::goto_definition(&fixture.snap, fixture.cursor())
        .into_iter()
        .map(|t| FileRange {
            file: t.file,
            range: t.focus_range,
        })
        .collect();
    // The entry's key is the first target; markers cannot go into the TOML header.
    let entry = targets.remove(0);
    assert_eq!(
        fixture.describe(entry),
        "/ws/kb/agreements.toml 2:8 \"korus-fta\""
    );
    check_ranges(&fixture, targets);
}

#[test]
fn definition_lists_the_current_article_and_the_hundred_nearest_in_date() {
    // 150 other articles mention the agreement, one a day from 2025-01-01; the cursor's
    // article is dated 2025-03-01, as is the 60th of them.
    let mut other = String::from("//- /ws/archive.article\n");
    for day in 0..150 {
        let date = jiff::civil::date(2025, 1, 1)
            .checked_add(jiff::Span::new().days(day))
            .expect("a date");
        if day > 0 {
            other.push_str("-\n");
        }
        other.push_str(&format!(
            "Report {day}\nThe [KORUS FTA]{{agreement ref=korus-fta}} was reviewed. date{date}\n"
        ));
    }
    let fixture = with_kb(&format!(
        "//- /ws/a.article\nReview Ends\nThe [KORUS FTA]{{agreement ref=korus-fta}} stays; the [Korea-US$0 FTA]{{agreement ref=korus-fta}} too. date2025-03-01\n{other}"
    ));
    let targets = ide::goto_definition(&fixture.snap, fixture.cursor());
    let described: Vec<String> = targets
        .iter()
        .map(|t| {
            fixture.describe(FileRange {
                file: t.file,
                range: t.focus_range,
            })
        })
        .collect();
    // The entry, this article's first mention, then a hundred others.
    assert_eq!(
        targets.len(),
        1 + 1 + ide::DEFINITION_ARTICLES,
        "{described:?}"
    );
    assert_eq!(described[0], "/ws/kb/agreements.toml 2:8 \"korus-fta\"");
    assert_eq!(described[1], "/ws/a.article 2:6 \"KORUS FTA\"");
    // Nearest in date first: the same day, then one day away on either side (earlier
    // first, as the archive lists them), then two.
    let archive = fixture
        .snap
        .files()
        .find(|f| f.path.ends_with("archive.article"))
        .expect("the archive");
    let date_of = |t: &crate::ide::NavTarget| {
        let article = archive
            .articles
            .iter()
            .find(|a| a.range.contains_range(t.focus_range))
            .expect("an article");
        article.date.expect("dated").to_string()
    };
    let dates: Vec<String> = targets[2..6].iter().map(date_of).collect();
    assert_eq!(
        dates,
        ["2025-03-01", "2025-02-28", "2025-03-02", "2025-02-27"]
    );
    // The farthest article listed is 50 days away; references still list all 152.
    assert!(targets[2..].iter().all(|t| t.file == archive.id));
    assert_eq!(
        ide::references(&fixture.snap, fixture.cursor(), false).len(),
        152
    );
}

#[test]
fn references_cover_every_file_and_the_entry() {
    let fixture = with_kb(
        r#"//- /ws/a.article
Talks Resume
The [Korea-US FTA]{agreement ref=korus-fta} was $0reviewed; the [KORUS FTA]{agreement ref=korus-fta} stays. date2025-03-04
     ^^^^^^^^^^^^                                              ^^^^^^^^^
//- /ws/b.article
Committee Meets
The [Korea–U.S. FTA]{agreement ref=korus-fta} was named. date2025-04-01
     ^^^^^^^^^^^^^^
"#,
    );
    let cursor = fixture.cursor();
    let on_tag = crate::ide::FilePosition {
        file: cursor.file,
        offset: fixture
            .snap
            .file(cursor.file)
            .expect("open")
            .text
            .find("Korea-US")
            .expect("text"),
    };
    check_ranges(&fixture, ide::references(&fixture.snap, on_tag, false));
    let with_entry = ide::references(&fixture.snap, on_tag, true);
    assert_eq!(with_entry.len(), 4);
    assert_eq!(
        fixture.describe(with_entry[0]),
        "/ws/kb/agreements.toml 2:8 \"korus-fta\""
    );
    // Plain text between mentions refers to nothing.
    assert!(ide::references(&fixture.snap, cursor, true).is_empty());
    let highlights = ide::document_highlight(&fixture.snap, on_tag);
    assert_eq!(highlights.len(), 2);
    // Under a cancelled flag the workspace-wide features stop instead of answering.
    let cancelled = crate::cancel::CancelFlag::default();
    cancelled.cancel();
    let run = |f: &dyn Fn() -> usize| crate::cancel::run(&cancelled, f);
    assert_eq!(
        run(&|| ide::references(&fixture.snap, on_tag, true).len()),
        Err(crate::cancel::Cancelled)
    );
    assert_eq!(
        run(&|| ide::goto_definition(&fixture.snap, on_tag).len()),
        Err(crate::cancel::Cancelled)
    );
    assert_eq!(
        run(&|| ide::workspace_symbols(&fixture.snap, "korus").len()),
        Err(crate::cancel::Cancelled)
    );
    assert_eq!(
        run(&|| ide::semantic_tokens(&fixture.snap, on_tag.file, None).len()),
        Err(crate::cancel::Cancelled)
    );
    let live = crate::cancel::CancelFlag::default();
    assert_eq!(
        crate::cancel::run(&live, || ide::references(&fixture.snap, on_tag, true).len()),
        Ok(4)
    );
}

#[test]
fn hover_shows_entry_acronym_date_and_counts() {
    let fixture = with_kb(
        r#"//- /ws/a.article
Talks on the Korea-US FTA
The [Korea-US FTA]{agreement ref=korus-fta} was$0 reviewed. date2025-03-04
//- /ws/b.article
Committee Meets
The [Korea–U.S. FTA]{agreement ref=korus-fta} was named. date2025-04-01
"#,
    );
    let text = &fixture.snap.file(fixture.cursor().file).expect("open").text;
    let at = text.find("Korea-US FTA]").expect("text");
    let hover = ide::hover(
        &fixture.snap,
        crate::ide::FilePosition {
            file: fixture.cursor().file,
            offset: at + 2,
        },
    )
    .expect("a tag has a hover");
    expect![[r#"
        **agreement** `korus-fta`

        ### Korea–U.S. Free Trade Agreement

        The free trade agreement between Korea and the United States.

        Aliases: KORUS FTA, Korea-US FTA

        Key from this tag's `ref`

        2 mentions in 2 articles (first 2025-03-04, latest 2025-04-01)
    "#]]
    .assert_eq(&hover.markdown);
    assert_eq!(
        &text[hover.range.start..hover.range.end],
        "[Korea-US FTA]{agreement ref=korus-fta}"
    );
}

/// The hover says where a recognised mention's key came from: another file's tags, the
/// article's own acronym definition, or the name itself; a bare surname taught elsewhere
/// takes nothing from that file.
#[test]
fn hover_says_where_a_key_came_from() {
    let fixture = parse(
        r#"//- /ws/a.article
Port Deal Signed
The [Baltic Ports Accord]{agreement ref=bpa} was signed by Minister [Rasa Petraityte]{person ref=rasa-petraityte}. [Petraityte]{person ref=rasa-petraityte} spoke. date2025-03-05
//- /ws/b.article
Ports Review
The Baltic Ports Accord came up. The Nordic Shipping Office (NSO) and the NSO met. Petraityte was absent. date2025-03-06
"#,
    );
    let file = fixture.file_id("/ws/b.article");
    let text = fixture.snap.file(file).expect("open").text.clone();
    let hover_at = |needle: &str| {
        let offset = text.rfind(needle).expect("text") + 1;
        ide::hover(&fixture.snap, crate::ide::FilePosition { file, offset })
            .map(|h| h.markdown)
            .unwrap_or_default()
    };
    expect![[r#"
        **agreement** `bpa`

        ### Baltic Ports Accord

        Key from what `a.article` teaches

        2 mentions in 2 articles (first 2025-03-05, latest 2025-03-06)
    "#]]
    .assert_eq(&hover_at("Baltic Ports Accord came"));
    expect![[r#"
        **org** `nso`

        ### NSO

        Acronym of: Nordic Shipping Office

        Key from this article's definition of the acronym

        3 mentions in 1 article (2025-03-06)
    "#]]
    .assert_eq(&hover_at("NSO met"));
    expect![[""]].assert_eq(&hover_at("Petraityte was"));
}

/// A workspace's own entity type is recognised from its knowledge-base entries and taught
/// by its tags like the default types, and its mentions get the `entity` token.
#[test]
fn custom_entity_types_are_recognised_and_coloured() {
    let fixture = parse(
        r#"//- /ws/accord.toml
[types.sector]
description = "Industrial sectors"
entity = true
//- /ws/kb/sectors.toml
[[entity]]
key = "semiconductors"
type = "sector"
name = "semiconductor industry"
aliases = ["chipmaking"]
//- /ws/a.article
Chip Plans
Officials said chipmaking and [shipbuilding]{sector ref=shipbuilding} would grow. date2025-03-04
//- /ws/b.article
Yards
The shipbuilding order book and the semiconductor industry grew. date2025-03-05
"#,
    );
    let mentions = |path: &str| -> Vec<String> {
        let file = fixture.snap.file(fixture.file_id(path)).expect("a file");
        file.mentions()
            .map(|m| format!("{} {} {}", m.ty(), m.text(), m.key().unwrap_or("-")))
            .collect()
    };
    expect![[r#"
        [
            "sector chipmaking semiconductors",
            "sector shipbuilding shipbuilding",
        ]
    "#]]
    .assert_debug_eq(&mentions("/ws/a.article"));
    expect![[r#"
        [
            "sector shipbuilding shipbuilding",
            "sector semiconductor industry semiconductors",
        ]
    "#]]
    .assert_debug_eq(&mentions("/ws/b.article"));
    let file = fixture.file_id("/ws/b.article");
    let tokens = ide::semantic_tokens(&fixture.snap, file, None);
    let entities = tokens
        .iter()
        .filter(|t| t.ty == TokenType::Entity && t.modifiers == TokenModifier::Recognized.bit())
        .count();
    assert_eq!(entities, 2, "{tokens:?}");
}

#[test]
fn hover_on_dates_and_acronyms() {
    let fixture = parse(
        r#"//- /ws/a.article
Exports Rise
The United States Trade Representative (USTR) met officials on Monday. The USTR said so. date2025-03-05
"#,
    );
    let file = fixture.file_id("/ws/a.article");
    let text = fixture.snap.file(file).expect("open").text.clone();
    let hover_at = |needle: &str| {
        let offset = text.rfind(needle).expect("text") + 1;
        ide::hover(&fixture.snap, crate::ide::FilePosition { file, offset })
            .map(|h| h.markdown)
            .unwrap_or_default()
    };
    expect![[r#"
        **date**

        ### Monday

        Date: `2025-03-03` (day)
    "#]]
    .assert_eq(&hover_at("Monday"));
    expect![[r#"
        **org** `ustr`

        ### US Trade Representative

        Aliases: U.S. Trade Representative, USTR, Office of the US Trade Representative, Office of the U.S. Trade Representative, United States Trade Representative

        Acronym of: United States Trade Representative

        Key from the built-in knowledge base

        3 mentions in 1 article (2025-03-05)
    "#]].assert_eq(&hover_at("USTR"));
}

fn render_tokens(fixture: &Fixture, path: &str) -> String {
    let file = fixture.file_id(path);
    let text = fixture.snap.file(file).expect("open").text.clone();
    let tokens = ide::semantic_tokens(&fixture.snap, file, None);
    let mut out = String::new();
    let mut previous_end = 0;
    for token in &tokens {
        assert!(
            token.range.start >= previous_end,
            "tokens overlap or are unsorted"
        );
        assert!(!token.range.is_empty());
        let slice = text
            .get(token.range.start..token.range.end)
            .expect("tokens are on char boundaries");
        assert!(!slice.contains('\n'), "a token spans lines");
        previous_end = token.range.end;
        let modifiers: Vec<&str> = TokenModifier::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| token.modifiers & (1 << i) != 0)
            .map(|(_, m)| m.as_str())
            .collect();
        out.push_str(&format!("{:?} {}", slice, token.ty.as_str()));
        if !modifiers.is_empty() {
            out.push_str(&format!(" [{}]", modifiers.join(",")));
        }
        out.push('\n');
    }
    out
}

#[test]
fn semantic_tokens_split_tags_and_handle_wide_characters() {
    let fixture = parse(
        "//- /ws/a.article
-
Café Talks – Seoul’s Plan 🙂
The [[Korea]{place}–[UK]{place} FTA]{agreement ref=korea-uk-fta} was signed in Seoul on Monday 🙂. Visitors from Mexico came later. date: 2025-03-05
-
No Date Here
Officials met on Monday.
",
    );
    expect![[r#"
        "-" separator
        "Café Talks" event [recognized]
        " – " title
        "Seoul" place [recognized]
        "’s Plan 🙂" title
        "[" tagBracket [tagSyntax]
        "[" tagBracket [tagSyntax]
        "Korea" place [tagged]
        "]" tagBracket [tagSyntax]
        "{" tagBracket [tagSyntax]
        "place" tagType [tagSyntax]
        "}" tagBracket [tagSyntax]
        "–" agreement [tagged]
        "[" tagBracket [tagSyntax]
        "UK" place [tagged]
        "]" tagBracket [tagSyntax]
        "{" tagBracket [tagSyntax]
        "place" tagType [tagSyntax]
        "}" tagBracket [tagSyntax]
        " FTA" agreement [tagged]
        "]" tagBracket [tagSyntax]
        "{" tagBracket [tagSyntax]
        "agreement" tagType [tagSyntax]
        " " tagBracket [tagSyntax]
        "ref" attributeName [tagSyntax]
        "=" tagBracket [tagSyntax]
        "korea-uk-fta" attributeValue [tagSyntax]
        "}" tagBracket [tagSyntax]
        "Seoul" place [recognized]
        "Monday" date [recognized]
        "Mexico" place [recognized]
        "date: 2025-03-05" dateMarker
        "-" separator
        "No Date Here" title
        "Monday" date [recognized,unresolved]
    "#]]
    .assert_eq(&render_tokens(&fixture, "/ws/a.article"));
    // The legend lists every type once, so indices are stable.
    assert_eq!(TokenType::ALL.len(), 16);
    assert_eq!(TokenType::Entity.index(), 15);
    assert_eq!(TokenType::Percent.index(), 7);
}

#[test]
fn positions_on_lines_with_wide_characters() {
    let fixture = parse(
        r#"//- /ws/a.article
Talks in Seoul
Café owners – and the [Ministry of Trade, Industry and Resources]{org ref=motir}’s 🙂 staff met the [MO$0TIR]{org ref=motir}. date2025-03-05
                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^                                    ^^^^^
"#,
    );
    let highlights = ide::document_highlight(&fixture.snap, fixture.cursor())
        .into_iter()
        .map(|range| FileRange {
            file: fixture.cursor().file,
            range,
        })
        .collect();
    check_ranges(&fixture, highlights);
}

#[test]
fn rename_changes_every_ref_and_the_entry_key() {
    let fixture = parse(
        r#"//- /ws/kb/pacts.toml
[[entity]]
key = "chip-pact"
type = "agreement"
name = "Bilateral Chip Pact"
//- /ws/a.article
Talks Resume
The [Chip Pact]{agreement ref=chip$0-pact} and the [U.S.]{place ref=united-states} met. date2025-03-04
//- /ws/b.article
Committee Meets
The [Bilateral Chip Pact]{agreement ref=chip-pact} was named. date2025-04-01
"#,
    );
    let cursor = fixture.cursor();
    let range = ide::prepare_rename(&fixture.snap, cursor).expect("a ref value renames");
    let text = &fixture.snap.file(cursor.file).expect("open").text;
    assert_eq!(&text[range.start..range.end], "chip-pact");
    let change = ide::rename(&fixture.snap, cursor, "semiconductor-pact").expect("a valid key");
    expect![[r#"
        //- /ws/kb/pacts.toml
        [[entity]]
        key = "semiconductor-pact"
        type = "agreement"
        name = "Bilateral Chip Pact"
        //- /ws/a.article
        Talks Resume
        The [Chip Pact]{agreement ref=semiconductor-pact} and the [U.S.]{place ref=united-states} met. date2025-03-04
        //- /ws/b.article
        Committee Meets
        The [Bilateral Chip Pact]{agreement ref=semiconductor-pact} was named. date2025-04-01
    "#]].assert_eq(&fixture.apply(&change));
    assert!(ide::rename(&fixture.snap, cursor, "Not A Key").is_err());
    // Plain text is not renamable.
    let plain = crate::ide::FilePosition {
        file: cursor.file,
        offset: 1,
    };
    assert!(ide::prepare_rename(&fixture.snap, plain).is_none());
}

#[test]
fn renaming_a_built_in_key_is_refused_with_the_reason() {
    // `united-states` is built in; `korus-fta` is too, and the workspace entry that
    // replaces it would not take the built-in names along.
    let fixture = with_kb(
        r#"//- /ws/a.article
Talks Resume
The [Korea-US FTA]{agreement ref=korus$0-fta} and the [U.S.]{place ref=united-states} met. date2025-03-04
"#,
    );
    let refused =
        ide::rename(&fixture.snap, fixture.cursor(), "korea-us-fta").expect_err("a built-in key");
    assert!(
        refused.starts_with("`korus-fta` is a built-in key"),
        "{refused}"
    );
    assert!(refused.contains("splitting the entity"), "{refused}");
}

#[test]
fn code_actions_tag_mentions_and_fix_diagnostics() {
    let fixture = parse(
        r#"//- /ws/a.article
Trade Talks
The United States Trade Representative (USTR) spoke. Later the US$0TR left, and the USTR came back. date: 2025-03-04
//- /ws/b.article
Another Story
The USTR said little. date2025-03-05
"#,
    );
    let cursor = fixture.cursor();
    let assists = ide::code_actions(
        &fixture.snap,
        FileRange {
            file: cursor.file,
            range: TextRange::empty(cursor.offset),
        },
        &ide::diagnostics(&fixture.snap, cursor.file),
        None,
    );
    let titles: Vec<&str> = assists.iter().map(|a| a.title.as_str()).collect();
    expect![[r#"
        [
            "Tag `USTR` as org",
            "Tag all 4 mentions of `ustr` in this file",
            "Tag all 5 mentions of `ustr` in the workspace",
        ]
    "#]]
    .assert_debug_eq(&titles);
    let tag_all = assists
        .iter()
        .find(|a| a.title.contains("in the workspace"))
        .expect("a workspace-wide assist");
    expect![[r#"
        //- /ws/a.article
        Trade Talks
        The [United States Trade Representative]{org ref=ustr} ([USTR]{org ref=ustr}) spoke. Later the [USTR]{org ref=ustr} left, and the [USTR]{org ref=ustr} came back. date: 2025-03-04
        //- /ws/b.article
        Another Story
        The [USTR]{org ref=ustr} said little. date2025-03-05
    "#]].assert_eq(&fixture.apply(&tag_all.change));

    // An unknown ref offers a knowledge-base entry.
    let fixture = with_kb(
        r#"//- /ws/a.article
Talks
The [Bilateral Chip Pact]{agreement ref=chip$0-pact} was signed. date2025-03-04
"#,
    );
    let cursor = fixture.cursor();
    let assists = ide::code_actions(
        &fixture.snap,
        FileRange {
            file: cursor.file,
            range: TextRange::empty(cursor.offset),
        },
        &ide::diagnostics(&fixture.snap, cursor.file),
        None,
    );
    let add = assists
        .iter()
        .find(|a| a.title.contains("knowledge base"))
        .expect("an assist adds the entry");
    expect![[r#"
        //- /ws/kb/agreements.toml
        [[entity]]
        key = "korus-fta"
        type = "agreement"
        name = "Korea–U.S. Free Trade Agreement"
        aliases = ["KORUS FTA", "Korea-US FTA"]
        description = "The free trade agreement between Korea and the United States."

        [[entity]]
        key = "chip-pact"
        type = "agreement"
        name = "Bilateral Chip Pact"
    "#]]
    .assert_eq(&fixture.apply(&add.change));

    // Without a knowledge base the configuration loads, the entry goes where it would
    // load from: a new configuration and file, the paths written into the
    // configuration, or a new file the configuration's glob names.
    let add_entry = |fixture: &str| -> String {
        let fixture = parse(fixture);
        let cursor = fixture.cursor();
        let assists = ide::code_actions(
            &fixture.snap,
            FileRange {
                file: cursor.file,
                range: TextRange::empty(cursor.offset),
            },
            &ide::diagnostics(&fixture.snap, cursor.file),
            Some(std::path::Path::new("/ws")),
        );
        assists
            .iter()
            .find(|a| a.title.contains("knowledge base"))
            .map_or_else(|| "no assist".to_owned(), |a| fixture.apply(&a.change))
    };
    let article =
        "//- /ws/news/a.article\nTalks\nThe [Chip Pact]{agreement ref=chip$0-pact} was signed.\n";
    expect![[r#"
        //- new /ws/accord.toml
        [knowledge-base]
        paths = ["kb/*.toml"]
        //- new /ws/kb/entities.toml
        [[entity]]
        key = "chip-pact"
        type = "agreement"
        name = "Chip Pact"
    "#]]
    .assert_eq(&add_entry(article));
    expect![[r#"
        //- /ws/accord.toml
        [types.sector]
        description = "Sectors"

        [knowledge-base]
        paths = ["kb/*.toml"]
        //- new /ws/kb/entities.toml
        [[entity]]
        key = "chip-pact"
        type = "agreement"
        name = "Chip Pact"
    "#]]
    .assert_eq(&add_entry(&format!(
        "//- /ws/accord.toml\n[types.sector]\ndescription = \"Sectors\"\n{article}"
    )));
    expect![[r#"
        //- /ws/accord.toml
        [knowledge-base]
        paths = ["kb/*.toml"]
        builtin = true
        //- new /ws/kb/entities.toml
        [[entity]]
        key = "chip-pact"
        type = "agreement"
        name = "Chip Pact"
    "#]]
    .assert_eq(&add_entry(&format!(
        "//- /ws/accord.toml\n[knowledge-base]\nbuiltin = true\n{article}"
    )));
    expect![[r#"
        //- new /ws/data/entities.kb.toml
        [[entity]]
        key = "chip-pact"
        type = "agreement"
        name = "Chip Pact"
    "#]]
    .assert_eq(&add_entry(&format!(
        "//- /ws/accord.toml\n[knowledge-base]\npaths = [\"data/*.kb.toml\"]\n{article}"
    )));
}

#[test]
fn a_selection_over_several_articles_offers_the_fixes_only() {
    let fixture = parse(
        r#"//- /ws/a.article
Trade Talks
The United States Trade Representative (USTR) met the [EU]{plase}. date2025-03-04
-
Another Story
The USTR said little in Geneva. date2025-03-05
"#,
    );
    let file = fixture.file_id("/ws/a.article");
    let text = fixture.snap.file(file).expect("open").text.clone();
    let whole = FileRange {
        file,
        range: TextRange::new(0, text.len()),
    };
    let titles: Vec<String> = ide::code_actions(
        &fixture.snap,
        whole,
        &ide::diagnostics(&fixture.snap, file),
        None,
    )
    .into_iter()
    .map(|a| a.title)
    .collect();
    assert_eq!(titles, ["change the type to `place`"]);
    // Inside one article, the assists are there.
    let one = FileRange {
        file,
        range: TextRange::new(0, text.find("-\n").expect("a separator")),
    };
    let assists = ide::code_actions(
        &fixture.snap,
        one,
        &ide::diagnostics(&fixture.snap, file),
        None,
    );
    assert!(assists.iter().any(|a| a.title.starts_with("Tag `")));
}

#[test]
fn completion_inside_tags() {
    let complete = |fixture: &str| -> String {
        let fixture = with_kb(fixture);
        ide::completions(&fixture.snap, fixture.cursor())
            .into_iter()
            .take(6)
            .map(|c| {
                let text = &fixture.snap.file(fixture.cursor().file).expect("open").text;
                format!(
                    "{} {:?} replaces {:?}\n",
                    c.label,
                    c.kind,
                    &text[c.replace.start..c.replace.end]
                )
            })
            .collect()
    };
    expect![[r#"
        agreement Type replaces "ag"
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nThe [Korea-US FTA]{ag$0\n",
    ));
    expect![[r#"
        ref Attribute replaces "re"
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nThe [Korea-US FTA]{agreement re$0\n",
    ));
    expect![[r#"
        korus-fta EntityKey replaces "ko"
        korea-eu-fta EntityKey replaces "ko"
        korea-uk-fta EntityKey replaces "ko"
        korea-asean-fta EntityKey replaces "ko"
        korea-australia-fta EntityKey replaces "ko"
        korea-china-fta EntityKey replaces "ko"
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nThe [Korea-US FTA]{agreement ref=ko$0\n",
    ));
    expect![[r#"
        2025-03-04 DateValue replaces ""
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nTalks on [March 4, 2025]{date value=$0\n",
    ));
    assert_eq!(complete("//- /ws/a.article\nTitle\nNo tag $0here\n"), "");
    // A relative date resolves against the article's date, as "Tag this" does.
    expect![[r#"
        2025-03-03 DateValue replaces ""
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nTalks on [Monday]{date value=$0 went well. date2025-03-05\n",
    ));
    expect![[r#"
        2025-03-03 DateValue replaces ""
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nTalks on [Monday]{date value=$0\nMore text.\ndate2025-03-05\n",
    ));
    // An amount's normalised value.
    expect![[r#"
        "USD 350000000000" EnumValue replaces ""
    "#]]
    .assert_eq(&complete(
        "//- /ws/a.article\nTitle\nA pledge of [$350 billion]{money value=$0 date2025-03-05\n",
    ));
    // Keys come by how close their names are to the span, not alphabetically.
    let people = "//- /ws/kb/people.toml\n[[entity]]\nkey = \"ahn-dobin\"\ntype = \"person\"\nname = \"Ahn Dobin\"\n\n[[entity]]\nkey = \"kim-jeong-kwan\"\ntype = \"person\"\nname = \"Kim Jeong-kwan\"\n\n[[entity]]\nkey = \"kim-yuna\"\ntype = \"person\"\nname = \"Kim Yuna\"\n";
    let first = complete(&format!(
        "{people}//- /ws/a.article\nTitle\nThe minister [Kim Jeongkwan]{{person ref=$0\n"
    ));
    assert!(first.starts_with("kim-jeong-kwan EntityKey"), "{first}");
}

#[test]
fn outline_folding_lenses_hints_and_index() {
    let fixture = with_kb(
        r#"//- /ws/a.article
-
Ministers Review the [Korea-US FTA]{agreement ref=korus-fta}
The [KORUS FTA]{agreement ref=korus-fta} was reviewed on Monday by the United States Trade Representative (USTR). The USTR agreed.
date2025-03-04
-
Short Note \[draft\]
The [Korea–U.S. FTA]{agreement ref=korus-fta} again. date2025-04-01
"#,
    );
    let file = fixture.file_id("/ws/a.article");
    let symbols = ide::document_symbols(&fixture.snap, file);
    let outline: String = symbols
        .iter()
        .map(|s| {
            let children: Vec<String> = s
                .children
                .iter()
                .map(|c| {
                    format!(
                        "  {} ({:?}, {})\n",
                        c.name,
                        c.kind,
                        c.detail.as_deref().unwrap_or("")
                    )
                })
                .collect();
            format!(
                "{} [{}]\n{}",
                s.name,
                s.detail.as_deref().unwrap_or("-"),
                children.concat()
            )
        })
        .collect();
    expect![[r#"
        Ministers Review the Korea-US FTA [2025-03-04]
          Korea–U.S. Free Trade Agreement (Agreement, agreement korus-fta, 2 mentions)
          US Trade Representative (Org, org ustr, 3 mentions)
        Short Note [draft] [2025-04-01]
          Korea–U.S. Free Trade Agreement (Agreement, agreement korus-fta)
    "#]]
    .assert_eq(&outline);

    let folds = ide::folding_ranges(&fixture.snap, file);
    assert_eq!(folds.len(), 2);

    // One lens per article, for the entity it mentions most, titled when resolved.
    let lenses: Vec<String> = ide::code_lenses(&fixture.snap, file)
        .into_iter()
        .map(|l| {
            format!(
                "{} at {} -> {}",
                fixture.describe(FileRange {
                    file,
                    range: l.range
                }),
                fixture.describe(FileRange {
                    file,
                    range: l.target
                }),
                ide::code_lens_title(&fixture.snap, &l.key, &l.name)
            )
        })
        .collect();
    expect![[r#"
        [
            "/ws/a.article 2:1 \"\" at /ws/a.article 3:72 \"United States Trade Representative\" -> United States Trade Representative · 3 mentions in 1 article (2025-03-04)",
            "/ws/a.article 6:1 \"\" at /ws/a.article 7:6 \"Korea–U.S. FTA\" -> Korea–U.S. FTA · 3 mentions in 2 articles (first 2025-03-04, latest 2025-04-01)",
        ]
    "#]].assert_debug_eq(&lenses);

    let text = fixture.snap.file(file).expect("open").text.clone();
    let hints: Vec<String> = ide::inlay_hints(
        &fixture.snap,
        file,
        TextRange::new(0, text.len()),
        &InlayConfig::default(),
    )
    .into_iter()
    .map(|h| {
        format!(
            "{:?} at {:?}",
            h.label,
            &text[..h.offset]
                .chars()
                .rev()
                .take(6)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        )
    })
    .collect();
    expect![[r#"
        [
            "\": 2025-03-03\" at \"Monday\"",
        ]
    "#]]
    .assert_debug_eq(&hints);

    let symbols: Vec<String> = ide::workspace_symbols(&fixture.snap, "korea fr")
        .into_iter()
        .map(|s| {
            format!(
                "{} {:?} {}",
                s.name,
                s.kind,
                s.container.unwrap_or_default()
            )
        })
        .collect();
    expect![[r#"
        [
            "Korea–U.S. Free Trade Agreement Agreement korus-fta",
        ]
    "#]]
    .assert_debug_eq(&symbols);

    // Scattered letters match nothing; a word's start does.
    assert!(ide::workspace_symbols(&fixture.snap, "krs").is_empty());
    assert_eq!(ide::workspace_symbols(&fixture.snap, "ustr").len(), 1);

    let index: Vec<String> = ide::entity_index(&fixture.snap)
        .into_iter()
        .map(|e| {
            format!(
                "{} {} {:?} {}/{}",
                e.key, e.ty, e.name, e.mentions, e.articles
            )
        })
        .collect();
    expect![[r#"
        [
            "korus-fta agreement \"Korea–U.S. Free Trade Agreement\" 3/2",
            "ustr org \"US Trade Representative\" 3/1",
        ]
    "#]]
    .assert_debug_eq(&index);
}

/// Calls every feature at a position; none may panic, whatever the offset.
fn exercise_position(fixture: &Fixture, pos: crate::ide::FilePosition) {
    let snap = &fixture.snap;
    let _ = ide::hover(snap, pos);
    let _ = ide::goto_definition(snap, pos);
    let _ = ide::goto_declaration(snap, pos);
    let _ = ide::references(snap, pos, true);
    let _ = ide::document_highlight(snap, pos);
    let _ = ide::completions(snap, pos);
    let _ = ide::code_actions(
        snap,
        FileRange {
            file: pos.file,
            range: TextRange::empty(pos.offset),
        },
        &ide::diagnostics(snap, pos.file),
        None,
    );
    if ide::prepare_rename(snap, pos).is_some() {
        // A rename that prepares goes through, or is refused for a built-in key.
        match ide::rename(snap, pos, "renamed-key") {
            Ok(_) => {}
            Err(reason) => assert!(reason.contains("is a built-in key"), "{reason}"),
        }
    }
}

fn exercise_file(fixture: &Fixture, file: crate::workspace::FileId, step: usize) {
    let snap = &fixture.snap;
    let len = snap.file(file).expect("open").text.len();
    // Every offset, including those inside multi-byte characters and past the end.
    for offset in (0..=len + 1).step_by(step) {
        exercise_position(fixture, crate::ide::FilePosition { file, offset });
    }
    let _ = ide::document_symbols(snap, file);
    let _ = ide::folding_ranges(snap, file);
    let _ = ide::code_lenses(snap, file);
    let _ = ide::diagnostics(snap, file);
    let _ = ide::inlay_hints(snap, file, TextRange::new(0, len), &InlayConfig::default());
    let _ = ide::semantic_tokens(snap, file, Some(TextRange::new(len / 3, len / 2)));
}

#[test]
fn no_feature_panics_at_any_offset() {
    let fixture = with_kb(
        "//- /ws/a.article
-
Café Talks – Seoul’s Plan 🙂 [broken]{
The [[Korea]{place}–[UK]{place} FTA]{agreement ref=korea-uk-fta} and [x]{nope a=\"b\\\"c\"} in Seoul 🙂.
[]{org} \\[not a tag\\] [MOTIR]{org ref=motir date: 2025-13-40
-
-
Untitled? date2025-03-05 date2025-03-06
",
    );
    let file = fixture.file_id("/ws/a.article");
    exercise_file(&fixture, file, 1);
    let kb = fixture.file_id("/ws/kb/agreements.toml");
    exercise_file(&fixture, kb, 1);
    let _ = ide::workspace_symbols(&fixture.snap, "");
    let _ = ide::workspace_symbols(&fixture.snap, "é🙂");
    let _ = ide::entity_index(&fixture.snap);
}

/// The range-token property over an annotated example in the repository, so that it
/// holds in a plain `cargo test` too.
#[test]
fn range_tokens_of_an_annotated_example_are_its_file_tokens() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/annotated.article");
    let text = std::fs::read_to_string(path).expect("the example is readable");
    let fixture = parse(&format!("//- /ws/annotated.article\n{text}"));
    let file = fixture.file_id("/ws/annotated.article");
    let tokens = ide::semantic_tokens(&fixture.snap, file, None);
    assert!(tokens.len() > 100, "an annotated example has many tokens");
    range_tokens_are_the_file_tokens_in_the_range(&fixture, file, &tokens);
}

/// Needs the shared dev set beside the repository (`cargo test -- --ignored shared_data`).
#[test]
#[ignore = "reads ../shared, which CI puts beside the checkout"]
fn shared_data_no_feature_panics_on_the_annotated_dev_files() {
    let dev = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/dev");
    for name in ["seed-000.article", "seed-001.article"] {
        let text = std::fs::read_to_string(dev.join(name)).expect("the dev set is readable");
        let fixture = parse(&format!("//- /ws/{name}\n{text}"));
        let file = fixture.file_id(&format!("/ws/{name}"));
        let tokens = ide::semantic_tokens(&fixture.snap, file, None);
        assert!(tokens.len() > 100, "a dev file has many tokens");
        assert!(
            tokens
                .windows(2)
                .all(|w| w[0].range.end <= w[1].range.start)
        );
        exercise_file(&fixture, file, 61);
        range_tokens_are_the_file_tokens_in_the_range(&fixture, file, &tokens);
    }
}

/// Tokens of a range are painted from the items near it only; they must be exactly the
/// whole file's tokens that meet the range, for ranges that start and end anywhere.
fn range_tokens_are_the_file_tokens_in_the_range(
    fixture: &Fixture,
    file: crate::workspace::FileId,
    all: &[crate::ide::SemanticToken],
) {
    let len = fixture.snap.file(file).expect("file").text.len();
    let mut seed = 0x2545_f491_u64;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound.max(1) as u64) as usize
    };
    for _ in 0..300 {
        let start = next(len + 1);
        let end = (start + next(400)).min(len);
        let range = TextRange::new(start, end);
        let expected: Vec<_> = all
            .iter()
            .filter(|t| {
                // A file token split at a line end is one piece of a painted token;
                // the painted token meets the range when any of its pieces does.
                t.range.intersects(range)
            })
            .copied()
            .collect();
        let actual = ide::semantic_tokens(&fixture.snap, file, Some(range));
        let actual_meeting: Vec<_> = actual
            .iter()
            .filter(|t| t.range.intersects(range))
            .copied()
            .collect();
        assert_eq!(actual_meeting, expected, "tokens in {range:?}");
        // Pieces outside the range belong to tokens that meet it, as in the full list.
        assert!(actual.iter().all(|t| all.contains(t)), "{range:?}");
    }
}

/// An acronym is expanded once per article, at its first mention, and not at all in the
/// article that defines it; a range request agrees with the whole file's hints.
#[test]
fn acronym_expansions_are_hinted_once_per_article() {
    let fixture = parse(
        "//- /ws/a.article
Pact Talks
The Comprehensive and Progressive Agreement for Trans-Pacific Partnership (CPTPP) met. CPTPP members agreed. CPTPP rules apply. date2026-03-05
-
Accession Bid
The CPTPP welcomed the bid. Later, CPTPP ministers met again. date2026-03-06
",
    );
    let file = fixture.file_id("/ws/a.article");
    let text = fixture.snap.file(file).expect("open").text.clone();
    let config = InlayConfig {
        date_values: false,
        ..InlayConfig::default()
    };
    let describe = |hints: Vec<ide::InlayHint>| -> Vec<String> {
        hints
            .into_iter()
            .map(|h| format!("{} after {:?}", h.label, &text[h.offset - 5..h.offset]))
            .collect()
    };
    let whole = describe(ide::inlay_hints(
        &fixture.snap,
        file,
        TextRange::new(0, text.len()),
        &config,
    ));
    expect![[r#"
        [
            " (Comprehensive and Progressive Agreement for Trans-Pacific Partnership) after \"CPTPP\"",
        ]
    "#]]
    .assert_debug_eq(&whole);
    let second_article = text.find("Accession").expect("second article");
    let ranged = describe(ide::inlay_hints(
        &fixture.snap,
        file,
        TextRange::new(second_article, text.len()),
        &config,
    ));
    assert_eq!(ranged, whole);
    let hint_at = text.find("The CPTPP welcomed").expect("first mention") + "The CPTPP".len();
    assert_eq!(
        ide::inlay_hints(&fixture.snap, file, TextRange::new(0, text.len()), &config)[0].offset,
        hint_at
    );
}
