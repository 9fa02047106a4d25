//! Runs `pcapdig` command lines in-process ([`pcapdig::run_args`]), with
//! their output and messages captured, as the binary would have run them:
//! the same exit status, standard output and standard error. The few
//! end-to-end tests of the binary itself (help, exit codes, pipes, other
//! users, concurrent processes) launch it explicitly.

use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Output};

/// Runs `pcapdig ARGS` in this process.
pub fn pcapdig<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = pcapdig::run_args(
        args.iter().map(|a| a.as_ref().to_os_string()),
        &pcapdig::Context::default(),
        &mut stdout,
        &mut stderr,
    );
    Output {
        // A wait status: the exit code in the second byte.
        status: ExitStatus::from_raw(code << 8),
        stdout,
        stderr,
    }
}
