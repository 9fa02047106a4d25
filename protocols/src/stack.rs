//! [`Stack`]: a small fixed-capacity list that never allocates, for layers
//! that occur several times in one packet (stacked VLAN tags, IP-in-IP,
//! headers quoted by ICMP errors), outermost first.

/// Up to `N` items in insertion order; pushes beyond `N` are counted in
/// [`Stack::dropped`] and otherwise ignored.
#[derive(Debug, Clone)]
pub struct Stack<T, const N: usize> {
    items: [Option<T>; N],
    len: usize,
    dropped: usize,
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
        if i >= self.len {
            return None;
        }
        self.items.get(i).and_then(Option::as_ref)
    }

    /// Empties the stack (for reuse).
    pub fn clear(&mut self) {
        for slot in self.items.iter_mut().take(self.len) {
            *slot = None;
        }
        self.len = 0;
        self.dropped = 0;
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
        self.items.iter().take(self.len).filter_map(Option::as_ref)
    }
}

impl<'s, T, const N: usize> IntoIterator for &'s Stack<T, N> {
    type Item = &'s T;
    type IntoIter =
        std::iter::FilterMap<std::slice::Iter<'s, Option<T>>, fn(&'s Option<T>) -> Option<&'s T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter().filter_map(Option::as_ref)
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
        assert!(s.push(7));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [7]);
    }
}
