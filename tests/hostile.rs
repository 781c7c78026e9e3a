//! Hostile input: every file or configuration a careless or malicious workspace can hold
//! gets a diagnostic or a clear error with a location, in bounded time and memory.
//!
//! Inputs are built in temporary folders at run time. The real binary runs under a
//! watchdog that kills it at the time limit and samples its peak resident memory
//! (`VmHWM` in `/proc/<pid>/status`). The limits hold for the unoptimised test profile
//! on two cores; the release binary needs a fraction of them.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The large inputs need hundreds of megabytes each; one at a time keeps the peak of
/// the whole test binary bounded too.
static LARGE: Mutex<()> = Mutex::new(());

const MB: u64 = 1024 * 1024;

struct Run {
    output: Output,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.output.stdout).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {}",
                String::from_utf8_lossy(&self.output.stdout)
            )
        })
    }

    /// `(code, path, line, column)` of every diagnostic in a JSON report.
    fn diagnostics(&self) -> Vec<(String, String, u64, u64)> {
        let report = self.json();
        let mut found = Vec::new();
        for file in report["files"].as_array().expect("files") {
            for d in file["diagnostics"].as_array().expect("diagnostics") {
                found.push((
                    d["code"].as_str().unwrap_or("").to_owned(),
                    file["path"].as_str().unwrap_or("").to_owned(),
                    d["range"]["start"]["line"].as_u64().unwrap_or(0),
                    d["range"]["start"]["column"].as_u64().unwrap_or(0),
                ));
            }
        }
        found
    }

    fn message(&self, code: &str) -> String {
        let report = self.json();
        report["files"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|f| f["diagnostics"].as_array().cloned().unwrap_or_default())
            .find(|d| d["code"] == code)
            .map(|d| d["message"].as_str().unwrap_or("").to_owned())
            .unwrap_or_else(|| panic!("no {code} in {report}"))
    }
}

fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `accord` in `dir`, killing it after `time_limit`, and asserts both limits.
fn run_bounded(dir: &Path, args: &[&str], time_limit: Duration, memory_limit: u64) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        // A server started here keeps its index cache in the test's folder.
        .env("ACCORD_CACHE_DIR", dir.join(".cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start accord");
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    // Read the output on threads so that a large report cannot block the child.
    let out = std::thread::spawn(move || read_all(stdout));
    let err = std::thread::spawn(move || read_all(stderr));
    let mut peak = 0;
    let status = loop {
        if let Some(rss) = peak_rss(pid) {
            peak = peak.max(rss);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > time_limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("accord {args:?} ran longer than {time_limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    eprintln!(
        "accord {args:?}: {:.2} s, peak {} MB",
        elapsed.as_secs_f64(),
        peak / MB
    );
    assert!(
        peak <= memory_limit,
        "accord {args:?} used {} MB, more than {} MB",
        peak / MB,
        memory_limit / MB
    );
    Run { output }
}

fn read_all(mut reader: impl std::io::Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = reader.read_to_end(&mut bytes);
    bytes
}

fn check(dir: &Path, file: &str, time_limit: Duration, memory_limit: u64) -> Run {
    run_bounded(
        dir,
        &["check", file, "--format", "json", "--min-severity", "hint"],
        time_limit,
        memory_limit,
    )
}

#[test]
fn non_utf8_bytes_are_reported_at_the_first_bad_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = b"A Title\nBody text \xE9t\xE9 here. date2025-01-01\n".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    std::fs::write(dir.path().join("latin1.article"), &bytes).expect("write");
    let run = check(
        dir.path(),
        "latin1.article",
        Duration::from_secs(20),
        100 * MB,
    );
    assert_eq!(run.output.status.code(), Some(2));
    assert_eq!(
        run.diagnostics(),
        [("invalid-utf8".into(), "latin1.article".into(), 2, 11)]
    );
    assert!(run.message("invalid-utf8").contains("0xE9 at offset 18"));
}

#[test]
fn a_nul_filled_binary_file_is_reported_as_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("zeros.article"), vec![0u8; 4 * MB as usize]).expect("write");
    let mut mixed = b"A Title\nText".to_vec();
    mixed.extend_from_slice(&[0, 1, 2, 0xFF, 0]);
    std::fs::write(dir.path().join("mixed.article"), mixed).expect("write");
    let run = check(dir.path(), ".", Duration::from_secs(20), 100 * MB);
    assert_eq!(run.output.status.code(), Some(2));
    let mut found = run.diagnostics();
    found.sort();
    assert_eq!(
        found,
        [
            ("invalid-utf8".into(), "mixed.article".into(), 2, 5),
            ("invalid-utf8".into(), "zeros.article".into(), 1, 1),
        ]
    );
    assert!(run.message("invalid-utf8").contains("binary"));
}

#[test]
fn a_utf16_file_with_a_bom_is_reported_with_a_conversion_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "A Title\nBody. date2025-01-01\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("utf16.article"), bytes).expect("write");
    let run = check(
        dir.path(),
        "utf16.article",
        Duration::from_secs(20),
        100 * MB,
    );
    assert_eq!(run.output.status.code(), Some(2));
    assert_eq!(
        run.diagnostics(),
        [("invalid-utf8".into(), "utf16.article".into(), 1, 1)]
    );
    assert!(run.message("invalid-utf8").contains("UTF-16"));
}

#[test]
fn fifty_megabytes_without_a_newline_are_checked() {
    let _large = LARGE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::with_capacity(50 * MB as usize + 100);
    text.push_str("A title on the same line as everything. ");
    let mut sentences = 0;
    while text.len() < 50 * MB as usize {
        sentences += 1;
        // A misspelt tag in one sentence of a thousand, a tag in every tenth.
        text.push_str(match sentences % 1000 {
            0 => "Talks on [tariffs]{plcae} and trade in Seoul went on – café. ",
            n if n % 10 == 0 => "Talks on [tariffs]{event} and trade in Seoul went on – café. ",
            _ => "Talks on tariffs and trade in Seoul went on for hours – café. ",
        });
    }
    std::fs::write(dir.path().join("long.article"), &text).expect("write");
    drop(text);
    let run = check(
        dir.path(),
        "long.article",
        Duration::from_secs(150),
        1600 * MB,
    );
    assert_eq!(run.output.status.code(), Some(1));
    let report = run.json();
    // Every misspelt tag is found on the one line; the article has no date.
    assert_eq!(
        report["summary"]["errors"].as_u64(),
        Some(sentences / 1000),
        "{}",
        report["summary"]
    );
    let found = run.diagnostics();
    assert!(found.iter().all(|(_, _, line, _)| *line == 1));
    assert!(found.iter().any(|(code, ..)| code == "missing-date"));
}

#[test]
fn a_million_tags_are_checked() {
    let _large = LARGE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("Many Tags\n");
    for i in 0..1_000_000 {
        text.push_str(if i % 1000 == 999 {
            "[Seoul]{plcae}\n"
        } else {
            "[w]{org} "
        });
    }
    text.push_str("date2025-06-01\n");
    std::fs::write(dir.path().join("tags.article"), &text).expect("write");
    let run = check(
        dir.path(),
        "tags.article",
        Duration::from_secs(150),
        1600 * MB,
    );
    assert_eq!(run.output.status.code(), Some(1));
    let found = run.diagnostics();
    assert_eq!(found.len(), 1000, "one misspelt type per thousand tags");
    assert_eq!(
        found[0],
        ("unknown-type".into(), "tags.article".into(), 2, 9000)
    );
}

#[test]
fn a_hundred_thousand_nested_brackets_are_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let depth = 100_000;
    let mut text = String::from("Deep\n");
    text.push_str(&"[".repeat(depth));
    text.push_str("core");
    text.push_str(&"]{plcae}".repeat(depth));
    text.push_str(" date2025-01-01\n");
    std::fs::write(dir.path().join("deep.article"), &text).expect("write");
    let run = check(
        dir.path(),
        "deep.article",
        Duration::from_secs(60),
        800 * MB,
    );
    assert_eq!(run.output.status.code(), Some(1));
    let found = run.diagnostics();
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(code, _, line, _)| *line == 2 && code != "io-error"),
        "{:?}",
        &found[..found.len().min(5)]
    );
    // Unclosed brackets are text, not a problem, however many.
    std::fs::write(
        dir.path().join("open.article"),
        format!("Open\n{}x date2025-01-01\n", "[".repeat(depth)),
    )
    .expect("write");
    let run = check(
        dir.path(),
        "open.article",
        Duration::from_secs(60),
        400 * MB,
    );
    assert_eq!(run.output.status.code(), Some(0));
}

#[test]
fn a_megabyte_attribute_value_is_checked_and_located() {
    let dir = tempfile::tempdir().expect("temp dir");
    let value = "v".repeat(MB as usize);
    let text = format!("T\n[Seoul]{{place ref=\"{value}\"}} and [x]{{plcae}}. date2025-01-01\n");
    std::fs::write(dir.path().join("attr.article"), text).expect("write");
    let run = check(
        dir.path(),
        "attr.article",
        Duration::from_secs(60),
        400 * MB,
    );
    let found = run.diagnostics();
    let column = 1 + "[Seoul]{place ref=\"".len() as u64 + MB + "\"} and [x]{".len() as u64;
    assert!(
        found.contains(&("unknown-type".into(), "attr.article".into(), 2, column)),
        "{found:?}"
    );
}

#[test]
fn a_directory_symlink_loop_is_reported_and_the_rest_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = dir.path().join("a/b");
    std::fs::create_dir_all(&inner).expect("mkdir");
    std::os::unix::fs::symlink(dir.path().join("a"), inner.join("up")).expect("symlink");
    std::os::unix::fs::symlink("self", dir.path().join("self")).expect("symlink");
    std::fs::write(inner.join("x.article"), "T\n[x]{plcae}. date2025-01-01\n").expect("write");
    let run = check(dir.path(), ".", Duration::from_secs(20), 100 * MB);
    let found = run.diagnostics();
    assert!(
        found
            .iter()
            .any(|(code, path, ..)| code == "io-error" && path.contains("up"))
    );
    assert!(run.message("io-error").contains("directory loop"));
    assert!(found.iter().any(|(code, ..)| code == "unknown-type"));
}

#[test]
fn a_file_deleted_after_listing_is_an_io_error_with_its_path() {
    // The window between listing a folder and reading a file, held open: the file is
    // listed, then deleted, then read, as a concurrent delete during indexing does.
    let dir = tempfile::tempdir().expect("temp dir");
    let gone = dir.path().join("gone.article");
    std::fs::write(&gone, "T\nBody. date2025-01-01\n").expect("write");
    std::fs::write(dir.path().join("kept.article"), "T\nKept. date2025-01-01\n").expect("write");
    let listed = accord::files::collect_files(
        &[dir.path().to_path_buf()],
        &|_, p| p.extension().is_some_and(|e| e == "article"),
        accord::files::WalkLimits::UNLIMITED,
    );
    assert_eq!(listed.len(), 2);
    std::fs::remove_file(&gone).expect("delete");
    for source in listed {
        let read = accord::files::read_article_file(&source.path, MB);
        if source.path == gone {
            let problem = read.expect_err("the file is gone");
            assert_eq!(problem.diagnostic.code, accord::DiagnosticCode::IoError);
            assert!(problem.diagnostic.message.contains("gone.article"));
        } else {
            assert!(read.is_ok());
        }
    }
    // A link to a deleted file is the same window, seen by the real binary.
    std::os::unix::fs::symlink(&gone, dir.path().join("dangling.article")).expect("symlink");
    let run = check(dir.path(), ".", Duration::from_secs(20), 100 * MB);
    assert_eq!(run.output.status.code(), Some(2));
    assert!(
        run.diagnostics()
            .iter()
            .any(|(code, path, ..)| code == "io-error" && path.contains("dangling"))
    );
}

fn workspace_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("accord.toml"), config).expect("write");
    std::fs::write(
        dir.path().join("a.article"),
        "T\n[Seoul]{plcae} hosted talks. date2025-01-01\n",
    )
    .expect("write");
    dir
}

#[test]
fn an_invalid_toml_config_is_located_and_the_defaults_apply() {
    let dir = workspace_with_config("[files]\ninclude = [\"*.article\"\n");
    let run = check(dir.path(), ".", Duration::from_secs(20), 100 * MB);
    let found = run.diagnostics();
    assert!(
        found
            .iter()
            .any(|(code, path, line, _)| code == "config-syntax"
                && path == "accord.toml"
                && *line >= 2)
    );
    assert!(found.iter().any(|(code, ..)| code == "unknown-type"));
}

#[test]
fn config_values_of_the_wrong_type_are_located() {
    let dir = workspace_with_config(
        "[files]\ninclude = \"*.article\"\n[limits]\nmax-files = \"many\"\nmax-file-size = -3\n[knowledge-base]\nbuiltin = \"yes\"\n",
    );
    let run = check(dir.path(), ".", Duration::from_secs(20), 100 * MB);
    let mut lines: Vec<u64> = run
        .diagnostics()
        .into_iter()
        .filter(|(code, path, ..)| code == "config-invalid" && path == "accord.toml")
        .map(|(_, _, line, _)| line)
        .collect();
    lines.sort();
    assert_eq!(lines, [2, 4, 5, 7], "{:?}", run.diagnostics());
}

#[test]
fn a_knowledge_base_path_outside_the_workspace_is_refused() {
    let outer = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outer.path().join("secret.toml"),
        "[[entity]]\nkey = \"secret\"\ntype = \"org\"\nname = \"Secret Org\"\n",
    )
    .expect("write");
    let inner = outer.path().join("ws");
    std::fs::create_dir(&inner).expect("mkdir");
    let absolute = outer.path().join("secret.toml");
    std::fs::write(
        inner.join("accord.toml"),
        format!(
            "[knowledge-base]\npaths = [\"../secret.toml\", \"{}\", \"link/*.toml\"]\n",
            absolute.display()
        ),
    )
    .expect("write");
    // A link inside the workspace to a folder outside it is outside too.
    std::os::unix::fs::symlink(outer.path(), inner.join("link")).expect("symlink");
    std::fs::write(
        inner.join("a.article"),
        "T\n[Secret Org]{org ref=secret} met. date2025-01-01\n",
    )
    .expect("write");
    let run = check(&inner, ".", Duration::from_secs(20), 100 * MB);
    let found = run.diagnostics();
    let refused: Vec<u64> = found
        .iter()
        .filter(|(code, path, ..)| code == "path-outside-workspace" && path == "accord.toml")
        .map(|(_, _, line, _)| *line)
        .collect();
    assert_eq!(refused.len(), 3, "{found:?}");
    // The entry outside was not loaded, so its key is unknown.
    assert!(
        found
            .iter()
            .any(|(code, path, ..)| code.contains("unknown") && path == "a.article"),
        "{found:?}"
    );
}

#[test]
fn a_knowledge_base_of_a_hundred_thousand_entries_loads() {
    let _large = LARGE.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("accord.toml"),
        "[knowledge-base]\npaths = [\"kb.toml\"]\nclosed = true\n",
    )
    .expect("write");
    let mut kb = String::new();
    for i in 0..100_000 {
        kb.push_str(&format!(
            "[[entity]]\nkey = \"org-{i}\"\ntype = \"org\"\nname = \"Trade Council Number {i}\"\naliases = [\"TC{i}\"]\n\n"
        ));
    }
    // One broken entry near the end is located exactly.
    kb.push_str("[[entity]]\nkey = \"broken\"\ntype = 7\nname = \"Broken\"\n");
    let broken_line = kb.lines().count() as u64 - 1;
    std::fs::write(dir.path().join("kb.toml"), kb).expect("write");
    std::fs::write(
        dir.path().join("a.article"),
        "T\n[Trade Council Number 99999]{org ref=org-99999} met [TC5]{org ref=org-5} and [X]{org ref=org-100000}. date2025-01-01\n",
    )
    .expect("write");
    let run = check(dir.path(), ".", Duration::from_secs(120), 1200 * MB);
    let found = run.diagnostics();
    let article: Vec<_> = found.iter().filter(|d| d.1 == "a.article").collect();
    assert_eq!(article.len(), 1, "only the unknown key: {found:?}");
    assert!(
        found
            .iter()
            .any(|(_, path, line, _)| path == "kb.toml" && *line == broken_line),
        "{found:?}"
    );
}

#[test]
fn human_snippets_on_one_long_line_stay_linear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("A title and a long line. ");
    while text.len() < 2 * MB as usize {
        text.push_str("Talks on [tariffs]{plcae} went on – café and more text here. ");
    }
    std::fs::write(dir.path().join("line.article"), &text).expect("write");
    let run = run_bounded(
        dir.path(),
        &["check", "line.article", "--color", "never"],
        Duration::from_secs(60),
        400 * MB,
    );
    let out = String::from_utf8_lossy(&run.output.stdout);
    // Every snippet is a window of the line, not the line.
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest < 200, "a snippet line of {longest} characters");
    assert!(out.matches("unknown-type").count() > 30_000);
}
