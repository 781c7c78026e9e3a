//! Normalisation of text for matching: dashes, periods in abbreviations, quotes, case.
