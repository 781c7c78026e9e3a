//! An edit script applied incrementally to two documents, compared with a fresh analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| accord_fuzz_harness::incremental_edits(data));
