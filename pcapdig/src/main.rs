//! The `pcapdig` command: the library's command line with the built-in
//! layers only.

use std::process::ExitCode;

fn main() -> ExitCode {
    pcapdig::main_with(pcapdig::Registry::new())
}
