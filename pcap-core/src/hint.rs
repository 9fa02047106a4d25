//! [`prefetch`]: a hint to the CPU to start loading memory that will be
//! read soon, for the two places where the hardware cannot guess the next
//! address: walking capture records (each one's length says where the next
//! is) and looking up flow sessions (a hash says where).

/// Asks the CPU to load the cache line holding `p` into all cache levels.
/// Never faults and changes nothing the program can observe, whatever the
/// address; does nothing on targets without a prefetch instruction.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is only a hint: it never dereferences in a way
        // the program can observe and never faults, even for an invalid
        // address; SSE, which provides it, is part of the x86_64 baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
