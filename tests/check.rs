//! End-to-end tests of `accord check`: the real binary over the bundled examples, every
//! output format, exit statuses, and hostile files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::expect_file;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the accord binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

/// `examples/broken` plants every diagnostic code a file or a configuration can raise:
/// each `<name>.article` and the `workspace/` folder print, with `--min-severity hint`,
/// what their `.expected` sidecar holds (`UPDATE_EXPECT=1` rewrites the sidecars). An
/// article named after a code raises that code.
#[test]
fn broken_examples_print_their_expected_reports_and_plant_every_code() {
    let broken = root().join("examples/broken");
    let mut targets: Vec<PathBuf> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "article"))
        .collect();
    targets.sort();
    targets.push(broken.join("workspace"));
    let mut raised = std::collections::BTreeSet::new();
    for target in &targets {
        let relative = target.strip_prefix(root()).unwrap().to_str().unwrap();
        let output = accord(&["check", relative, "--min-severity", "hint"]);
        let report = stdout(&output);
        expect_file![target.with_extension("expected")].assert_eq(&report);
        let codes: Vec<&str> = report
            .lines()
            .filter_map(|line| line.split_once('[')?.1.split_once("]: "))
            .map(|(code, _)| code)
            .collect();
        let name = target.file_stem().unwrap().to_str().unwrap();
        if accord::diagnostic::DiagnosticCode::from_name(name).is_some() {
            assert!(
                codes.contains(&name),
                "{relative} does not raise {name}: {codes:?}"
            );
        }
        let file_problem = codes
            .iter()
            .any(|code| ["io-error", "invalid-utf8", "too-many-files"].contains(code));
        let expected_status = if file_problem { 2 } else { 1 };
        assert_eq!(output.status.code(), Some(expected_status), "{relative}");
        raised.extend(codes.into_iter().map(str::to_owned));
    }
    let missing: Vec<&str> = accord::diagnostic::DiagnosticCode::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| !raised.contains(*code))
        .collect();
    assert!(missing.is_empty(), "no broken example raises {missing:?}");
}

#[test]
fn valid_examples_are_clean() {
    let output = accord(&[
        "check",
        "examples/annotated.article",
        "examples/press-releases.article",
        "examples/wire-news.article",
        "examples/crlf-bom.article",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn output_formats() {
    let file = "examples/broken/duplicate-attribute.article";
    for (format, snapshot) in [
        ("human", expect_file!["snapshots/check.human"]),
        ("json", expect_file!["snapshots/check.json"]),
        ("github", expect_file!["snapshots/check.github"]),
        ("sarif", expect_file!["snapshots/check.sarif"]),
    ] {
        let output = accord(&["check", file, "--format", format, "--min-severity", "hint"]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        snapshot.assert_eq(&stdout(&output));
        if format == "json" || format == "sarif" {
            let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert!(value.is_object());
        }
    }
}

#[test]
fn sarif_declares_every_rule_and_region() {
    // The examples' config leaves `broken/` out of folder walks, so the files are named.
    let broken: Vec<String> = std::fs::read_dir(root().join("examples/broken"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "article"))
        .map(|p| p.strip_prefix(root()).unwrap().to_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["check", "--format", "sarif", "--min-severity", "hint"];
    args.extend(broken.iter().map(String::as_str));
    let output = accord(&args);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r["id"].is_string() && r["shortDescription"]["text"].is_string())
    );
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 12);
    for result in results {
        let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[rule_index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("examples/broken/"), "{uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn exit_statuses() {
    let clean = accord(&["check", "examples/annotated.article"]);
    assert_eq!(clean.status.code(), Some(0));
    let findings = accord(&["check", "examples/broken/unknown-type.article"]);
    assert_eq!(findings.status.code(), Some(1));
    // A hint is below the default minimum severity, so it does not fail the check.
    let missing = accord(&["check", "no/such/file.article"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stdout(&missing).contains("io-error"));
    let usage = accord(&["check", "--format", "yaml"]);
    assert_eq!(usage.status.code(), Some(2));
}

/// A check that selects no file says why on standard error and fails, whether the
/// configuration excludes everything or the folder holds no article.
#[test]
fn a_check_or_fix_that_selects_no_file_says_why_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let excluded = dir.path().join("excluded");
    std::fs::create_dir_all(excluded.join("drafts")).unwrap();
    std::fs::write(
        excluded.join("accord.toml"),
        "[files]\ninclude = [\"*.article\"]\nexclude = [\"drafts/**\"]\n",
    )
    .unwrap();
    std::fs::write(
        excluded.join("drafts/a.article"),
        "A title\n\ndate2025-01-03\n\nText.\n",
    )
    .unwrap();
    let cases = [
        (empty.clone(), "holds no article file"),
        (excluded.join("drafts"), "the 1 article file under"),
    ];
    for (folder, reason) in cases {
        let folder = folder.to_str().unwrap();
        for command in [&["check", folder][..], &["fix", folder][..]] {
            let output = accord(command);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(
                stderr.starts_with("error: no file to check: ") && stderr.contains(reason),
                "{command:?}: {stderr}"
            );
            assert_eq!(stdout(&output), "", "{command:?}");
        }
    }
    let excluded_reason = String::from_utf8_lossy(
        &accord(&["check", excluded.join("drafts").to_str().unwrap()]).stderr,
    )
    .into_owned();
    assert!(
        excluded_reason.contains("is excluded by the [files] section of")
            && excluded_reason.contains("accord.toml"),
        "{excluded_reason}"
    );
    // The machine formats stay well formed for their readers.
    let json = accord(&["check", empty.to_str().unwrap(), "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["files"], serde_json::json!([]));
}

/// A folder with an `accord.toml` of its own is a workspace of its own when named, but a
/// walk from a workspace that excludes it neither reads its files nor reports its
/// configuration's problems.
#[test]
fn an_excluded_nested_workspace_is_left_out_of_its_parents_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("drafts")).unwrap();
    std::fs::write(
        root.join("accord.toml"),
        "[files]\ninclude = [\"**/*.article\"]\nexclude = [\"drafts/**\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("a.article"), "Title\nText. date2026-01-05\n").unwrap();
    std::fs::write(
        root.join("drafts/accord.toml"),
        "[dates]\nstrict-marker = 1\n",
    )
    .unwrap();
    std::fs::write(
        root.join("drafts/b.article"),
        "Title\n[Text]{nope}. date2026-01-05\n",
    )
    .unwrap();
    let parent = accord(&["check", root.to_str().unwrap()]);
    assert_eq!(parent.status.code(), Some(0), "{}", stdout(&parent));
    assert_eq!(stdout(&parent), "checked 1 file: no problems\n");
    let nested = accord(&["check", root.join("drafts").to_str().unwrap()]);
    let report = stdout(&nested);
    assert_eq!(nested.status.code(), Some(1), "{report}");
    assert!(
        report.contains("error[unknown-type]") && report.contains("error[config-invalid]"),
        "{report}"
    );
}

/// `--explain` prints a code's entry, with the output of its broken example, as
/// `rustc --explain` does; an unknown code is a usage error that lists the known ones.
#[test]
fn explain_prints_the_entry_of_a_code() {
    let output = accord(&["check", "--explain", "type-mismatch"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.starts_with("type-mismatch (warning by default)\n"),
        "{text}"
    );
    assert!(
        text.contains("warning[type-mismatch]: `seoul` is a `place` in the knowledge base"),
        "{text}"
    );
    let unknown = accord(&["check", "--explain", "type-mismatsh"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("known codes: invalid-utf8"));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn non_utf8_file_is_reported_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "good.article",
        b"Title\nA body with [Seoul]{plcae}. date2025-01-02\n",
    );
    write(
        dir.path(),
        "bad.article",
        b"Title\nBroken \xff\xfe bytes here. date2025-01-02\n",
    );
    write(dir.path(), "utf16.article", &[0xFF, 0xFE, b'T', 0, b'i', 0]);
    let output = accord(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let path = f["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| (path.clone(), d["code"].as_str().unwrap().to_owned()))
        })
        .collect();
    assert!(
        codes.contains(&("bad.article".into(), "invalid-utf8".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("utf16.article".into(), "invalid-utf8".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("good.article".into(), "unknown-type".into())),
        "{codes:?}"
    );
    let bad = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("bad.article"))
        .unwrap();
    assert_eq!(bad["diagnostics"][0]["range"]["start"]["line"], 2);
    assert_eq!(bad["diagnostics"][0]["range"]["start"]["column"], 8);
}

#[cfg(unix)]
#[test]
fn directory_loop_is_reported_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::os::unix::fs::symlink(dir.path(), inner.join("loop")).unwrap();
    write(
        &inner,
        "a.article",
        b"Title\nText [x]{plcae}. date2025-01-02\n",
    );
    let output = accord(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(text.contains("directory loop"), "{text}");
    assert!(text.contains("unknown-type"), "{text}");
}

/// A single line of 20 MB with tags every few hundred bytes, and a line with
/// 100 000 tags: both checked without a hang.
#[test]
fn huge_lines_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut line = String::with_capacity(20_100_000);
    line.push_str("A Title\n");
    while line.len() < 20_000_000 {
        line.push_str("Talks in [Seoul]{place ref=seoul} on trade – the Korea–U.S. FTA and tariffs were discussed at length by officials of both sides. ");
    }
    line.push_str("date2025-06-01\n");
    let big = write(dir.path(), "big.article", line.as_bytes());
    let output = accord(&["check", &big, "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let mut many = String::from("Many Tags\n");
    for i in 0..100_000 {
        many.push_str(&format!("[w{i}]{{plcae}} "));
    }
    many.push_str("date2025-06-01\n");
    let many = write(dir.path(), "many.article", many.as_bytes());
    let output = accord(&["check", &many, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 100_000);
}
