//! numpy's default random generator (`np.random.default_rng(seed)`), bit for bit.
//!
//! SALib draws the Morris trajectories and both bootstraps (Sobol' with a seed, Morris) from
//! `np.random.default_rng(seed)`: a PCG64 bit generator seeded through a `SeedSequence`.
//! Reproducing the few operations SALib uses (`integers(high)`, `choice(a, size)`,
//! `shuffle`) lets assay's designs and confidence intervals equal SALib's given the same seed.

/// PCG64's 128-bit LCG multiplier (`PCG_DEFAULT_MULTIPLIER_128`).
const PCG_MULTIPLIER: u128 = (2_549_297_995_355_413_924_u128 << 64) | 4_865_540_595_714_422_341;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

/// `np.random.default_rng(seed)` for a non-negative integer seed: PCG64 (XSL-RR 128/64)
/// seeded by `SeedSequence(seed)`, with the bounded-integer, interval and shuffle algorithms of
/// numpy's `Generator` (numpy 2.x).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumpyGenerator {
    state: u128,
    inc: u128,
    /// The upper half of the last 64-bit draw, kept for the next 32-bit draw.
    buffered: Option<u32>,
}

impl NumpyGenerator {
    /// The generator of `np.random.default_rng(seed)`.
    pub fn new(seed: u64) -> Self {
        let words = seed_sequence_state(seed);
        let word = |i: usize| -> u64 {
            let lo = words.get(2 * i).copied().unwrap_or(0);
            let hi = words.get(2 * i + 1).copied().unwrap_or(0);
            u64::from(lo) | (u64::from(hi) << 32)
        };
        let init_state = (u128::from(word(0)) << 64) | u128::from(word(1));
        let init_seq = (u128::from(word(2)) << 64) | u128::from(word(3));
        let mut rng = Self {
            state: 0,
            inc: (init_seq << 1) | 1,
            buffered: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(init_state);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self
            .state
            .wrapping_mul(PCG_MULTIPLIER)
            .wrapping_add(self.inc);
    }

    /// The next 64-bit output (`bit_generator.random_raw()`).
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let hi = (self.state >> 64) as u64;
        let lo = self.state as u64;
        (hi ^ lo).rotate_right((hi >> 58) as u32)
    }

    /// The next 32-bit output: the low half of a fresh 64-bit draw, then its high half.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(high) = self.buffered.take() {
            return high;
        }
        let next = self.next_u64();
        self.buffered = Some((next >> 32) as u32);
        next as u32
    }

    /// `Generator.integers(high)`: uniform on `0..high` by Lemire's method (32-bit draws when
    /// `high − 1` fits in 32 bits). `high <= 1` returns 0 without drawing, as numpy does for
    /// `high == 1` (numpy rejects `high == 0`).
    pub fn integers(&mut self, high: u64) -> u64 {
        if high <= 1 {
            return 0;
        }
        let rng = high - 1;
        if rng <= u64::from(u32::MAX) {
            if rng == u64::from(u32::MAX) {
                return u64::from(self.next_u32());
            }
            let rng = rng as u32;
            let excl = u64::from(rng) + 1;
            let mut m = u64::from(self.next_u32()) * excl;
            let mut leftover = m as u32;
            if u64::from(leftover) < excl {
                let threshold = ((u64::from(u32::MAX) - u64::from(rng)) % excl) as u32;
                while leftover < threshold {
                    m = u64::from(self.next_u32()) * excl;
                    leftover = m as u32;
                }
            }
            m >> 32
        } else {
            // rng < u64::MAX here, so rng + 1 does not overflow.
            let excl = u128::from(rng) + 1;
            let mut m = u128::from(self.next_u64()) * excl;
            let mut leftover = m as u64;
            if u128::from(leftover) < excl {
                let threshold = ((u128::from(u64::MAX) - u128::from(rng)) % excl) as u64;
                while leftover < threshold {
                    m = u128::from(self.next_u64()) * excl;
                    leftover = m as u64;
                }
            }
            (m >> 64) as u64
        }
    }

    /// numpy's `random_interval(max)`: uniform on `0..=max` by masked rejection (what
    /// `Generator.shuffle` draws).
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> shift;
        }
        if max <= u64::from(u32::MAX) {
            loop {
                let value = u64::from(self.next_u32()) & mask;
                if value <= max {
                    return value;
                }
            }
        }
        loop {
            let value = self.next_u64() & mask;
            if value <= max {
                return value;
            }
        }
    }

    /// `Generator.shuffle(x)` (along the first axis): Fisher-Yates from the end.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// `Generator.choice(choices, size)` with replacement and equal weights: `size` draws of
    /// `integers(len)` indexing `choices`. Empty `choices` give an empty result.
    pub fn choice<T: Copy>(&mut self, choices: &[T], size: usize) -> Vec<T> {
        let mut out = Vec::with_capacity(if choices.is_empty() { 0 } else { size });
        if choices.is_empty() {
            return out;
        }
        for _ in 0..size {
            let i = self.integers(choices.len() as u64) as usize;
            if let Some(&v) = choices.get(i) {
                out.push(v);
            }
        }
        out
    }
}

/// `SeedSequence(seed).generate_state(4, np.uint64)` as eight 32-bit words (little-endian
/// halves), with no spawn key.
fn seed_sequence_state(seed: u64) -> [u32; 8] {
    // Entropy as 32-bit words, least significant first (`_int_to_uint32_array`).
    let entropy: Vec<u32> = if seed >> 32 == 0 {
        vec![seed as u32]
    } else {
        vec![seed as u32, (seed >> 32) as u32]
    };
    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| -> u32 {
        let mut value = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        value = value.wrapping_mul(hash_const);
        value ^ (value >> XSHIFT)
    };
    let mix = |x: u32, y: u32| -> u32 {
        let r = MIX_MULT_L
            .wrapping_mul(x)
            .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> XSHIFT)
    };
    let mut pool = [0u32; POOL_SIZE];
    for (i, slot) in pool.iter_mut().enumerate() {
        *slot = hashmix(entropy.get(i).copied().unwrap_or(0));
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                let h = hashmix(pool[src]);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }
    for &word in entropy.iter().skip(POOL_SIZE) {
        for slot in pool.iter_mut() {
            let h = hashmix(word);
            *slot = mix(*slot, h);
        }
    }
    let mut out = [0u32; 8];
    let mut hash_const = INIT_B;
    for (i, slot) in out.iter_mut().enumerate() {
        let mut v = pool[i % POOL_SIZE];
        v ^= hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        v = v.wrapping_mul(hash_const);
        *slot = v ^ (v >> XSHIFT);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_default_rng() {
        // np.random.default_rng(5).integers(1000, size=10) and .shuffle(np.eye(7)) with a
        // fresh generator (numpy 2.4.6).
        let mut g = NumpyGenerator::new(5);
        let first: Vec<u64> = (0..3).map(|_| g.integers(4)).collect();
        assert_eq!(first, vec![2, 3, 0]);
        let mut g = NumpyGenerator::new(5);
        assert_eq!(g.next_u64() >> 1, 7_424_841_456_459_477_716);
        let mut g = NumpyGenerator::new(5);
        let mut perm: Vec<usize> = (0..7).collect();
        g.shuffle(&mut perm);
        assert_eq!(perm, vec![1, 4, 2, 3, 6, 5, 0]);
        let mut g = NumpyGenerator::new(5);
        assert_eq!(g.choice(&[-1, 1], 6), vec![1, 1, -1, 1, -1, 1]);
    }

    #[test]
    fn degenerate_ranges() {
        let mut g = NumpyGenerator::new(1);
        let before = g.clone();
        assert_eq!(g.integers(1), 0);
        assert_eq!(g.integers(0), 0);
        assert_eq!(g.interval(0), 0);
        assert_eq!(g, before);
        assert!(g.choice::<u8>(&[], 3).is_empty());
    }
}
