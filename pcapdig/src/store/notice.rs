//! What an index run says as it goes ([`Notice`]).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::schema as db;

/// Something an index run says as it goes (a skipped file, a damaged
/// record, a warning); its `Display` is the message `pcapdig index` prints
/// after `pcapdig: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another run holds the write lock; this one waits at most `wait`.
    Waiting {
        /// How long at most.
        wait: Duration,
        /// The database.
        db: PathBuf,
    },
    /// A file given twice in one run: indexed once.
    GivenTwice(PathBuf),
    /// A file already indexed with the same path, content and filter:
    /// skipped.
    AlreadyIndexed(PathBuf),
    /// Files replaced with `reindex` shared sessions with these other
    /// files, whose packets are now in no session.
    ReplacedElsewhere(Vec<PathBuf>),
    /// A file that cannot be read as a capture at all (the reader's
    /// error): skipped.
    Unreadable(String),
    /// A damaged record (the reader's error names the file and offset).
    Damaged(String),
    /// The records' framing was lost: the rest of the file is skipped.
    FramingLost(PathBuf),
    /// A part starts before the end of the part before it.
    OutOfOrder {
        /// The part.
        path: PathBuf,
        /// Its first record's time (ns since the epoch).
        first_ns: i64,
        /// The previous part.
        previous: PathBuf,
        /// The previous part's latest record time.
        previous_last_ns: i64,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Waiting { wait, db } => write!(
                f,
                "waiting (up to {} s) for another `pcapdig index` run writing {} to finish",
                wait.as_secs_f64(),
                db.display()
            ),
            Notice::GivenTwice(p) => write!(f, "{} given twice, indexed once", p.display()),
            Notice::AlreadyIndexed(p) => write!(
                f,
                "{} is already indexed (same path and content), skipped",
                p.display()
            ),
            Notice::ReplacedElsewhere(names) => {
                let names: Vec<String> = names.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "warning: sessions replaced also had packets in {}; their packets there are \
                     in no session now: give those files again together with --reindex to restore them",
                    names.join(", ")
                )
            }
            Notice::Unreadable(e) => write!(f, "{e}; file skipped"),
            Notice::Damaged(e) => write!(f, "damaged record: {e}"),
            Notice::FramingLost(p) => {
                write!(f, "{}: framing lost, rest of the file skipped", p.display())
            }
            Notice::OutOfOrder {
                path,
                first_ns,
                previous,
                previous_last_ns,
            } => write!(
                f,
                "warning: {} starts at {}, before the end of the previous part {} ({}): \
                 parts given in the wrong order? (sessions across them may have client and server swapped)",
                path.display(),
                db::ns_to_string(*first_ns),
                previous.display(),
                db::ns_to_string(*previous_last_ns)
            ),
        }
    }
}
