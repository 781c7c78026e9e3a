//! `accord.toml`: finding, parsing and validating the workspace configuration.
