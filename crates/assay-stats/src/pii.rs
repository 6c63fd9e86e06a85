//! Detectors of personal data (PII) inside string values.
//!
//! [`detect`] looks for six kinds of personal identifier anywhere inside a value (so
//! `"contact: john.doe@example.com"` holds an e-mail) and returns the kinds it found as a
//! [`PiiMatches`] bitset. [`PiiTally`] counts, over a column, how many values hold each kind;
//! two tallies merge into the tally of the union.
//!
//! The rules favour precision: a column of dates, decimals, version strings or numeric ids
//! must not look like personal data. What each kind matches:
//!
//! - [`PiiKind::Email`]: a practical RFC 5322 subset, `local@domain.tld`: a dot-atom local
//!   part, dot-separated domain labels (letters, digits, inner hyphens) and a final label of
//!   at least two letters. No quoted local parts, no IP-literal domains, ASCII only.
//! - [`PiiKind::Phone`]: a `+` followed by 8–15 digits, optionally grouped by spaces, dashes,
//!   dots or parentheses (`+14155552671`, `+44 20 7946 0958`, `+44 (0)20 7946 0958`,
//!   `+1 (555) 123-4567`); a North-American number `3-3-4` with an optional leading `1`
//!   (`(555) 123-4567`, `555-123-4567`, `555.123.4567`, `1 555 123 4567`); or a national
//!   number with a trunk `0` (`020 7946 0958`, `06 12 34 56 78`, `030 12345678`) of 10–12
//!   digits. A bare run of digits without `+` is never a phone, nor is a number that starts
//!   like a date (`2024-01-15 …`, `01.02.2024 …`) or runs into a time (`… 10:30`).
//! - [`PiiKind::CreditCard`]: 13–19 digits, bare or grouped by single spaces or single
//!   dashes (one kind per number), with a valid Luhn checksum ([`luhn_valid`]) and the
//!   prefix and length of a known scheme: Visa, Mastercard (51–55, 2221–2720), American
//!   Express (34, 37), Discover (6011, 644–649, 65), Diners Club, JCB, UnionPay, Maestro, Mir.
//! - [`PiiKind::IpAddress`]: an IPv4 address (four dot-separated octets 0–255 without
//!   leading zeros, not part of a longer dotted number such as `1.2.3.4.5` or `v1.2.3.4`)
//!   or an IPv6 address (a token of hex digits, `:` and `.` with at least two colons and a
//!   digit, accepted by [`std::net::Ipv6Addr`]'s parser).
//! - [`PiiKind::UsSsn`]: a US Social Security number `AAA-GG-SSSS` written with dashes,
//!   area not 000, 666 or 900–999, group not 00, serial not 0000.
//! - [`PiiKind::BrCpf`]: a Brazilian CPF `###.###.###-##`, `#########-##` or 11 bare digits
//!   whose two check digits are valid ([`cpf_valid`]).
//!
//! Numbers only count as a whole: a number glued to a letter, or extending a longer
//! dotted, dashed or signed number, is not matched (`x5551234567`, `1.2.3.4.5`,
//! `-4111111111111111`, `0.4111111111111111`).
//!
//! Speed: one pass over the bytes counts digits, `@`, `:` and `+`; a value with no `@`,
//! fewer than two `:` and fewer than four digits is rejected there. The e-mail regex runs
//! only on values holding an `@`, the IPv6 parser only on candidate tokens, and the number
//! detectors share one allocation-free scan over the value's digit groups.
//!
//! ```
//! use assay_stats::pii::{detect, PiiKind};
//!
//! let found = detect("contact: john.doe@example.com, +44 20 7946 0958");
//! assert!(found.contains(PiiKind::Email) && found.contains(PiiKind::Phone));
//! assert_eq!(found.iter().collect::<Vec<_>>(), [PiiKind::Email, PiiKind::Phone]);
//! assert!(detect("2024-01-15").is_empty());
//! assert!(detect("version 1.2.3").is_empty());
//! ```

use std::fmt;
use std::net::Ipv6Addr;
use std::sync::LazyLock;

use regex::Regex;

/// A kind of personal data [`detect`] can find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// An e-mail address.
    Email,
    /// A telephone number.
    Phone,
    /// A payment card number (Luhn-valid, known scheme prefix).
    CreditCard,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A US Social Security number.
    UsSsn,
    /// A Brazilian CPF (individual taxpayer number).
    BrCpf,
}

impl PiiKind {
    /// Every kind, in declaration order (the order [`PiiMatches::iter`] yields).
    pub const ALL: [PiiKind; 6] = [
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::CreditCard,
        PiiKind::IpAddress,
        PiiKind::UsSsn,
        PiiKind::BrCpf,
    ];

    /// The stable snake_case name, the same as the serialized form (`"credit_card"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::CreditCard => "credit_card",
            PiiKind::IpAddress => "ip_address",
            PiiKind::UsSsn => "us_ssn",
            PiiKind::BrCpf => "br_cpf",
        }
    }

    /// This kind's index in [`PiiKind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of [`PiiKind`]s found in one value: a bitset, one bit per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PiiMatches(u8);

impl PiiMatches {
    /// The empty set.
    pub const NONE: PiiMatches = PiiMatches(0);

    /// Whether `kind` is in the set.
    pub const fn contains(self, kind: PiiKind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Whether no kind was found.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many kinds are in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Adds `kind` to the set.
    pub fn insert(&mut self, kind: PiiKind) {
        self.0 |= kind.bit();
    }

    /// The kinds in the set, in [`PiiKind::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = PiiKind> {
        PiiKind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

impl FromIterator<PiiKind> for PiiMatches {
    fn from_iter<I: IntoIterator<Item = PiiKind>>(iter: I) -> Self {
        let mut set = PiiMatches::NONE;
        iter.into_iter().for_each(|k| set.insert(k));
        set
    }
}

/// Per-kind counts of values holding personal data, over a column; mergeable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PiiTally {
    values: u64,
    counts: [u64; 6],
}

impl PiiTally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs [`detect`] on `value`, counts it, and returns what was found.
    pub fn push(&mut self, value: &str) -> PiiMatches {
        let found = detect(value);
        self.add(found);
        found
    }

    /// Counts one value whose matches are already known.
    pub fn add(&mut self, found: PiiMatches) {
        self.values += 1;
        for kind in found.iter() {
            self.counts[kind.index()] += 1;
        }
    }

    /// Adds `other`'s counts: the result is the tally of both columns' values.
    pub fn merge(&mut self, other: &PiiTally) {
        self.values += other.values;
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
    }

    /// How many values were counted.
    pub fn values(&self) -> u64 {
        self.values
    }

    /// How many values hold `kind`.
    pub fn count(&self, kind: PiiKind) -> u64 {
        self.counts[kind.index()]
    }

    /// The share of values holding `kind`, or `None` when no value was counted.
    pub fn share(&self, kind: PiiKind) -> Option<f64> {
        (self.values > 0).then(|| self.count(kind) as f64 / self.values as f64)
    }
}

/// Finds the kinds of personal data anywhere inside `value`.
///
/// See the [module documentation](self) for the rules of each kind.
pub fn detect(value: &str) -> PiiMatches {
    let b = value.as_bytes();
    let (mut digits, mut at, mut colons, mut plus) = (0usize, false, 0usize, false);
    for &c in b {
        match c {
            b'0'..=b'9' => digits += 1,
            b'@' => at = true,
            b':' => colons += 1,
            b'+' => plus = true,
            _ => {}
        }
    }
    let mut found = 0u8;
    if at && EMAIL.as_ref().is_some_and(|re| re.is_match(value)) {
        found |= PiiKind::Email.bit();
    }
    if colons >= 2 && has_ipv6(value) {
        found |= PiiKind::IpAddress.bit();
    }
    let mut want = 0u8;
    if digits >= 4 {
        want |= PiiKind::IpAddress.bit();
    }
    if digits >= 9 {
        want |= PiiKind::UsSsn.bit();
    }
    if digits >= 11 {
        want |= PiiKind::BrCpf.bit();
    }
    if digits >= 13 {
        want |= PiiKind::CreditCard.bit();
    }
    if digits >= 10 || (plus && digits >= 8) {
        want |= PiiKind::Phone.bit();
    }
    want &= !found;
    if want != 0 {
        found |= scan_numbers(b, want);
    }
    PiiMatches(found)
}

/// Whether the digits of `digits` pass the Luhn (mod 10) checksum used by payment cards.
///
/// Spaces and dashes are ignored; any other non-digit character, or fewer than two digits,
/// gives `false`. `luhn_valid("4111 1111 1111 1111")` is `true`.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for c in digits.bytes().rev() {
        match c {
            b'0'..=b'9' => {
                sum = (sum + luhn_term(c - b'0', count)) % 10;
                count += 1;
            }
            b' ' | b'-' => {}
            _ => return false,
        }
    }
    count >= 2 && sum == 0
}

/// Whether `digits` is a valid Brazilian CPF: exactly 11 digits (dots, dashes and spaces
/// are ignored, any other character gives `false`), not all the same digit, whose two
/// check digits match the mod-11 algorithm of the Receita Federal.
///
/// `cpf_valid("529.982.247-25")` is `true`, `cpf_valid("529.982.247-26")` is `false`.
pub fn cpf_valid(digits: &str) -> bool {
    let mut d = [0u8; 11];
    let mut n = 0;
    for c in digits.bytes() {
        match c {
            b'0'..=b'9' => {
                if n == d.len() {
                    return false;
                }
                d[n] = c - b'0';
                n += 1;
            }
            b'.' | b'-' | b' ' => {}
            _ => return false,
        }
    }
    n == d.len() && cpf_digits_valid(&d)
}

// ---------------------------------------------------------------------------------------
// E-mail and IPv6

// A constant pattern: `Regex::new` cannot fail on it (the unit tests prove it compiles), and
// user input never reaches this constructor; `None` would only disable e-mail detection.
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*",
        r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b",
    ))
    .ok()
});

/// Longest textual IPv6 address (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`).
const MAX_IPV6_LEN: usize = 45;

fn is_ipv6_byte(c: u8) -> bool {
    c.is_ascii_hexdigit() || c == b':' || c == b'.'
}

fn has_ipv6(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_ipv6_byte(b[i]) {
            i += 1;
            continue;
        }
        let (mut s, mut e) = (i, i);
        while e < b.len() && is_ipv6_byte(b[e]) {
            e += 1;
        }
        i = e;
        // Sentence punctuation and a label separator (`addr:2001:db8::1`, `…::1: up`).
        while e > s && b[e - 1] == b'.' {
            e -= 1;
        }
        if e - s >= 2 && b[s] == b':' && b[s + 1] != b':' {
            s += 1;
        }
        if e - s >= 2 && b[e - 1] == b':' && b[e - 2] != b':' {
            e -= 1;
        }
        let token = &b[s..e];
        if token.len() < 3
            || token.len() > MAX_IPV6_LEN
            || token.iter().filter(|&&c| c == b':').count() < 2
            || !token.iter().any(u8::is_ascii_digit)
            || (s > 0 && is_word(b[s - 1]))
            || b.get(e).is_some_and(|&c| is_word(c))
        {
            continue;
        }
        if value
            .get(s..e)
            .is_some_and(|t| t.parse::<Ipv6Addr>().is_ok())
        {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Numbers: phones, cards, IPv4, SSN, CPF
//
// The value is read as a sequence of digit groups (maximal runs of ASCII digits). Each
// group in turn starts a window of up to `WINDOW` following groups separated by at most
// `MAX_SEP` bytes, and each pending detector tries the candidates starting at that group.

/// A digit group: byte range `[start, end)`.
type Span = (usize, usize);

/// Most digit groups one candidate spans (`+44 (0)20 7946 0958` has 5).
const WINDOW: usize = 8;

/// Longest separator between two groups of one number (`) (`).
const MAX_SEP: usize = 3;

/// Bytes that, right before a number, make it part of something else (a decimal, a signed
/// or dashed number, a path, an address).
const NUM_LEFT: &[u8] = b".-+/@\\$";
/// Bytes that, right after a number, make it part of something else.
const NUM_RIGHT: &[u8] = b"/@+\\%";
/// As [`NUM_RIGHT`], and a time (`01.02.2024 10:30`) is not a phone.
const PHONE_RIGHT: &[u8] = b"/@+\\%:";
/// Bytes that join a number to a following word or number (`4567.jpg`, `6789-0`).
const NUM_JOIN: &[u8] = b".-";

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the byte before `i` lets a number start at `i`.
fn clear_left(b: &[u8], i: usize, bad: &[u8]) -> bool {
    i == 0 || {
        let c = b[i - 1];
        !(is_word(c) || bad.contains(&c))
    }
}

/// Whether the bytes from `i` let a number end right before `i`.
fn clear_right(b: &[u8], i: usize, bad: &[u8], join: &[u8]) -> bool {
    match b.get(i) {
        None => true,
        Some(&c) if is_word(c) || bad.contains(&c) => false,
        Some(c) if join.contains(c) => !b.get(i + 1).is_some_and(|&n| is_word(n)),
        Some(_) => true,
    }
}

/// The next digit group starting at most `max_gap` bytes after `from`.
fn next_group(b: &[u8], from: usize, max_gap: usize) -> Option<Span> {
    let rest = b.get(from..)?;
    let look = rest.len().min(max_gap.saturating_add(1));
    let start = from + rest[..look].iter().position(u8::is_ascii_digit)?;
    let len = b[start..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len() - start);
    Some((start, start + len))
}

fn span_len(s: Span) -> usize {
    s.1 - s.0
}

/// The decimal value of a short run of ASCII digits.
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
}

/// A detector of one kind of number starting at the first group of a window.
type Detector = fn(&[u8], &[Span]) -> bool;

const NUMBER_DETECTORS: [(PiiKind, Detector); 5] = [
    (PiiKind::IpAddress, ipv4_at),
    (PiiKind::UsSsn, ssn_at),
    (PiiKind::BrCpf, cpf_at),
    (PiiKind::CreditCard, card_at),
    (PiiKind::Phone, phone_at),
];

/// Runs the number detectors in `want` over the digit groups of `b`.
fn scan_numbers(b: &[u8], want: u8) -> u8 {
    let mut found = 0u8;
    let mut win = [(0usize, 0usize); WINDOW];
    let mut n = 0;
    let mut pos = 0;
    loop {
        if n == 0 {
            match next_group(b, pos, usize::MAX) {
                Some(g) => {
                    win[0] = g;
                    n = 1;
                }
                None => break,
            }
        }
        while n < WINDOW {
            match next_group(b, win[n - 1].1, MAX_SEP) {
                Some(g) => {
                    win[n] = g;
                    n += 1;
                }
                None => break,
            }
        }
        let w = &win[..n];
        let pending = want & !found;
        for (kind, at) in NUMBER_DETECTORS {
            if pending & kind.bit() != 0 && at(b, w) {
                found |= kind.bit();
            }
        }
        if want & !found == 0 {
            break;
        }
        pos = win[0].1;
        win.copy_within(1..n, 0);
        n -= 1;
    }
    found
}

/// IPv4 starting at `w[0]`.
fn ipv4_at(b: &[u8], w: &[Span]) -> bool {
    w.len() >= 4
        && clear_left(b, w[0].0, b".")
        && w[..4].iter().all(|&(s, e)| {
            let len = e - s;
            (1..=3).contains(&len) && (len == 1 || b[s] != b'0') && number(&b[s..e]) <= 255
        })
        && (1..4).all(|i| &b[w[i - 1].1..w[i].0] == b".")
        && clear_right(b, w[3].1, b"", b".")
}

/// US SSN `AAA-GG-SSSS` starting at `w[0]`.
fn ssn_at(b: &[u8], w: &[Span]) -> bool {
    let [a, g, s] = match w {
        [a, g, s, ..] => [*a, *g, *s],
        _ => return false,
    };
    if span_len(a) != 3
        || span_len(g) != 2
        || span_len(s) != 4
        || &b[a.1..g.0] != b"-"
        || &b[g.1..s.0] != b"-"
        || !clear_left(b, a.0, NUM_LEFT)
        || !clear_right(b, s.1, NUM_RIGHT, NUM_JOIN)
    {
        return false;
    }
    let area = number(&b[a.0..a.1]);
    area != 0 && area != 666 && area < 900 && number(&b[g.0..g.1]) != 0 && number(&b[s.0..s.1]) != 0
}

/// Brazilian CPF starting at `w[0]`: `###.###.###-##`, `#########-##` or 11 bare digits.
fn cpf_at(b: &[u8], w: &[Span]) -> bool {
    let start = w[0].0;
    let sep = |i: usize| &b[w[i - 1].1..w[i].0];
    let lens_are = |lens: &[usize]| {
        w.len() >= lens.len() && w.iter().zip(lens).all(|(&g, &l)| span_len(g) == l)
    };
    let end = if span_len(w[0]) == 11 {
        w[0].1
    } else if lens_are(&[3, 3, 3, 2]) && sep(1) == b"." && sep(2) == b"." && sep(3) == b"-" {
        w[3].1
    } else if lens_are(&[9, 2]) && sep(1) == b"-" {
        w[1].1
    } else {
        return false;
    };
    if !clear_left(b, start, NUM_LEFT) || !clear_right(b, end, NUM_RIGHT, NUM_JOIN) {
        return false;
    }
    let mut d = [0u8; 11];
    for (slot, c) in d
        .iter_mut()
        .zip(b[start..end].iter().filter(|c| c.is_ascii_digit()))
    {
        *slot = c - b'0';
    }
    cpf_digits_valid(&d)
}

fn cpf_digits_valid(d: &[u8; 11]) -> bool {
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    // Check digit over the first `len` digits, weights len+1 down to 2.
    let check = |len: usize| -> u8 {
        let sum: usize = d[..len]
            .iter()
            .enumerate()
            .map(|(i, &x)| usize::from(x) * (len + 1 - i))
            .sum();
        match (sum * 10) % 11 {
            10 => 0,
            r => r as u8,
        }
    };
    check(9) == d[9] && check(10) == d[10]
}

/// The Luhn term of digit `d` at position `i` counted from the right (0-based).
fn luhn_term(d: u8, i: usize) -> u32 {
    let d = u32::from(d);
    if i % 2 == 1 {
        let twice = d * 2;
        if twice > 9 {
            twice - 9
        } else {
            twice
        }
    } else {
        d
    }
}

/// Payment card number starting at `w[0]`: bare or grouped by one kind of single separator.
fn card_at(b: &[u8], w: &[Span]) -> bool {
    if !clear_left(b, w[0].0, NUM_LEFT) {
        return false;
    }
    let mut digits = [0u8; 19];
    let mut n = 0;
    let mut sep = 0u8;
    for (k, &(s, e)) in w.iter().enumerate() {
        if k > 0 {
            match &b[w[k - 1].1..s] {
                [c @ (b' ' | b'-')] if k == 1 || *c == sep => sep = *c,
                _ => return false,
            }
        }
        if n + (e - s) > digits.len() {
            return false;
        }
        for (slot, &c) in digits[n..].iter_mut().zip(&b[s..e]) {
            *slot = c - b'0';
        }
        n += e - s;
        if n >= 13 && clear_right(b, e, NUM_RIGHT, NUM_JOIN) && card_number_valid(&digits[..n]) {
            return true;
        }
    }
    false
}

/// Known scheme (prefix and length) and a valid Luhn checksum; `d` holds digit values.
fn card_number_valid(d: &[u8]) -> bool {
    let n = d.len();
    let prefix = |k: usize| d[..k].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let (p2, p3, p4) = (prefix(2), prefix(3), prefix(4));
    let long = (16..=19).contains(&n);
    let scheme = match d[0] {
        // Visa.
        4 => matches!(n, 13 | 16 | 19),
        // Mastercard 2-series; Mir.
        2 => ((2221..=2720).contains(&p4) && n == 16) || ((2200..=2204).contains(&p4) && long),
        // Mastercard; Maestro.
        5 => ((51..=55).contains(&p2) && n == 16) || matches!(p4, 5018 | 5020 | 5038 | 5893),
        // American Express; Diners Club; JCB.
        3 => {
            (matches!(p2, 34 | 37) && n == 15)
                || (((300..=305).contains(&p3) || matches!(p2, 36 | 38 | 39)) && n >= 14)
                || ((3528..=3589).contains(&p4) && long)
        }
        // Discover; UnionPay; Maestro.
        6 => {
            ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || p2 == 62) && long)
                || matches!(p4, 6304 | 6759 | 6761 | 6762 | 6763)
        }
        _ => false,
    };
    scheme
        && d.iter()
            .rev()
            .enumerate()
            .map(|(i, &x)| luhn_term(x, i))
            .sum::<u32>()
            % 10
            == 0
}

/// A separator between two groups of a phone number: `\)?[ .-]?\(?`.
#[derive(Clone, Copy)]
struct PhoneSep {
    close: bool,
    plain: u8,
    open: bool,
}

fn parse_phone_sep(mut s: &[u8]) -> Option<PhoneSep> {
    let mut sep = PhoneSep {
        close: false,
        plain: 0,
        open: false,
    };
    if let [b')', rest @ ..] = s {
        sep.close = true;
        s = rest;
    }
    if let [rest @ .., b'('] = s {
        sep.open = true;
        s = rest;
    }
    match s {
        [] => {}
        [c @ (b' ' | b'-' | b'.')] => sep.plain = *c,
        _ => return None,
    }
    Some(sep)
}

/// The groups of one phone candidate: lengths, the plain separator before each group
/// (0 for none), and whether each group is opened/closed by a parenthesis.
#[derive(Clone, Copy)]
struct PhoneShape {
    lens: [usize; WINDOW],
    plain: [u8; WINDOW],
    open: [bool; WINDOW],
    close: [bool; WINDOW],
    /// Index of the last group.
    last: usize,
    digits: usize,
}

impl PhoneShape {
    fn bare(&self, m: usize) -> bool {
        !self.open[m] && !self.close[m]
    }

    /// Starts like a date: `YYYY-MM-DD`, `DD-MM-YYYY` or `MM-DD-YYYY`, with `-` or `.`
    /// repeated, and a plausible month and day.
    fn date_like(&self, b: &[u8], w: &[Span]) -> bool {
        if self.last < 2
            || !(0..3).all(|m| self.bare(m))
            || !matches!(self.plain[1], b'-' | b'.')
            || self.plain[1] != self.plain[2]
        {
            return false;
        }
        let value = |m: usize| number(&b[w[m].0..w[m].1]);
        let day_month =
            |x: u32, y: u32| (1..=31).contains(&x) && (1..=31).contains(&y) && x.min(y) <= 12;
        match (self.lens[0], self.lens[1], self.lens[2]) {
            (4, 2, 2) | (2, 2, 4) => {
                let (x, y) = if self.lens[0] == 4 {
                    (value(1), value(2))
                } else {
                    (value(0), value(1))
                };
                day_month(x, y)
            }
            _ => false,
        }
    }

    /// North-American `3-3-4`, optionally after a country code `1`; the area code may be
    /// in parentheses.
    fn nanp(&self, first_digit: u8) -> bool {
        let off = usize::from(self.last == 3 && self.lens[0] == 1 && first_digit == b'1');
        if self.last != 2 + off || self.lens[off..=off + 2] != [3, 3, 4] {
            return false;
        }
        let area_ok =
            (self.open[off] && self.close[off]) || (self.bare(off) && self.plain[off + 1] != 0);
        area_ok
            && (off == 0 || self.bare(0))
            && self.bare(off + 1)
            && !self.open[off + 2]
            && self.plain[off + 2] != 0
    }

    /// National number with a trunk `0`: a 2–5 digit prefix `0[1-9]…` (optionally in
    /// parentheses), then groups of 2–8 digits, 10–12 digits in all.
    fn trunk(&self, first: &[u8]) -> bool {
        let k = self.last;
        k >= 1
            && (10..=12).contains(&self.digits)
            && (2..=5).contains(&self.lens[0])
            && first[0] == b'0'
            && first[1] != b'0'
            && self.open[0] == self.close[0]
            && (1..=k).all(|m| (2..=8).contains(&self.lens[m]) && !self.open[m])
            && (1..k).all(|m| !self.close[m])
            && (1..=k).all(|m| self.plain[m] != 0 || (m == 1 && self.close[0]))
    }
}

/// Phone number starting at `w[0]` (see the module documentation for the formats).
fn phone_at(b: &[u8], w: &[Span]) -> bool {
    let start = w[0].0;
    let mut p = start;
    let open_first = p > 0 && b[p - 1] == b'(';
    if open_first {
        p -= 1;
    }
    let plus = p > 0 && b[p - 1] == b'+';
    if plus {
        p -= 1;
    }
    if !clear_left(b, p, NUM_LEFT) || (plus && b[start] == b'0') {
        return false;
    }
    let mut shape = PhoneShape {
        lens: [0; WINDOW],
        plain: [0; WINDOW],
        open: [false; WINDOW],
        close: [false; WINDOW],
        last: 0,
        digits: 0,
    };
    shape.open[0] = open_first;
    for (k, &(s, e)) in w.iter().enumerate() {
        if k > 0 {
            let Some(sep) = parse_phone_sep(&b[w[k - 1].1..s]) else {
                break;
            };
            shape.close[k - 1] = sep.close;
            shape.open[k] = sep.open;
            shape.plain[k] = sep.plain;
            // A parenthesis opened before a middle group must close right after it.
            if k >= 2 && shape.open[k - 1] != shape.close[k - 1] {
                break;
            }
        }
        shape.lens[k] = e - s;
        shape.digits += e - s;
        shape.last = k;
        if shape.digits > 15 || (k == 2 && shape.date_like(b, w)) {
            break;
        }
        if shape.digits < if plus { 8 } else { 10 } {
            continue;
        }
        // Parentheses: each wraps one group, or one pair wraps the whole number.
        let closes_here = b.get(e) == Some(&b')');
        let mut cand = shape;
        let mut end = e;
        if k == 0 {
            if open_first {
                continue;
            }
        } else if cand.open[0] && !cand.close[0] {
            if !closes_here || cand.open[k] {
                continue;
            }
            cand.open[0] = false;
            end += 1;
        } else if cand.close[0] && !cand.open[0] {
            break;
        } else if cand.open[k] {
            if !closes_here {
                continue;
            }
            cand.close[k] = true;
            end += 1;
        }
        if !clear_right(b, end, PHONE_RIGHT, NUM_JOIN) {
            continue;
        }
        let ok = if plus {
            // `+3.14159265358` is a signed decimal.
            !(k == 1 && cand.plain[1] == b'.' && cand.bare(0) && cand.bare(1))
        } else {
            cand.nanp(b[start]) || cand.trunk(&b[start..e])
        };
        if ok {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(value: &str) -> Vec<PiiKind> {
        detect(value).iter().collect()
    }

    #[track_caller]
    fn assert_is(kind: PiiKind, values: &[&str]) {
        for v in values {
            assert!(
                detect(v).contains(kind),
                "{v:?} should hold {kind}: {:?}",
                kinds(v)
            );
        }
    }

    #[track_caller]
    fn assert_not(kind: PiiKind, values: &[&str]) {
        for v in values {
            assert!(!detect(v).contains(kind), "{v:?} should not hold {kind}");
        }
    }

    #[test]
    fn kind_names_match_serde_and_order() {
        for (i, kind) in PiiKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
            let back: PiiKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(PiiKind::CreditCard.as_str(), "credit_card");
        assert_eq!(PiiKind::BrCpf.as_str(), "br_cpf");
    }

    #[test]
    fn matches_bitset() {
        let mut m = PiiMatches::NONE;
        assert!(m.is_empty());
        assert_eq!(m.len(), 0);
        m.insert(PiiKind::BrCpf);
        m.insert(PiiKind::Email);
        m.insert(PiiKind::Email);
        assert!(!m.is_empty());
        assert_eq!(m.len(), 2);
        assert!(m.contains(PiiKind::Email) && m.contains(PiiKind::BrCpf));
        assert!(!m.contains(PiiKind::Phone));
        assert_eq!(
            m.iter().collect::<Vec<_>>(),
            [PiiKind::Email, PiiKind::BrCpf]
        );
        let all: PiiMatches = PiiKind::ALL.into_iter().collect();
        assert_eq!(all.len(), 6);
        assert_eq!(all.iter().collect::<Vec<_>>(), PiiKind::ALL);
    }

    #[test]
    fn emails() {
        assert!(EMAIL.is_some(), "the e-mail pattern must compile");
        assert_is(
            PiiKind::Email,
            &[
                "john.doe@example.com",
                "contact: john.doe@example.com",
                "first.last+tag@sub.example.co.uk",
                "Mail <a_b-c@my-domain.org>.",
                "JOHN@EXAMPLE.COM",
                "x@y.io",
            ],
        );
        assert_not(
            PiiKind::Email,
            &[
                "john@localhost",
                "a@b.c",
                "@example.com",
                "john.doe at example.com",
                "user@@example.com",
                "user@-example.com",
                "user@example.c0m",
                "@@",
                "price @ 3.50",
            ],
        );
        assert_eq!(kinds("john.doe@example.com"), [PiiKind::Email]);
    }

    #[test]
    fn phones() {
        assert_is(
            PiiKind::Phone,
            &[
                "(555) 123-4567",
                "(555)123-4567",
                "555-123-4567",
                "555.123.4567",
                "555 123 4567",
                "1-555-123-4567",
                "1 (555) 123-4567",
                "(555-123-4567)",
                "Call me at 555 123 4567 tomorrow",
                "phones: 555-123-4567, 555-987-6543",
                "+44 20 7946 0958",
                "+44 (0)20 7946 0958",
                "+14155552671",
                "+1 (555) 123-4567",
                "+1-555-123-4567",
                "+33 6 12 34 56 78",
                "tel:+33612345678",
                "020 7946 0958",
                "(020) 7946 0958",
                "06 12 34 56 78",
                "030 12345678",
                "07700 900123",
                "2024 555-123-4567",
            ],
        );
        assert_not(
            PiiKind::Phone,
            &[
                // A bare run of digits is not a phone.
                "5551234567",
                "14155552671",
                // Dates, times, decimals, ids.
                "2024-01-15",
                "2024-01-15 12:30:45",
                "2024-01-15T12:30:45Z",
                "01.02.2024 10:30",
                "01.02.2024 1030",
                "3.14159",
                "3.14159265358979",
                "+3.14159265358",
                "0.5 0.25 0.125 0.0625",
                "12345",
                "100234",
                "+1234567",
                "+0123456789",
                // Wrong grouping, or glued to other text.
                "555-123-45678",
                "1234-555-123-4567",
                "x555-123-4567",
                "555-123-4567x",
                "555-123-4567@sms.example.com",
                "555/123/4567",
                "1,555,123,4567",
                "192.168.100.200",
                "(555 123-4567",
            ],
        );
    }

    #[test]
    fn credit_cards() {
        assert_is(
            PiiKind::CreditCard,
            &[
                "4111 1111 1111 1111",
                "4111-1111-1111-1111",
                "4111111111111111",
                "5500-0000-0000-0004",
                "5105105105105100",
                "2221000000000009",
                "378282246310005",
                "3782 822463 10005",
                "6011111111111117",
                "3530111333300000",
                "36227206271667",
                "paid with 4111 1111 1111 1111 on 2024-01-15",
                "1 4111 1111 1111 1111",
            ],
        );
        // Luhn-valid but no known scheme prefix.
        assert!(luhn_valid("1234567812345670"));
        assert_not(
            PiiKind::CreditCard,
            &[
                "4111111111111112",
                "4111 1111 1111 1112",
                "1234567812345670",
                "4111 1111-1111 1111",
                "4111  1111 1111 1111",
                "0.4111111111111111",
                "-4111111111111111",
                "4111111111111111.5",
                "41111111111111111111",
                "411111111111",
                "x4111111111111111",
            ],
        );
        assert_eq!(kinds("4111 1111 1111 1111"), [PiiKind::CreditCard]);
        assert_eq!(kinds("378282246310005"), [PiiKind::CreditCard]);
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("79927398713"));
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("5500-0000-0000-0004"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid("4111a111111111111"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("0"));
        assert!(!luhn_valid(" - "));
    }

    #[test]
    fn ip_addresses() {
        assert_is(
            PiiKind::IpAddress,
            &[
                "192.168.0.1",
                "255.255.255.255",
                "0.0.0.0",
                "server at 10.0.0.1:8080",
                "http://192.168.0.1/path",
                "10.0.0.0/8",
                "from 10.0.0.1.",
                "10.0.0.1-10.0.0.255",
                "::1",
                "2001:db8::1",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                "[2001:db8::1]:443",
                "fe80::1%eth0",
                "::ffff:192.0.2.1",
                "addr:2001:db8::1",
                "peer 2001:db8::1.",
            ],
        );
        assert_not(
            PiiKind::IpAddress,
            &[
                "256.1.1.1",
                "1.2.3.4.5",
                "x.1.2.3.4",
                "version 1.2.3",
                "v1.2.3.4",
                "1.2.3",
                "01.02.03.04",
                "1.2.3.4a",
                "12:30:45",
                "std::vector",
                "a :: b",
                "::",
                "00:1a:2b:3c:4d:5e",
                "2001:db8:::1",
                "gg::1",
            ],
        );
        assert_eq!(kinds("192.168.0.1"), [PiiKind::IpAddress]);
        assert_eq!(kinds("::1"), [PiiKind::IpAddress]);
    }

    #[test]
    fn us_ssn() {
        assert_is(
            PiiKind::UsSsn,
            &[
                "123-45-6789",
                "SSN: 123-45-6789.",
                "ssn=078-05-1120",
                "899-99-9999",
            ],
        );
        assert_not(
            PiiKind::UsSsn,
            &[
                "000-12-3456",
                "666-12-3456",
                "900-12-3456",
                "999-12-3456",
                "123-00-6789",
                "123-45-0000",
                "123456789",
                "123 45 6789",
                "123-45-67890",
                "1123-45-6789",
                "123-45-6789-0",
                "a123-45-6789",
            ],
        );
        assert_eq!(kinds("123-45-6789"), [PiiKind::UsSsn]);
    }

    #[test]
    fn br_cpf() {
        assert_is(
            PiiKind::BrCpf,
            &[
                "529.982.247-25",
                "52998224725",
                "CPF 529.982.247-25",
                "529982247-25",
            ],
        );
        assert_not(
            PiiKind::BrCpf,
            &[
                "529.982.247-26",
                "52998224726",
                "111.111.111-11",
                "11111111111",
                "000.000.000-00",
                "529.982.247-2",
                "1529.982.247-25",
                "529.982.247-25.1",
                "5299822472512",
            ],
        );
        assert_eq!(kinds("529.982.247-25"), [PiiKind::BrCpf]);
        assert!(cpf_valid("529.982.247-25"));
        assert!(cpf_valid("52998224725"));
        assert!(!cpf_valid("529.982.247-26"));
        assert!(!cpf_valid("111.111.111-11"));
        assert!(!cpf_valid("000.000.000-00"));
        assert!(!cpf_valid("5299822472"));
        assert!(!cpf_valid("529982247250"));
        assert!(!cpf_valid("529.982.247-25x"));
        assert!(!cpf_valid(""));
    }

    #[test]
    fn ordinary_values_hold_nothing() {
        for v in [
            "",
            "   ",
            "hello world",
            "2024-01-15",
            "2024-01-15T12:30:45.123Z",
            "15/01/2024 12:30",
            "3.14159",
            "-0.000123",
            "1e-10",
            "12345",
            "100234",
            "98765432",
            "version 1.2.3",
            "v2.10.4-beta",
            "Total: 1,234,567.89",
            "order #100234 shipped",
            "user_id 12345678",
            "ratio 12:30",
            "a :: b",
            "C++ std::vector<int>",
            "Ünïcödé tëxt 123",
        ] {
            assert!(
                detect(v).is_empty(),
                "{v:?} should hold nothing: {:?}",
                kinds(v)
            );
        }
    }

    #[test]
    fn several_kinds_in_one_value() {
        let m = detect("jane@example.org / +1 (555) 123-4567 / 4111 1111 1111 1111 / 10.0.0.1 / 123-45-6789 / 529.982.247-25");
        assert_eq!(m.len(), 6, "{:?}", m.iter().collect::<Vec<_>>());
    }

    #[test]
    fn tally_counts_shares_and_merges() {
        let mut a = PiiTally::new();
        assert_eq!(a.share(PiiKind::Email), None);
        for v in ["a@example.com", "nothing", "555-123-4567"] {
            a.push(v);
        }
        let mut b = PiiTally::new();
        b.push("b@example.com +44 20 7946 0958");
        assert_eq!(a.values(), 3);
        assert_eq!(a.count(PiiKind::Email), 1);
        assert_eq!(a.share(PiiKind::Phone), Some(1.0 / 3.0));
        a.merge(&b);
        a.merge(&PiiTally::new());
        assert_eq!(a.values(), 4);
        assert_eq!(a.count(PiiKind::Email), 2);
        assert_eq!(a.count(PiiKind::Phone), 2);
        assert_eq!(a.count(PiiKind::CreditCard), 0);
        assert_eq!(a.share(PiiKind::Email), Some(0.5));
    }
}
