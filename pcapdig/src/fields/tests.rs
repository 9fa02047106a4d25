//! Unit tests of the formatting, on packets built in code.
