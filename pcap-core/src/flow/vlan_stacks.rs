//! [`VlanStacks`]: the distinct VLAN tag stacks a session's packets carried.
//!
//! Most traffic is untagged: then nothing is stored and nothing allocated.
//! A tagged session usually carries one stack (or two, when a switch
//! re-tags one direction); at most [`MAX_VLAN_STACKS`] distinct stacks are
//! kept, in first-seen order, and later new ones are counted as dropped.

use super::summary::MAX_VLANS;

/// How many distinct VLAN tag stacks a session keeps (see
/// [`Session::vlan_stacks`](super::Session::vlan_stacks)); more are
/// dropped (and counted).
pub const MAX_VLAN_STACKS: usize = 16;

/// One stack of VLAN IDs, outermost first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stack {
    len: u8,
    ids: [u16; MAX_VLANS],
}

impl Stack {
    fn as_slice(&self) -> &[u16] {
        &self.ids[..usize::from(self.len).min(MAX_VLANS)]
    }
}

/// The distinct, non-empty VLAN tag stacks seen, in first-seen order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VlanStacks {
    stacks: Vec<Stack>,
    /// Distinct stacks not kept because [`MAX_VLAN_STACKS`] were.
    dropped: u32,
}

impl VlanStacks {
    /// Records a packet's stack (`PacketSummary::vlans()`); an empty one
    /// (untagged) is not recorded.
    #[inline]
    pub(crate) fn record(&mut self, vlans: &[u16]) {
        // The usual tagged case: the stack seen first, seen again.
        if vlans.is_empty() || self.stacks.first().is_some_and(|s| s.as_slice() == vlans) {
            return;
        }
        self.record_slow(vlans);
    }

    #[inline(never)]
    fn record_slow(&mut self, vlans: &[u16]) {
        if self.stacks.iter().any(|s| s.as_slice() == vlans) {
            return;
        }
        if self.stacks.len() >= MAX_VLAN_STACKS {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        let mut stack = Stack {
            len: 0,
            ids: [0; MAX_VLANS],
        };
        for (slot, &id) in stack.ids.iter_mut().zip(vlans) {
            *slot = id;
            stack.len += 1;
        }
        self.stacks.push(stack);
    }

    /// The stacks, outermost tag first in each.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u16]> {
        self.stacks.iter().map(Stack::as_slice)
    }

    /// Distinct stacks seen but not kept.
    pub(crate) fn dropped(&self) -> u32 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_stacks_in_first_seen_order_bounded() {
        let mut v = VlanStacks::default();
        v.record(&[]);
        assert_eq!(v.iter().count(), 0);
        assert_eq!(v.stacks.capacity(), 0, "untagged: nothing allocated");
        v.record(&[20]);
        v.record(&[10, 20]);
        v.record(&[20]);
        v.record(&[10, 20]);
        v.record(&[10]);
        let got: Vec<&[u16]> = v.iter().collect();
        assert_eq!(got, vec![&[20][..], &[10, 20], &[10]]);
        for id in 100..200 {
            v.record(&[id]);
        }
        assert_eq!(v.iter().count(), MAX_VLAN_STACKS);
        assert_eq!(v.dropped(), 100 + 3 - MAX_VLAN_STACKS as u32);
    }
}
