//! Arbitrary bytes as one article file: checking, full analysis, rendering, stripping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| accord_fuzz_harness::analyze_file(data));
