//! The export's directory, written whole or not at all: everything goes
//! into a temporary directory beside the target, renamed into place only
//! once complete. An error (or a panic) removes the temporary directory
//! and leaves the target as it was.

use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A directory being written, to become `target` on [`commit`](Self::commit).
pub struct StagedDir {
    target: PathBuf,
    temp: PathBuf,
    overwrite: bool,
    done: bool,
}

/// Whether `dir` exists and holds anything.
fn non_empty(dir: &Path) -> Result<bool, Error> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(format!("{}: exists and is not a directory", dir.display()).into())
        }
        Err(e) => Err(format!("{}: {e}", dir.display()).into()),
    }
}

impl StagedDir {
    /// Starts writing `target`: refused if it is a file, or a directory
    /// that is not empty (unless `overwrite`, which replaces it whole on
    /// commit; never when one of `protect`, the files this export reads,
    /// is inside it).
    pub fn create(target: &Path, overwrite: bool, protect: &[PathBuf]) -> Result<StagedDir, Error> {
        if non_empty(target)? {
            if !overwrite {
                return Err(format!(
                    "{} is not empty; give --overwrite to replace it (an export is written whole)",
                    target.display()
                )
                .into());
            }
            let dir = target
                .canonicalize()
                .map_err(|e| format!("{}: {e}", target.display()))?;
            for p in protect {
                if p.canonicalize().is_ok_and(|p| p.starts_with(&dir)) {
                    return Err(format!(
                        "refusing to replace {}: it holds {}, which this export reads",
                        target.display(),
                        p.display()
                    )
                    .into());
                }
            }
        }
        let name = target
            .file_name()
            .ok_or_else(|| format!("{}: not a directory name", target.display()))?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".pcapdig-tmp-{}", std::process::id()));
        let temp = parent.join(temp_name);
        if temp.exists() {
            // A leftover of a killed export of this same process id.
            std::fs::remove_dir_all(&temp).map_err(|e| format!("{}: {e}", temp.display()))?;
        }
        std::fs::create_dir(&temp).map_err(|e| format!("{}: {e}", temp.display()))?;
        Ok(StagedDir {
            target: target.to_path_buf(),
            temp,
            overwrite,
            done: false,
        })
    }

    /// Where to write meanwhile.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Puts the finished directory in place of the target.
    pub fn commit(mut self) -> Result<(), Error> {
        let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
        if non_empty(&self.target)? {
            if !self.overwrite {
                return Err(format!(
                    "{} was filled while exporting; the export is not put there",
                    self.target.display()
                )
                .into());
            }
            let mut old = self.temp.clone().into_os_string();
            old.push("-old");
            let old = PathBuf::from(old);
            std::fs::rename(&self.target, &old).map_err(|e| err(&self.target, e))?;
            if let Err(e) = std::fs::rename(&self.temp, &self.target) {
                // Put the previous export back.
                let _ = std::fs::rename(&old, &self.target);
                return Err(err(&self.target, e).into());
            }
            self.done = true;
            std::fs::remove_dir_all(&old).map_err(|e| err(&old, e))?;
        } else {
            // A missing or empty target: rename(2) replaces an empty
            // directory in one step.
            std::fs::rename(&self.temp, &self.target).map_err(|e| err(&self.target, e))?;
            self.done = true;
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // Dropped without commit: nothing is left.
        {
            let staged = StagedDir::create(&target, false, &[]).unwrap();
            std::fs::write(staged.path().join("a"), b"1").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let staged = StagedDir::create(&target, false, &[]).unwrap();
        std::fs::write(staged.path().join("a"), b"1").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read(target.join("a")).unwrap(), b"1");
        // A non-empty target is refused without --overwrite ...
        let e = StagedDir::create(&target, false, &[]).err().unwrap();
        assert!(e.to_string().contains("--overwrite"), "{e}");
        // ... and never replaced when it holds an input.
        let e = StagedDir::create(&target, true, &[target.join("a")])
            .err()
            .unwrap();
        assert!(e.to_string().contains("which this export reads"), "{e}");
        // With it, replaced whole.
        let staged = StagedDir::create(&target, true, &[]).unwrap();
        std::fs::write(staged.path().join("b"), b"2").unwrap();
        staged.commit().unwrap();
        assert!(!target.join("a").exists());
        assert_eq!(std::fs::read(target.join("b")).unwrap(), b"2");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the target remains");
        // A file is not a directory to export into.
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert!(StagedDir::create(&file, true, &[]).is_err());
    }
}
