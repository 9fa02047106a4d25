//! The inputs of `pcapdig index`: which paths are capture files, and which
//! of them form one consecutive capture.
//!
//! * Only regular files are indexed: the index points back into them by
//!   byte offset, so a stream (`-`, a named pipe, `<(cmd)`, a device)
//!   could never be carved from. Each argument's type is looked at (with
//!   `stat`, before anything opens it, so a pipe cannot block the run) and
//!   anything else is refused at once with an error naming it.
//! * A directory is refused unless `--recursive`: then it is walked
//!   depth-first, entries sorted by name (bytewise). Symbolic links to
//!   files are followed, links to directories are not (no loops). Only
//!   files whose first four bytes are a pcap or pcapng magic number
//!   (once decompressed, for a gzip or zstd file) are taken; the others
//!   (notes, hashes, logs kept beside captures) are skipped and counted.
//! * Files given together on the command line are one capture cut into
//!   consecutive parts (one flow table across them), as before. Each file
//!   found in a directory is a capture of its own, unless `--parts` says
//!   that everything given is one consecutive capture.

use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// An input that cannot be indexed, with the message to show.
#[derive(Debug)]
pub struct InputError(String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The captures to index: groups of canonical paths, each group one
/// consecutive capture in order.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The groups, in order.
    pub groups: Vec<Vec<PathBuf>>,
    /// Files in walked directories skipped as not captures.
    pub skipped_other: usize,
}

/// Whether `head` (a file's first bytes) starts with a pcap (micro or
/// nanosecond, either byte order) or pcapng magic number.
pub fn looks_like_capture(head: &[u8]) -> bool {
    matches!(
        head.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    )
}

/// What kind of non-regular file `ft` is, for messages.
fn kind_name(ft: std::fs::FileType) -> &'static str {
    if ft.is_fifo() {
        "a named pipe (FIFO)"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Sorts out the command line's paths (see the [module docs](self)).
pub fn collect(args: &[PathBuf], recursive: bool, parts: bool) -> Result<Inputs, InputError> {
    let mut inputs = Inputs::default();
    let mut explicit: Vec<PathBuf> = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            return Err(InputError(
                "`-`: `pcapdig index` reads capture files, not standard input (carving reads \
                 the file again later); save the capture to a file and index that"
                    .into(),
            ));
        }
        let meta =
            std::fs::metadata(arg).map_err(|e| InputError(format!("{}: {e}", arg.display())))?;
        let ft = meta.file_type();
        if ft.is_file() {
            explicit.push(canonical(arg)?);
        } else if ft.is_dir() {
            if !recursive {
                return Err(InputError(format!(
                    "{} is a directory; give --recursive to index the capture files in it",
                    arg.display()
                )));
            }
            if !explicit.is_empty() && !parts {
                inputs.groups.push(std::mem::take(&mut explicit));
            }
            let dir = canonical(arg)?;
            let mut found = Vec::new();
            walk(&dir, &mut found, &mut inputs.skipped_other)?;
            if parts {
                explicit.extend(found);
            } else {
                inputs.groups.extend(found.into_iter().map(|f| vec![f]));
            }
        } else {
            return Err(InputError(format!(
                "{} is {}; `pcapdig index` needs a regular file (carving reads it again \
                 later): save the capture to a file and index that",
                arg.display(),
                kind_name(ft)
            )));
        }
    }
    if !explicit.is_empty() {
        inputs.groups.push(explicit);
    }
    Ok(inputs)
}

fn canonical(path: &Path) -> Result<PathBuf, InputError> {
    std::fs::canonicalize(path).map_err(|e| InputError(format!("{}: {e}", path.display())))
}

/// Appends the capture files under `dir` to `found`, sorted by name,
/// depth-first.
fn walk(dir: &Path, found: &mut Vec<PathBuf>, skipped: &mut usize) -> Result<(), InputError> {
    let err = |e: std::io::Error| InputError(format!("{}: {e}", dir.display()));
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    entries.sort_by(|a, b| a.file_name().as_bytes().cmp(b.file_name().as_bytes()));
    for entry in entries {
        let path = entry.path();
        let ft = entry.file_type().map_err(err)?;
        if ft.is_dir() {
            walk(&path, found, skipped)?;
            continue;
        }
        // Follows a symbolic link to see what it points at.
        let is_file = if ft.is_symlink() {
            std::fs::metadata(&path).is_ok_and(|m| m.is_file())
        } else {
            ft.is_file()
        };
        if is_file && has_capture_magic(&path) {
            found.push(canonical(&path)?);
        } else {
            *skipped += 1;
        }
    }
    Ok(())
}

/// Whether the regular file at `path` starts like a capture (once
/// decompressed, if it is gzip or zstd).
fn has_capture_magic(path: &Path) -> bool {
    pcap_core::capture::peek_capture_head(path).is_ok_and(|(head, _)| looks_like_capture(&head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert!(looks_like_capture(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]));
        assert!(looks_like_capture(&[0x0a, 0x0d, 0x0d, 0x0a]));
        assert!(!looks_like_capture(b"hello"));
        assert!(!looks_like_capture(&[0xd4, 0xc3]));
    }

    #[test]
    fn directories_are_walked_sorted_and_grouped() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let pcap = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("b.pcap"), pcap).unwrap();
        std::fs::write(d.join("a.pcap"), pcap).unwrap();
        std::fs::write(d.join("sub/c.pcapng"), [0x0a, 0x0d, 0x0d, 0x0a]).unwrap();
        std::fs::write(d.join("README"), b"notes").unwrap();
        let e = collect(&[d.to_path_buf()], false, false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("is a directory") && e.contains("--recursive"),
            "{e}"
        );
        let root = std::fs::canonicalize(d).unwrap();
        let got = collect(&[d.to_path_buf()], true, false).unwrap();
        assert_eq!(
            got.groups,
            vec![
                vec![root.join("a.pcap")],
                vec![root.join("b.pcap")],
                vec![root.join("sub/c.pcapng")]
            ]
        );
        assert_eq!(got.skipped_other, 1);
        let got = collect(&[d.to_path_buf()], true, true).unwrap();
        assert_eq!(got.groups.len(), 1);
        assert_eq!(got.groups[0].len(), 3);
        let e = collect(&[PathBuf::from("-")], false, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("standard input"), "{e}");
        let e = collect(&[PathBuf::from("/dev/null")], false, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("character device"), "{e}");
    }
}
