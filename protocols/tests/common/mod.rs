//! Shared test data.

pub mod frames;
