//! Loading knowledge-base TOML files into entries, with diagnostics at exact positions.
