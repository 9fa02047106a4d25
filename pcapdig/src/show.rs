//! `pcapdig show` (in progress).

/// Arguments of `pcapdig show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files.
    pub files: Vec<std::path::PathBuf>,
}

/// Runs the subcommand.
pub fn run(_args: Args) -> crate::CliResult {
    Err("not implemented yet".into())
}
