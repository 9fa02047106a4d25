//! The SQLite session index schema (in progress).
