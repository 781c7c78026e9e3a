//! The gazetteer: knowledge-base names and aliases matched leftmost-longest.
