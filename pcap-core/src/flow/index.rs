//! [`Index`]: the flow table's small open-addressing index from a key's
//! hash to the slot holding its session.

/// The live sessions' index: an open-addressing hash table (linear
/// probing, at most half full) from a [`SlotKey`]'s hash to its slot
/// number, 8 bytes an entry.
///
/// Why not a `HashMap<SlotKey, u32>`: its 48-byte buckets need a cache
/// line of their own per lookup, on top of the session's; these entries
/// are small enough to stay cached (16 KiB for 1000 flows), and the key is
/// compared where it is stored, in the slot, on the line the packet's
/// session update reads anyway.
#[derive(Debug)]
pub(super) struct Index {
    /// 0 for an empty entry, else `hash << 32 | (slot + 1)`. An entry's
    /// home position is `hash & mask`.
    entries: Vec<u64>,
    mask: usize,
    len: usize,
}

impl Index {
    pub(super) fn new() -> Index {
        Index {
            entries: vec![0; 16],
            mask: 15,
            len: 0,
        }
    }

    /// The position and slot of the entry with hash `h` for which
    /// `is_it(slot)` holds.
    #[inline]
    pub(super) fn find(
        &self,
        h: u32,
        mut is_it: impl FnMut(usize) -> bool,
    ) -> Option<(usize, usize)> {
        let mut pos = h as usize & self.mask;
        loop {
            let e = self.entries[pos];
            if e == 0 {
                return None;
            }
            if (e >> 32) as u32 == h {
                let slot = (e as u32 - 1) as usize;
                if is_it(slot) {
                    return Some((pos, slot));
                }
            }
            pos = (pos + 1) & self.mask;
        }
    }

    /// A guess, for prefetching: the slot of the entry at `h`'s home
    /// position if that entry's hash is `h` (no key compared, no probing).
    #[inline]
    pub(super) fn peek(&self, h: u32) -> Option<usize> {
        let e = *self.entries.get(h as usize & self.mask)?;
        let slot = (e as u32).checked_sub(1)?;
        ((e >> 32) as u32 == h).then_some(slot as usize)
    }

    /// Hints the CPU to load `h`'s home entry.
    #[inline]
    pub(super) fn prefetch(&self, h: u32) {
        crate::hint::prefetch(self.entries.as_ptr().wrapping_add(h as usize & self.mask));
    }

    /// Adds `slot` under hash `h` (its key must not be in the index).
    pub(super) fn insert(&mut self, h: u32, slot: u32) {
        if (self.len + 1) * 2 > self.entries.len() {
            self.grow();
        }
        self.place(u64::from(h) << 32 | (u64::from(slot) + 1));
        self.len += 1;
    }

    /// Puts an entry at the first empty position from its home.
    pub(super) fn place(&mut self, e: u64) {
        let mut pos = (e >> 32) as usize & self.mask;
        while self.entries[pos] != 0 {
            pos = (pos + 1) & self.mask;
        }
        self.entries[pos] = e;
    }

    pub(super) fn grow(&mut self) {
        let grown = vec![0; self.entries.len() * 2];
        let old = std::mem::replace(&mut self.entries, grown);
        self.mask = self.entries.len() - 1;
        for e in old.into_iter().filter(|&e| e != 0) {
            self.place(e);
        }
    }

    /// Removes the entry at `pos` (from [`find`](Self::find)). Later
    /// entries of the probe run shift back into the hole (no tombstones),
    /// so lookups stay short however many sessions come and go.
    pub(super) fn remove_at(&mut self, mut pos: usize) {
        self.len -= 1;
        let mask = self.mask;
        let mut next = (pos + 1) & mask;
        loop {
            let e = self.entries[next];
            if e == 0 {
                break;
            }
            let home = (e >> 32) as usize & mask;
            // It may fill the hole if the hole lies between its home and
            // where it is now (cyclically).
            if next.wrapping_sub(home) & mask >= next.wrapping_sub(pos) & mask {
                self.entries[pos] = e;
                pos = next;
            }
            next = (next + 1) & mask;
        }
        self.entries[pos] = 0;
    }

    /// Number of entries.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn clear(&mut self) {
        self.entries.fill(0);
        self.len = 0;
    }
}
