//! Syntax: the article tree and typed views over it.
