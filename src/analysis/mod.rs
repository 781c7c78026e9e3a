//! Analysis: validation of a parsed file against schema and knowledge base.
