//! Acronym definitions after Schwartz & Hearst.
