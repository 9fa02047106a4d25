//! Outputs that never damage evidence.
//!
//! * [`Inputs`]: the files a command reads (captures, the index database
//!   and SQLite's `-wal`/`-shm`/`-journal` beside it), by device and inode,
//!   so an output that is one of them (directly, through a symlink or a
//!   hard link) is refused before anything is opened for writing.
//! * [`AtomicFile`]: an output written to a temporary file beside its
//!   target and renamed over it only once complete ([`AtomicFile::commit`]).
//!   Dropped without a commit (an error, a panic), the temporary file is
//!   removed and the previous target is untouched.
//! * [`Sink`]: a file written that way, or standard output for `-o -`.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The files a command reads, which no output may land on.
#[derive(Debug, Default)]
pub struct Inputs {
    /// (device, inode, path as given) of each existing input.
    files: Vec<(u64, u64, PathBuf)>,
}

impl Inputs {
    /// No inputs yet.
    pub fn new() -> Inputs {
        Inputs::default()
    }

    /// Adds a file read by the command (after symlinks). A path that does
    /// not exist is nothing to protect and is ignored.
    pub fn add(&mut self, path: &Path) {
        if let Ok(m) = std::fs::metadata(path) {
            self.files.push((m.dev(), m.ino(), path.to_path_buf()));
        }
    }

    /// Adds an SQLite database and the files SQLite keeps beside it.
    pub fn add_database(&mut self, db: &Path) {
        self.add(db);
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut p = db.as_os_str().to_os_string();
            p.push(suffix);
            self.add(Path::new(&p));
        }
    }

    /// The input that `meta` (an output's metadata) is, if any.
    fn find(&self, meta: &std::fs::Metadata) -> Option<&Path> {
        self.files
            .iter()
            .find(|(dev, ino, _)| *dev == meta.dev() && *ino == meta.ino())
            .map(|(_, _, p)| p.as_path())
    }

    /// Refuses `target` if it is (after symlinks and hard links) one of the
    /// inputs.
    pub fn check(&self, target: &Path) -> Result<(), Error> {
        match std::fs::metadata(target) {
            Ok(meta) => match self.find(&meta) {
                Some(input) => Err(format!(
                    "refusing to write {}: it is {}, which this command reads",
                    target.display(),
                    same_or_link(target, input)
                )
                .into()),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }

    /// Refuses standard output if it is redirected into one of the inputs
    /// (`carve ... -o - > capture.pcap`).
    pub fn check_stdout(&self) -> Result<(), Error> {
        use std::os::fd::AsFd;
        let fd = io::stdout().as_fd().try_clone_to_owned()?;
        let meta = File::from(fd).metadata()?;
        match self.find(&meta) {
            Some(input) if meta.is_file() => Err(format!(
                "refusing to write to standard output: it is redirected into {}, which this command reads",
                input.display()
            )
            .into()),
            _ => Ok(()),
        }
    }
}

fn same_or_link(target: &Path, input: &Path) -> String {
    if target == input {
        format!("the input {}", input.display())
    } else {
        format!("the input {} (the same file)", input.display())
    }
}

/// A file written beside its target and renamed into place when complete.
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file beside `target` (beside what it points
    /// to, if it is a symlink: the link keeps pointing at the new file).
    /// Nothing happens to `target` until [`commit`](Self::commit).
    pub fn create(target: &Path) -> Result<AtomicFile, Error> {
        let target = match std::fs::canonicalize(target) {
            Ok(resolved) => resolved,
            Err(_) => target.to_path_buf(),
        };
        if target.is_dir() {
            return Err(format!("{} is a directory", target.display()).into());
        }
        let name = target
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", target.display()))?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        for attempt in 0..100u32 {
            let mut tmp_name = std::ffi::OsString::from(".");
            tmp_name.push(name);
            tmp_name.push(format!(".pcapdig-{}-{attempt}.tmp", std::process::id()));
            let tmp = dir.join(tmp_name);
            match File::options().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    return Ok(AtomicFile {
                        file: Some(file),
                        tmp,
                        target,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot write {}: {e} (creating a temporary file in {})",
                        target.display(),
                        dir.display()
                    )
                    .into());
                }
            }
        }
        Err(format!("cannot write {}: no free temporary name", target.display()).into())
    }

    /// Flushes the data to disk and renames the file over the target.
    pub fn commit(mut self) -> Result<(), Error> {
        let file = self.file.take().ok_or("output already closed")?;
        let describe = |e: io::Error| format!("{}: {e}", self.target.display());
        file.sync_all().map_err(describe)?;
        drop(file);
        std::fs::rename(&self.tmp, &self.target).map_err(describe)?;
        // The rename itself is durable once the directory is synced.
        if let Some(dir) = self.target.parent()
            && let Ok(d) = File::open(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("output already closed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Where an output goes: a file (atomically) or standard output.
#[derive(Debug)]
pub enum Sink {
    /// `-o -`.
    Stdout(io::Stdout),
    /// `-o PATH`.
    File(AtomicFile),
}

impl Sink {
    /// Opens `target` (`-` for standard output) after checking it against
    /// `inputs`. Binary output is not written to a terminal.
    pub fn open(target: &Path, inputs: &Inputs) -> Result<Sink, Error> {
        if target == Path::new("-") {
            if io::stdout().is_terminal() {
                return Err(
                    "refusing to write capture bytes to a terminal: redirect standard output or give -o FILE"
                        .into(),
                );
            }
            inputs.check_stdout()?;
            return Ok(Sink::Stdout(io::stdout()));
        }
        inputs.check(target)?;
        Ok(Sink::File(AtomicFile::create(target)?))
    }

    /// Completes the output: renames a file into place, flushes stdout.
    pub fn commit(self) -> Result<(), Error> {
        match self {
            Sink::Stdout(mut s) => Ok(s.flush()?),
            Sink::File(f) => f.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_refused_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.pcap");
        std::fs::write(&input, b"evidence").unwrap();
        let sym = dir.path().join("sym.pcap");
        std::os::unix::fs::symlink(&input, &sym).unwrap();
        let hard = dir.path().join("hard.pcap");
        std::fs::hard_link(&input, &hard).unwrap();
        let mut inputs = Inputs::new();
        inputs.add(&input);
        for target in [&input, &sym, &hard] {
            let e = inputs.check(target).unwrap_err().to_string();
            assert!(e.contains("refusing to write"), "{e}");
        }
        assert!(inputs.check(&dir.path().join("new.pcap")).is_ok());
        assert_eq!(std::fs::read(&input).unwrap(), b"evidence");
    }

    #[test]
    fn database_companions_are_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        std::fs::write(&db, b"db").unwrap();
        let wal = dir.path().join("s.db-wal");
        std::fs::write(&wal, b"wal").unwrap();
        let mut inputs = Inputs::new();
        inputs.add_database(&db);
        assert!(inputs.check(&db).is_err());
        assert!(inputs.check(&wal).is_err());
    }

    #[test]
    fn uncommitted_output_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("keep.pcap");
        std::fs::write(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half-written").unwrap();
            // Dropped without commit: an error happened.
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the temporary file is removed");

        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_symlinked_target_is_written_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.pcap");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.pcap");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}
