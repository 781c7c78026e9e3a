//! The command line: `accord check`, `entities`, `strip`, `eval`, `lsp`.

pub fn main() -> i32 {
    0
}
