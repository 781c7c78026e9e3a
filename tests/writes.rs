//! Commands that write files write them whole or not at all: a temporary file in the
//! same folder, then a rename; a replaced file keeps its permissions.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{entry_names as names, run_accord as accord};

#[test]
fn strip_output_replaces_a_file_atomically_and_keeps_its_permissions() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.article"),
        "Title\r\n[Seoul]{place} hosted talks. date2025-01-01\r\n",
    )
    .expect("write");
    let out = dir.path().join("plain.txt");
    std::fs::write(&out, "old plain text\n").expect("write");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let output = accord(dir.path(), &["strip", "a.article", "-o", "plain.txt"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "Title\r\nSeoul hosted talks. date2025-01-01\r\n"
    );
    let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(names(dir.path()), ["a.article", "plain.txt"]);
}

#[test]
fn a_failed_write_leaves_the_target_untouched_and_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a.article"),
        "Title\nText. date2025-01-01\n",
    )
    .expect("write");
    // The target is a folder: the rename fails after the temporary file was written.
    std::fs::create_dir(dir.path().join("plain.txt")).expect("mkdir");
    let output = accord(dir.path(), &["strip", "a.article", "-o", "plain.txt"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("plain.txt"));
    assert_eq!(names(dir.path()), ["a.article", "plain.txt"]);
    assert!(dir.path().join("plain.txt").is_dir());
}
