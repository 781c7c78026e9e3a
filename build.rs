//! Compiles the word lists of `src/recognize/lists/*.toml` into constant slices, so that
//! the recognisers read them as they read any other constant and the lists stay data:
//! one place for each list, edited without touching code.
//!
//! Every file becomes a module and every array of strings in it a `&[&str]` constant
//! named after its key in capitals (`titles` in `people.toml` is `people::TITLES`).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("src/recognize/lists");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("src/recognize/lists is readable")
        .map(|entry| entry.expect("a list file").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::new();
    for path in files {
        println!("cargo::rerun-if-changed={}", path.display());
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a list file has a UTF-8 name")
            .replace('-', "_");
        let text = std::fs::read_to_string(&path).expect("a list file is readable");
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        writeln!(out, "pub mod {module} {{").unwrap();
        for (key, value) in &table {
            let Some(items) = value.as_array() else {
                panic!("{}: `{key}` is not an array", path.display());
            };
            let words: Vec<&str> = items
                .iter()
                .map(|item| {
                    item.as_str().unwrap_or_else(|| {
                        panic!(
                            "{}: `{key}` holds something other than strings",
                            path.display()
                        )
                    })
                })
                .collect();
            let name = key.to_uppercase().replace('-', "_");
            writeln!(out, "    pub const {name}: &[&str] = &{words:?};").unwrap();
        }
        writeln!(out, "}}").unwrap();
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lists.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
