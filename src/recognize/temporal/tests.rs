//! Fixture tests for date recognition and resolution.
