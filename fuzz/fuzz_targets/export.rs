//! Reads arbitrary bytes as a Parquet export for `carve --parquet`: the
//! same bytes as the sessions, locations and files tables of an export
//! directory. Reading must end in a carve or an error, never a panic, and
//! never allocate by a length read from the input.
//!
//! Seed with the files of a real export:
//! `pcapdig export --parquet /tmp/e --db c.db; cargo fuzz run export
//! fuzz/corpus/export $(find /tmp/e -name '*.parquet' -printf '%h ')`.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pcapdig::export::read::{SessionKey, carve};
use pcapdig::store::{CarveOptions, CarveOutput};

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("pcapdig-fuzz-export-{}", std::process::id()));
        for t in ["sessions/day=2023-11-14", "locations/day=2023-11-14", "files"] {
            std::fs::create_dir_all(d.join(t)).expect("temp dir");
        }
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let d = dir();
    for t in ["sessions/day=2023-11-14", "locations/day=2023-11-14", "files"] {
        std::fs::write(d.join(t).join("part-0.parquet"), data).expect("write");
    }
    let keys = [SessionKey::Id(1), SessionKey::Community("1:x=".into())];
    let mut sink = Vec::new();
    let _ = carve(
        d,
        &keys,
        Some(CarveOutput::Writer(&mut sink)),
        &CarveOptions::default(),
        &mut |_| {},
    );
});
