//! The subset of numpy's legacy `numpy.random.RandomState` that scikit-learn's splitters use,
//! reimplemented bit for bit so that seeded shuffles match scikit-learn exactly.
//!
//! - Seeding with an integer `seed` in `0..=2^32-1` is MT19937's `init_genrand(seed)`
//!   (numpy's `mt19937_seed`), exactly what `RandomState(seed)` does.
//! - [`RandomState::shuffle`] is numpy's legacy `RandomState.shuffle` on a 1-d array: a
//!   Fisher-Yates pass from the last position down to 1, swapping position `i` with
//!   `random_interval(i)`, numpy's masked rejection sampler (draw 32-bit words, mask them with
//!   the smallest all-ones mask `>= i`, reject values `> i`).
//! - [`RandomState::permutation`] is `RandomState.permutation(n)`: `arange(n)` shuffled.
//!   `RandomState.permutation(array)` shuffles a copy with the same swaps, so
//!   `permutation(array)[k] == array[permutation(len)[k]]`.
//! - [`RandomState::choice_without_replacement`] is legacy `RandomState.choice(a, size,
//!   replace=False)` without `p`: `permutation(len(a))[:size]`, which draws a full permutation
//!   even when `size` is smaller.
//!
//! Only 32-bit bounds are needed: row indices are `u32` (see [`super::MAX_ROWS`]).

/// Number of 32-bit words in the MT19937 state.
const N: usize = 624;
/// MT19937 middle word offset.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The 32-bit Mersenne Twister, as numpy's `MT19937` bit generator.
#[derive(Clone)]
pub struct Mt19937 {
    state: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mt19937").field("pos", &self.pos).finish()
    }
}

impl Mt19937 {
    /// `init_genrand(seed)`: numpy's seeding of `RandomState(seed)` for an integer seed.
    pub fn new(seed: u32) -> Self {
        let mut state = [0u32; N];
        let mut s = seed;
        for (pos, word) in state.iter_mut().enumerate() {
            *word = s;
            // pos + 1 <= 624, no truncation.
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        Self { state, pos: N }
    }

    /// Regenerates the whole state block (`mt19937_gen`).
    fn generate(&mut self) {
        let mag = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
        for i in 0..N - M {
            let y = (self.state[i] & UPPER_MASK) | (self.state[i + 1] & LOWER_MASK);
            self.state[i] = self.state[i + M] ^ (y >> 1) ^ mag(y);
        }
        for i in N - M..N - 1 {
            let y = (self.state[i] & UPPER_MASK) | (self.state[i + 1] & LOWER_MASK);
            self.state[i] = self.state[i + M - N] ^ (y >> 1) ^ mag(y);
        }
        let y = (self.state[N - 1] & UPPER_MASK) | (self.state[0] & LOWER_MASK);
        self.state[N - 1] = self.state[M - 1] ^ (y >> 1) ^ mag(y);
        self.pos = 0;
    }

    /// The next tempered 32-bit output (`genrand_int32`).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.state[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }
}

/// numpy's legacy `RandomState` seeded with an integer (the parts the splitters need).
#[derive(Debug, Clone)]
pub struct RandomState {
    mt: Mt19937,
}

impl RandomState {
    /// `numpy.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        Self {
            mt: Mt19937::new(seed),
        }
    }

    /// numpy's `random_interval(max)`: a uniform integer in `0..=max` by masked rejection.
    #[inline]
    pub fn random_interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        loop {
            let value = self.mt.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }

    /// Legacy `RandomState.shuffle(x)` for a 1-d array, in place.
    ///
    /// The swap partners depend only on the random stream, so they are drawn 32 at a time and
    /// their slots loaded before the swaps: on arrays larger than the cache the loads overlap
    /// instead of stalling one by one. The swaps themselves are numpy's, in numpy's order.
    pub fn shuffle<T: Copy>(&mut self, x: &mut [T]) {
        const BATCH: usize = 32;
        let mut partner = [0usize; BATCH];
        // Slices of user data never exceed MAX_ROWS (< 2^32) elements; larger inputs are
        // rejected before any shuffle.
        let mut i = x.len().saturating_sub(1);
        while i >= 1 {
            let count = BATCH.min(i);
            for (t, j) in partner.iter_mut().take(count).enumerate() {
                *j = self.random_interval((i - t) as u32) as usize;
            }
            for &j in partner.iter().take(count) {
                if let Some(v) = x.get(j) {
                    std::hint::black_box(*v);
                }
            }
            for (t, &j) in partner.iter().take(count).enumerate() {
                x.swap(i - t, j);
            }
            i -= count;
        }
    }

    /// Legacy `RandomState.permutation(n)`: `0..n` shuffled.
    pub fn permutation(&mut self, n: u32) -> Vec<u32> {
        let mut out: Vec<u32> = (0..n).collect();
        self.shuffle(&mut out);
        out
    }

    /// Legacy `RandomState.choice(a, size, replace=False)` (no `p`): `a[permutation(len)[:size]]`.
    /// `size` larger than `a.len()` is clamped (numpy raises; callers never ask for it).
    pub fn choice_without_replacement<T: Copy>(&mut self, a: &[T], size: usize) -> Vec<T> {
        let perm = self.permutation(a.len() as u32);
        perm.iter()
            .take(size)
            .filter_map(|&k| a.get(k as usize).copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mt19937_reference_outputs() {
        // The reference output of mt19937ar.c seeded with init_genrand(5489) (the C++
        // std::mt19937 default seed): the 10,000th output is 4123659995.
        let mut mt = Mt19937::new(5489);
        let first = mt.next_u32();
        assert_eq!(first, 3_499_211_612);
        let mut last = first;
        for _ in 1..10_000 {
            last = mt.next_u32();
        }
        assert_eq!(last, 4_123_659_995);
    }

    #[test]
    fn numpy_seed_zero_first_words() {
        // numpy 2.4.6: np.random.RandomState(0)._bit_generator.random_raw(3)
        //   -> [2357136044, 2546248239, 3071714933]
        let mut mt = Mt19937::new(0);
        assert_eq!(
            [mt.next_u32(), mt.next_u32(), mt.next_u32()],
            [2_357_136_044, 2_546_248_239, 3_071_714_933]
        );
    }

    #[test]
    fn permutation_matches_numpy() {
        // numpy 2.4.6: np.random.RandomState(0).permutation(10) -> [2 8 4 9 1 6 7 3 0 5]
        let mut rs = RandomState::new(0);
        assert_eq!(rs.permutation(10), vec![2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
        // np.random.RandomState(42).permutation(10) -> [8 1 5 0 7 2 9 4 3 6]
        let mut rs = RandomState::new(42);
        assert_eq!(rs.permutation(10), vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
    }

    #[test]
    fn batched_shuffle_is_fisher_yates() {
        // The batched draws must give numpy's plain loop: i from n-1 down to 1, swap with
        // random_interval(i).
        for n in [0u32, 1, 2, 31, 32, 33, 65, 1000] {
            let mut plain: Vec<u32> = (0..n).collect();
            let mut rs = RandomState::new(n + 17);
            for i in (1..plain.len()).rev() {
                let j = rs.random_interval(i as u32) as usize;
                plain.swap(i, j);
            }
            assert_eq!(RandomState::new(n + 17).permutation(n), plain, "n = {n}");
        }
    }

    #[test]
    fn random_interval_bounds() {
        let mut rs = RandomState::new(7);
        assert_eq!(rs.random_interval(0), 0);
        for max in [1u32, 2, 3, 5, 1000, u32::MAX] {
            for _ in 0..200 {
                assert!(rs.random_interval(max) <= max);
            }
        }
    }

    #[test]
    fn choice_is_prefix_of_permutation() {
        let a = [10u32, 11, 12, 13, 14];
        let mut r1 = RandomState::new(3);
        let mut r2 = RandomState::new(3);
        let perm = r2.permutation(5);
        let chosen = r1.choice_without_replacement(&a, 2);
        assert_eq!(chosen, vec![a[perm[0] as usize], a[perm[1] as usize]]);
    }
}
