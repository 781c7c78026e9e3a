//! A sequence of protocol messages fed to the language server in process.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| accord_fuzz_harness::lsp_messages(data));
