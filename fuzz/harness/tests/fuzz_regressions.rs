//! Replays every kept crash input and every seed of the fuzz targets through the same
//! harness the targets call, plus a few hostile inputs written here, so that a bug
//! fuzzing found stays fixed in a plain `cargo test --workspace`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

type Harness = fn(&[u8]);

const TARGETS: &[(&str, Harness)] = &[
    ("analyze_file", accord_fuzz_harness::analyze_file),
    ("incremental_edits", accord_fuzz_harness::incremental_edits),
    ("lsp_messages", accord_fuzz_harness::lsp_messages),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files of `fuzz/<kind>/<target>`, sorted; none when the folder does not exist.
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.is_file() && !path.ends_with(".gitkeep"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Runs `harness` on each input and fails with the names of all that panicked.
fn replay(harness: Harness, cases: &[(String, Vec<u8>)]) {
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(_, data)| catch_unwind(AssertUnwindSafe(|| harness(data))).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(failed.is_empty(), "these inputs fail: {failed:?}");
}

fn files_as_cases(files: &[PathBuf]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|path| {
            let data = std::fs::read(path).expect("a readable input");
            (path.display().to_string(), data)
        })
        .collect()
}

#[test]
fn every_kept_crash_input_passes() {
    for &(target, harness) in TARGETS {
        replay(harness, &files_as_cases(&inputs("regressions", target)));
    }
}

#[test]
fn every_seed_passes_and_each_target_has_seeds() {
    for &(target, harness) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(seeds.len() >= 3, "{target} has only {} seeds", seeds.len());
        replay(harness, &files_as_cases(&seeds));
    }
}

/// Inputs that have broken parsers of this kind before: deep nesting, lone brackets at
/// the end, CR without LF, a BOM in the middle, NULs, and control chunks alone.
fn hostile_inputs() -> Vec<(String, Vec<u8>)> {
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("one NUL", vec![0]),
        ("NULs only", vec![0; 64]),
        ("all byte values", (0..=255).collect()),
        ("open brackets", "[".repeat(20_000).into_bytes()),
        ("close brackets", "]{".repeat(5_000).into_bytes()),
        ("lone CRs", "Title\rBody\rdate2026-01-01\r".into()),
        (
            "BOM mid-text",
            "Title\n\u{feff}Body [x\u{feff}]{org}\ndate2026-01-01".into(),
        ),
        ("tag at end", "Title\nBody [Seoul]{place ref=".into()),
        ("escape at end", "Title\nBody \\".into()),
        ("date only", "date2026-02-29".into()),
        ("separators", "-\n-\n-\n\n-".into()),
        ("control bytes only", vec![0xff; 300]),
    ];
    let mut text_after_control = vec![3, 1, 2, 9, 9, 0xff, 0x80];
    text_after_control.push(0);
    text_after_control.extend_from_slice("Title\nA line with é and 🙂 [x]{org}\n".as_bytes());
    cases.push(("control then text", text_after_control));
    cases
        .into_iter()
        .map(|(name, data)| (name.to_owned(), data))
        .collect()
}

#[test]
fn hostile_inputs_pass_every_target() {
    let cases = hostile_inputs();
    for &(_, harness) in TARGETS {
        replay(harness, &cases);
    }
}
