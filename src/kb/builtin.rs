//! The built-in knowledge base: countries, international organisations, trade agreements.
