//! Validation codes that need a workspace: a config with a schema, a knowledge base,
//! strict settings. Each test writes a multi-file fixture (`//- /path` headers) to a
//! temporary folder, runs `accord check` on it, and snapshots the diagnostics.

use std::path::Path;
use std::process::Command;

use expect_test::{Expect, expect};

/// Writes the files of a fixture: each starts with a `//- /relative/path` line.
fn write_fixture(dir: &Path, fixture: &str) {
    let mut current: Option<(String, String)> = None;
    let flush = |file: Option<(String, String)>| {
        if let Some((path, text)) = file {
            let path = dir.join(path.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    };
    for line in fixture.lines() {
        let line = line.strip_prefix("        ").unwrap_or(line);
        if let Some(path) = line.strip_prefix("//- ") {
            flush(current.take());
            current = Some((path.trim().to_owned(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    flush(current);
}

/// Checks the fixture's folder and renders one line per diagnostic.
fn check(fixture: &str, expect: Expect) {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(dir.path(), fixture);
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["check", ".", "--format", "json", "--min-severity", "hint"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut lines = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for d in file["diagnostics"].as_array().unwrap() {
            lines.push(format!(
                "{} {}:{}-{}:{} {} {}: {}",
                file["path"].as_str().unwrap(),
                d["range"]["start"]["line"],
                d["range"]["start"]["column"],
                d["range"]["end"]["line"],
                d["range"]["end"]["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            ));
        }
    }
    lines.push(format!("exit {}", output.status.code().unwrap_or(-1)));
    expect.assert_eq(&(lines.join("\n") + "\n"));
}

#[test]
fn schema_from_config_required_enum_and_nesting() {
    check(
        r#"
        //- /accord.toml
        [types.sector]
        description = "Industrial sectors"
        entity = true
        [types.sector.attributes.level]
        kind = "enum"
        values = ["low", "high"]
        required = true
        [types.agreement]
        children = ["place"]
        //- /a.article
        Sector Report
        The [chips]{sector} and [ships]{sector level=hihg} sectors grew under the [[Korea]{place}–[MOTIR]{org} FTA]{agreement}. date2026-01-05
        "#,
        expect![[r#"
            a.article 2:13-2:19 error missing-attribute: a `sector` tag needs the attribute `level`
            a.article 2:46-2:50 error invalid-attribute-value: `hihg` is not one of `low`, `high`
            a.article 2:91-2:103 error forbidden-nesting: `org` tags may not be nested in `agreement` tags
            exit 1
        "#]],
    );
}

/// An entity-ref attribute other than `ref` names another entity, of any type: only
/// `ref` must match the tag's own type.
#[test]
fn only_ref_is_checked_against_the_tag_type() {
    check(
        r#"
        //- /accord.toml
        [types.quote.attributes.speaker]
        kind = "entity-ref"
        [types.org.attributes.country]
        kind = "entity-ref"
        //- /a.article
        Ministry News
        [“We will reply,”]{quote speaker=european-commission} said the [Commission]{org ref=european-commission country=seoul}, meeting in [Seoul]{org ref=seoul}. date2026-01-05
        "#,
        expect![[r#"
            a.article 2:140-2:143 warning type-mismatch: `seoul` is a `place` in the knowledge base, but the tag says `org`
            exit 1
        "#]],
    );
}

#[test]
fn knowledge_base_refs_types_and_closed_knowledge_base() {
    check(
        r#"
        //- /accord.toml
        [knowledge-base]
        paths = ["kb.toml"]
        closed = true
        //- /kb.toml
        [[entity]]
        key = "motir"
        type = "org"
        name = "Ministry of Trade, Industry and Resources"
        aliases = ["MOTIR"]
        //- /a.article
        Ministry News
        The [MOTIR]{org ref=motir} and [MOTIR]{place ref=motir} met [KOTRA]{org ref=kotra-agency} and [Seoul]{place ref=motr}. date2026-01-05
        "#,
        expect![[r#"
            a.article 2:40-2:45 warning type-mismatch: `motir` is an `org` in the knowledge base, but the tag says `place`
            a.article 2:77-2:89 error unknown-ref: `kotra-agency` is not in the knowledge base, which is closed
            a.article 2:113-2:117 error unknown-ref: `motr` is not in the knowledge base, which is closed; did you mean `motir`?
            exit 1
        "#]],
    );
}

#[test]
fn open_knowledge_base_reports_unknown_refs_as_hints() {
    check(
        r#"
        //- /a.article
        Ministry News
        The [Agency]{org ref=some-new-agency} met. date2026-01-05
        "#,
        expect![[r#"
            a.article 2:22-2:37 hint unknown-ref: `some-new-agency` is not in the knowledge base; its tags define it
            exit 1
        "#]],
    );
}

#[test]
fn strict_date_markers_and_unresolved_dates() {
    check(
        r#"
        //- /accord.toml
        [dates]
        strict-marker = true
        //- /a.article
        Talks Resume
        Negotiators met on Monday. date: 2026-01-05
        -
        Undated Note
        The committee meets next month.
        "#,
        expect![[r#"
            a.article 2:28-2:44 hint noncanonical-date: write the date marker as `date2026-01-05`
            a.article 4:1-4:13 warning missing-date: the article has no date marker (`dateYYYY-MM-DD` at its end), so relative dates cannot be resolved
            a.article 5:21-5:31 info unresolved-date: `next month` cannot be resolved: the article has no date marker
            exit 1
        "#]],
    );
}

#[test]
fn broken_config_is_reported_on_the_config_and_defaults_apply() {
    check(
        r#"
        //- /accord.toml
        [knowledge-base]
        paths = ["../outside.toml"]
        [diagnostics]
        missing-date = "loud"
        //- /a.article
        Title Only Article
        Some text without a date.
        "#,
        expect![[r#"
            a.article 1:1-1:19 warning missing-date: the article has no date marker (`dateYYYY-MM-DD` at its end), so relative dates cannot be resolved
            accord.toml 2:10-2:27 error path-outside-workspace: `../outside.toml` is outside the workspace (the folder of accord.toml), so it is not loaded
            accord.toml 4:16-4:22 error config-invalid: unknown severity `loud`: use error, warning, info, hint or off
            exit 1
        "#]],
    );
}

#[test]
fn invalid_toml_config_is_reported_and_defaults_apply() {
    check(
        r#"
        //- /accord.toml
        [files
        include = ["*.article"]
        //- /a.article
        Title
        Body with [Seoul]{plcae}. date2026-01-05
        "#,
        expect![[r#"
            a.article 2:19-2:24 error unknown-type: unknown type `plcae`; did you mean `place`?
            accord.toml 1:7-1:7 error config-syntax: invalid TOML: unclosed table, expected `]`
            exit 1
        "#]],
    );
}
