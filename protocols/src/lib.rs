//! Protocol layers.
