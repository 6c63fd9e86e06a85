//! Regular expressions for the description's string limits, generated from the limits the
//! service enforces (durations, window keys), so that schemathesis' positive and negative
//! tests meet the service's own bounds exactly and a changed limit changes the description.

/// A regex alternation matching exactly the decimal integers `lo..=hi`, written without
/// leading zeros (`0` is written `0`). Callers anchor it and add any sign or `0*` prefix.
pub fn integer_range(lo: u128, hi: u128) -> String {
    assert!(lo <= hi, "an empty range has no pattern");
    let mut parts = Vec::new();
    let mut lo = lo;
    if lo == 0 {
        parts.push("0".to_string());
        if hi == 0 {
            return parts.join("|");
        }
        lo = 1;
    }
    let digits = |n: u128| n.to_string().len();
    let (lo_digits, hi_digits) = (digits(lo), digits(hi));
    let smallest = |d: usize| 10u128.pow(d as u32 - 1);
    let largest = |d: usize| 10u128.pow(d as u32) - 1;
    // Lengths whose every number is in range are written together: `[1-9][0-9]{a,b}`.
    let full = |d: usize| lo <= smallest(d) && largest(d) <= hi;
    let mut d = lo_digits;
    while d <= hi_digits {
        if full(d) {
            let first = d;
            while d < hi_digits && full(d + 1) {
                d += 1;
            }
            parts.push(match (first - 1, d - 1) {
                (0, 0) => "[1-9]".to_string(),
                (a, b) if a == b => format!("[1-9][0-9]{{{a}}}"),
                (a, b) => format!("[1-9][0-9]{{{a},{b}}}"),
            });
        } else {
            let a = lo.max(smallest(d)).to_string();
            let b = hi.min(largest(d)).to_string();
            parts.extend(same_length(a.as_bytes(), b.as_bytes()));
        }
        d += 1;
    }
    parts.join("|")
}

/// Patterns for the numbers from `a` to `b`, decimal strings of the same length.
fn same_length(a: &[u8], b: &[u8]) -> Vec<String> {
    let text = |s: &[u8]| String::from_utf8_lossy(s).into_owned();
    if a == b {
        return vec![text(a)];
    }
    let rest = a.len() - 1;
    let digit_class = |x: u8, y: u8| {
        if x == y {
            (x as char).to_string()
        } else {
            format!("[{}-{}]", x as char, y as char)
        }
    };
    let any = |n: usize| match n {
        0 => String::new(),
        1 => "[0-9]".to_string(),
        n => format!("[0-9]{{{n}}}"),
    };
    if a[0] == b[0] {
        return same_length(&a[1..], &b[1..])
            .into_iter()
            .map(|p| format!("{}{p}", a[0] as char))
            .collect();
    }
    let all = |s: &[u8], c: u8| s.iter().all(|&x| x == c);
    let mut out = Vec::new();
    let mut first = a[0];
    if !all(&a[1..], b'0') {
        let nines = vec![b'9'; rest];
        out.extend(
            same_length(&a[1..], &nines)
                .into_iter()
                .map(|p| format!("{}{p}", a[0] as char)),
        );
        first += 1;
    }
    let mut last = b[0];
    let mut upper = Vec::new();
    if !all(&b[1..], b'9') {
        let zeros = vec![b'0'; rest];
        upper.extend(
            same_length(&zeros, &b[1..])
                .into_iter()
                .map(|p| format!("{}{p}", b[0] as char)),
        );
        last -= 1;
    }
    if first <= last {
        out.push(format!("{}{}", digit_class(first, last), any(rest)));
    }
    out.extend(upper);
    out
}

/// A signed 64-bit integer as Rust's `i64::from_str` reads it (an optional sign, leading
/// zeros), as a regex alternation.
pub fn any_i64() -> String {
    format!(
        "[+]?0*(?:{})|-0*(?:{})",
        integer_range(0, i64::MAX as u128),
        integer_range(0, i64::MAX as u128 + 1)
    )
}

/// The units a duration may be written in, with their length in milliseconds (as
/// `crate::monitor::parse_duration` reads them).
const DURATION_UNITS: [(&str, u128); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m(?:in)?", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// An anchored regex for the durations from `min_ms` to `max_ms` (both included): digits and
/// a unit, in every unit that can spell a duration in range exactly.
pub fn duration(min_ms: i64, max_ms: i64) -> String {
    let (min, max) = (min_ms.max(0) as u128, max_ms.max(0) as u128);
    let units: Vec<String> = DURATION_UNITS
        .iter()
        .filter_map(|&(unit, ms)| {
            let lo = min.div_ceil(ms);
            let hi = max / ms;
            (lo <= hi).then(|| format!("(?:{}){unit}", integer_range(lo, hi)))
        })
        .collect();
    format!("^0*(?:{})$", units.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(pattern: &str) -> regex::Regex {
        regex::Regex::new(&format!("^(?:{pattern})$")).expect("a valid regex")
    }

    #[test]
    fn integer_ranges_match_exactly_their_numbers() {
        let ranges = [
            (0, 0),
            (0, 9),
            (1, 9),
            (3, 7),
            (0, 10),
            (7, 12),
            (10, 99),
            (0, 1000),
            (1, 10000),
            (19, 2301),
            (99, 100),
            (123, 4567),
            (1000, 1999),
            (4321, 4399),
            (37, 99999),
            (0, 44640),
            (1, 744),
        ];
        for (lo, hi) in ranges {
            let re = matcher(&integer_range(lo, hi));
            for n in 0..=120_000u128 {
                assert_eq!(
                    re.is_match(&n.to_string()),
                    (lo..=hi).contains(&n),
                    "{n} in {lo}..={hi}: {}",
                    integer_range(lo, hi)
                );
            }
            assert!(!re.is_match(&format!("0{lo}")), "no leading zeros");
        }
    }

    #[test]
    fn the_whole_i64_range_is_matched_to_its_bounds() {
        let re = matcher(&any_i64());
        for ok in [
            "0",
            "-0",
            "+0",
            "007",
            "9223372036854775807",
            "-9223372036854775808",
            "+09223372036854775807",
            "1735689600000",
            "-1",
        ] {
            assert!(re.is_match(ok), "{ok}");
            assert!(ok.parse::<i64>().is_ok(), "{ok}");
        }
        for refused in [
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "",
            "+",
            "-",
            "1.0",
            "1e3",
            " 1",
        ] {
            assert!(!re.is_match(refused), "{refused}");
            assert!(refused.parse::<i64>().is_err(), "{refused}");
        }
    }

    #[test]
    fn durations_match_where_the_service_accepts_them() {
        use crate::monitor::parse_duration;
        let (min, max) = (1_000, 31 * 86_400_000);
        let re = regex::Regex::new(&duration(min, max)).expect("a valid regex");
        let mut checked = 0;
        for unit in ["ms", "s", "m", "min", "h", "d", "w", "x", ""] {
            for n in [
                0u64, 1, 4, 5, 31, 32, 59, 60, 744, 745, 999, 1000, 44640, 44641, 2678400, 2678401,
                2678400000, 2678400001,
            ] {
                for text in [format!("{n}{unit}"), format!("00{n}{unit}")] {
                    let accepted =
                        parse_duration(&text).is_some_and(|ms| (min..=max).contains(&ms));
                    assert_eq!(re.is_match(&text), accepted, "{text}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 9 * 18 * 2);
        let from_zero = regex::Regex::new(&duration(0, 7 * 86_400_000)).expect("a valid regex");
        assert!(from_zero.is_match("0s") && from_zero.is_match("1w") && !from_zero.is_match("2w"));
    }
}
