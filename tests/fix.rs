//! End-to-end tests of `accord fix`: the real binary over article files in temporary
//! folders. A dry run prints a diff and touches nothing; `--write` applies the fixes
//! `check` offers, atomically, keeping permissions, the byte order mark and line
//! endings, and never rewrites a file it has nothing to change in.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use common::entry_names as names;

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    command
}

fn accord(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run accord")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// What tells a rewritten file from an untouched one: its bytes, its modification
/// time and its inode (an atomic write replaces the inode).
fn fingerprint(path: &Path) -> (Vec<u8>, std::time::SystemTime, u64) {
    let meta = std::fs::metadata(path).expect("meta");
    (
        std::fs::read(path).expect("read"),
        meta.modified().expect("mtime"),
        meta.ino(),
    )
}

/// The diagnostics `check` reports for one file, at every severity.
fn check_diagnostics(dir: &Path, file: &str) -> Vec<Value> {
    let output = accord(
        dir,
        &["check", file, "--format", "json", "--min-severity", "hint"],
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("check json");
    report["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_owned())
        .collect()
}

/// An article whose tagged Friday disagrees with the day before its date.
const DATE_MISMATCH: &str = "Ministers Meet on Tariffs\n\
    The two trade ministers met on [Friday]{date value=2025-03-01} to discuss steel tariffs. \
    date2025-03-10\n";

#[test]
fn a_dry_run_prints_a_diff_and_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.article");
    std::fs::write(&path, DATE_MISMATCH).expect("write");
    let before = fingerprint(&path);
    let output = accord(dir.path(), &["fix"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let line = DATE_MISMATCH.lines().nth(1).expect("line 2");
    let fixed = line.replace("2025-03-01", "2025-03-07");
    assert_eq!(
        stdout(&output),
        format!("--- a.article\n+++ a.article\n@@ -2 +2 @@\n-{line}\n+{fixed}\n")
    );
    assert_eq!(
        stderr(&output),
        "1 fix in 1 file; run with --write to apply\n"
    );
    assert_eq!(fingerprint(&path), before);
    assert_eq!(names(dir.path()), ["a.article"]);
}

#[test]
fn write_applies_the_offered_fix_keeps_permissions_and_then_checks_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.article");
    std::fs::write(&path, DATE_MISMATCH).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    // The fix `check` offers is the one `fix` must apply.
    let diagnostics = check_diagnostics(dir.path(), "a.article");
    assert_eq!(codes(&diagnostics), ["date-value-mismatch"]);
    let edit = &diagnostics[0]["fix"]["edits"][0];
    let (start, end) = (
        edit["range"]["start"].as_u64().unwrap() as usize,
        edit["range"]["end"].as_u64().unwrap() as usize,
    );
    let expected = format!(
        "{}{}{}",
        &DATE_MISMATCH[..start],
        edit["replacement"].as_str().unwrap(),
        &DATE_MISMATCH[end..]
    );

    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        "a.article: 1 fix applied\napplied 1 fix in 1 file\n"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), expected);
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(names(dir.path()), ["a.article"]);
    assert_eq!(
        check_diagnostics(dir.path(), "a.article"),
        Vec::<Value>::new()
    );
    let output = accord(dir.path(), &["check", "a.article"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn a_crlf_file_with_a_byte_order_mark_keeps_both() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.article");
    let text = "\u{feff}Port Talks Resume\r\n\r\n\
        Negotiators met in [Busan]{plcae} on [Tuesday]{date value=2025-03-01}.\r\n\
        They meet again next month. date2025-03-06\r\n";
    std::fs::write(&path, text).expect("write");
    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output).lines().next(),
        Some("a.article: 2 fixes applied")
    );
    let written = std::fs::read(&path).expect("read");
    assert_eq!(
        String::from_utf8(written.clone()).expect("utf-8"),
        text.replace("plcae", "place")
            .replace("2025-03-01", "2025-03-04")
    );
    assert!(written.starts_with("\u{feff}".as_bytes()));
    let line_feeds = written.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(line_feeds, 4);
    for (at, _) in written.iter().enumerate().filter(|(_, b)| **b == b'\n') {
        assert_eq!(written[at - 1], b'\r', "a bare line feed at byte {at}");
    }
}

#[test]
fn overlapping_fixes_apply_one_at_a_time_and_the_rest_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.article");
    // The repeated `value` is both wrong and repeated: removing it overlaps fixing it.
    std::fs::write(
        &path,
        "Port Talks Resume\n\
         Negotiators met on [Tuesday]{date value=2025-03-01 value=2025-03-01}. date2025-03-06\n",
    )
    .expect("write");
    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output),
        "a.article: 2 fixes applied\n\
         applied 2 fixes in 1 file; 1 fix overlaps another and waits for a second run\n"
    );
    let error = stderr(&output);
    assert!(
        error.starts_with("a.article:2:") && error.contains("overlaps another fix; run again"),
        "{error}"
    );
    assert!(error.contains("(date-value-mismatch)"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "Port Talks Resume\n\
         Negotiators met on [Tuesday]{date value=2025-03-04}. date2025-03-06\n"
    );
    // The second run finds nothing left, and does not touch the file.
    let before = fingerprint(&path);
    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output), "nothing to fix\n");
    assert_eq!(fingerprint(&path), before);
}

#[test]
fn a_second_write_finds_nothing_and_rewrites_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.article");
    std::fs::write(&path, DATE_MISMATCH).expect("write");
    let first = accord(dir.path(), &["fix", "--write", "."]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let before = fingerprint(&path);
    let second = accord(dir.path(), &["fix", "--write", "."]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert_eq!(stdout(&second), "nothing to fix\n");
    assert_eq!(fingerprint(&path), before);
    let dry = accord(dir.path(), &["fix", "."]);
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    assert_eq!(
        (stdout(&dry), stderr(&dry)),
        (String::new(), "nothing to fix\n".to_owned())
    );
}

#[test]
fn codes_choose_the_fixes_and_reach_below_the_default_severity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let strict = dir.path().join("strict");
    std::fs::create_dir(&strict).expect("mkdir");
    std::fs::write(
        strict.join("accord.toml"),
        "[dates]\nstrict-marker = true\n",
    )
    .expect("write");
    let path = strict.join("a.article");
    std::fs::write(
        &path,
        "Port Talks Resume\n\
         Negotiators met in [Busan]{plcae} on [Tuesday]{date value=2025-03-01}. date: 2025-03-06\n",
    )
    .expect("write");
    let found = codes(&check_diagnostics(&strict, "a.article"));
    assert_eq!(
        found,
        ["unknown-type", "date-value-mismatch", "noncanonical-date"]
    );

    let output = accord(dir.path(), &["fix", "--write", "--code", "unknown-type"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let found = codes(&check_diagnostics(&strict, "a.article"));
    assert_eq!(found, ["date-value-mismatch", "noncanonical-date"]);
    // Without codes the floor is `check`'s: the hint about the marker is left.
    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        codes(&check_diagnostics(&strict, "a.article")),
        ["noncanonical-date"]
    );
    // Naming the code fixes it whatever its severity.
    let output = accord(
        dir.path(),
        &["fix", "--write", "--code", "noncanonical-date"],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(check_diagnostics(&strict, "a.article"), Vec::<Value>::new());
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .ends_with("{date value=2025-03-04}. date2025-03-06\n")
    );

    let output = accord(dir.path(), &["fix", "--code", "no-such-code"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("unknown code `no-such-code`"));
}

#[test]
fn a_missing_path_is_an_error_and_the_other_files_are_still_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.article"), DATE_MISMATCH).expect("write");
    let output = accord(
        dir.path(),
        &["fix", "--write", "missing.article", "a.article"],
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("missing.article"), "{output:?}");
    assert!(
        std::fs::read_to_string(dir.path().join("a.article"))
            .expect("read")
            .contains("value=2025-03-07")
    );
}

/// Whether this process runs as root, to whom folder permissions are no obstacle.
fn running_as_root(dir: &Path) -> bool {
    std::fs::metadata(dir).expect("meta").uid() == 0
}

#[test]
fn a_read_only_folder_is_a_clear_error_and_its_file_stays_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("locked");
    std::fs::create_dir(&folder).expect("mkdir");
    let path = folder.join("a.article");
    std::fs::write(&path, DATE_MISMATCH).expect("write");
    let other = dir.path().join("b.article");
    std::fs::write(&other, DATE_MISMATCH).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let before = fingerprint(&path);

    let mut fix = command(dir.path(), &["fix", "--write"]);
    if running_as_root(dir.path()) {
        // Root may write anywhere; the folder stops only an ordinary user. That user
        // may not be able to reach the build folder (under a private home), so it runs
        // a copy of the binary from the test's own folder.
        let binary = dir.path().join("accord-copy");
        std::fs::copy(env!("CARGO_BIN_EXE_accord"), &binary).expect("copy the binary");
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        fix = Command::new(&binary);
        fix.args(["fix", "--write"])
            .current_dir(dir.path())
            .env("NO_COLOR", "1");
        fix.uid(65534).gid(65534);
    }
    // A test running at the same time may fork while the copy's file is still open for
    // writing in this process, and the child then holds it open: executing the copy
    // fails with "text file busy" until that child has exec'd. So it is retried.
    let output = (0..50)
        .find_map(|_| match fix.output() {
            Err(error) if error.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                None
            }
            result => Some(result),
        })
        .expect("the copy of the binary stays busy")
        .expect("run accord");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let error = stderr(&output);
    assert!(
        error.contains("cannot write locked/a.article") && error.contains("ermission denied"),
        "{error}"
    );
    assert_eq!(fingerprint(&path), before);
    assert_eq!(names(&folder), ["a.article"]);
    // The file beside the folder is fixed all the same.
    assert_eq!(
        stdout(&output).lines().next(),
        Some("b.article: 1 fix applied")
    );
}

#[test]
fn a_knowledge_base_file_gets_its_fix_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("kb")).expect("mkdir");
    std::fs::write(
        dir.path().join("accord.toml"),
        "[knowledge-base]\npaths = [\"kb/*.toml\"]\n",
    )
    .expect("write");
    let kb = dir.path().join("kb/events.toml");
    let text =
        "[[entity]]\r\nkey = \"Port Talks\"\r\ntype = \"event\"\r\nname = \"Port Talks\"\r\n";
    std::fs::write(&kb, text).expect("write");
    std::fs::write(
        dir.path().join("a.article"),
        "Port Talks Resume\nNegotiators met. date2025-03-06\n",
    )
    .expect("write");
    let output = accord(dir.path(), &["fix", "--write"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output),
        "kb/events.toml: 1 fix applied\napplied 1 fix in 1 file\n"
    );
    assert_eq!(
        std::fs::read_to_string(&kb).expect("read"),
        text.replacen("Port Talks", "port-talks", 1)
    );
    let output = accord(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}
