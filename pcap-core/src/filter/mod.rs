//! tcpdump-style filters. (In progress.)
