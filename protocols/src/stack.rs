//! [`Stack`]: a small fixed-capacity list that never allocates, for layers
//! that occur several times in one packet (stacked VLAN tags, IP-in-IP,
//! headers quoted by ICMP errors), outermost first.

use std::fmt;

/// Up to `N` items in insertion order; pushes beyond `N` are counted in
/// [`Stack::dropped`] and otherwise ignored.
///
/// [`Stack::clear`] only forgets the items (it sets the length to zero):
/// a reused stack keeps its old items in the slots past its length until
/// pushes overwrite them (or the stack is dropped), so that emptying the
/// stacks of a large struct for every packet costs a few stores.
#[derive(Clone)]
pub struct Stack<T, const N: usize> {
    /// `items[..len]` are all `Some`, and are the stack; later slots hold
    /// `None` or forgotten items.
    items: [Option<T>; N],
    len: usize,
    dropped: usize,
}

/// The stored items only (not the forgotten ones), then the drop count.
impl<T: fmt::Debug, const N: usize> fmt::Debug for Stack<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stack")
            .field("items", &self.live())
            .field("dropped", &self.dropped)
            .finish()
    }
}

impl<T, const N: usize> Default for Stack<T, N> {
    fn default() -> Self {
        Stack {
            items: std::array::from_fn(|_| None),
            len: 0,
            dropped: 0,
        }
    }
}

impl<T, const N: usize> Stack<T, N> {
    /// The capacity.
    pub const CAPACITY: usize = N;

    /// An empty stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `item` (inner to the ones already there); returns false and
    /// counts it as dropped when full.
    pub fn push(&mut self, item: T) -> bool {
        match self.items.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(item);
                self.len += 1;
                true
            }
            None => {
                self.dropped += 1;
                false
            }
        }
    }

    /// Number of stored items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many pushes did not fit.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The `i`-th item, outermost first.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.live().get(i).and_then(Option::as_ref)
    }

    /// Empties the stack (for reuse). The items are forgotten, not dropped
    /// (see the [type docs](Stack)): this costs two stores whatever `N`.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
        self.dropped = 0;
    }

    /// The slots of the stored items.
    #[inline]
    fn live(&self) -> &[Option<T>] {
        self.items.get(..self.len).unwrap_or_default()
    }

    /// The outermost item.
    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    /// The innermost item.
    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The items, outermost first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.live().iter().filter_map(Option::as_ref)
    }
}

impl<'s, T, const N: usize> IntoIterator for &'s Stack<T, N> {
    type Item = &'s T;
    type IntoIter =
        std::iter::FilterMap<std::slice::Iter<'s, Option<T>>, fn(&'s Option<T>) -> Option<&'s T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.live().iter().filter_map(Option::as_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_beyond_capacity_is_counted() {
        let mut s: Stack<u16, 2> = Stack::new();
        assert!(s.is_empty() && s.last().is_none());
        assert!(s.push(1) && s.push(2));
        assert!(!s.push(3));
        assert_eq!(s.len(), 2);
        assert_eq!(s.dropped(), 1);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [1, 2]);
        assert_eq!((s.first(), s.last()), (Some(&1), Some(&2)));
        assert_eq!((&s).into_iter().count(), 2);
        s.clear();
        assert!(s.is_empty() && s.get(0).is_none() && s.iter().next().is_none());
        assert!((&s).into_iter().next().is_none() && s.last().is_none());
        assert_eq!(s.dropped(), 0);
        assert_eq!(format!("{s:?}"), "Stack { items: [], dropped: 0 }");
        assert!(s.push(7));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [7]);
        // The forgotten 2 stays forgotten.
        assert_eq!((&s).into_iter().copied().collect::<Vec<_>>(), [7]);
        assert!(s.get(1).is_none());
        assert_eq!(format!("{s:?}"), "Stack { items: [Some(7)], dropped: 0 }");
    }
}
