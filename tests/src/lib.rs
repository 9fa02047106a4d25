//! Workspace-level tests. The README's schema tutorial is compiled and run
//! here as doctests, so its examples cannot drift from the code.
#![doc = include_str!("../../README.md")]

pub mod corpus;
