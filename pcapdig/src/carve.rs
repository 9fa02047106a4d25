//! `pcapdig carve` (in progress).

/// Arguments of `pcapdig carve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input files.
    pub files: Vec<std::path::PathBuf>,
}

/// Runs the subcommand.
pub fn run(_args: Args) -> crate::CliResult {
    Err("not implemented yet".into())
}
