//! Number formatting shared by the renderers.

/// Formats a measured value for humans: integers without decimals and without exponent
/// (`32561`, `1000000000000`), values of magnitude ≥ 1 with at most 4 decimals
/// (`1.2346`), smaller values with 4 significant digits (`0.05641`, `0.00012`), and only
/// values below 1e-6 in scientific notation (`1.5e-9`). Trailing zeros are dropped.
/// NaN prints `NaN`, infinities `inf` / `-inf`.
pub fn format_value(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    let s = if x.fract() == 0.0 {
        // Rust never uses an exponent in `Display` for f64.
        format!("{x:.0}")
    } else if a >= 1.0 {
        trim_zeros(format!("{x:.4}"))
    } else if a >= 1e-6 {
        // 4 significant digits: one more decimal per leading zero after the point.
        let decimals = (3 - a.log10().floor() as i32).clamp(4, 12) as usize;
        trim_zeros(format!("{x:.decimals$}"))
    } else {
        let s = format!("{x:.3e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{}", trim_zeros(mantissa.to_string()), exp),
            None => s,
        }
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// [`format_value`] of an optional value, `None` as `missing`.
pub(crate) fn format_opt(x: Option<f64>, missing: &str) -> String {
    x.map(format_value).unwrap_or_else(|| missing.to_string())
}

/// A count with thousands separators: `32,561`.
pub(crate) fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// A share in [0, 1] as a percentage with one decimal (`12.3%`, `0.04%` for small ones).
pub(crate) fn format_percent(share: f64) -> String {
    if !share.is_finite() {
        return "n/a".to_string();
    }
    let p = share * 100.0;
    if p != 0.0 && p.abs() < 0.1 {
        format!("{}%", format_value(p))
    } else {
        format!("{}%", trim_zeros(format!("{p:.1}")))
    }
}

/// A JSON detail value, compactly: numbers through [`format_value`], strings bare, the rest
/// as compact JSON.
pub(crate) fn format_json_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format_value(f),
            _ => n.to_string(),
        },
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_readable() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(-0.0), "0");
        assert_eq!(format_value(12.0), "12");
        assert_eq!(format_value(-3.0), "-3");
        assert_eq!(format_value(32561.0), "32561");
        assert_eq!(format_value(1e15), "1000000000000000");
        assert_eq!(format_value(1e20), "100000000000000000000");
        assert_eq!(format_value(0.05), "0.05");
        assert_eq!(format_value(0.0564123), "0.05641");
        assert_eq!(format_value(0.00012), "0.00012");
        assert_eq!(format_value(0.000123456), "0.0001235");
        assert_eq!(format_value(0.5), "0.5");
        assert_eq!(format_value(0.123456), "0.1235");
        assert_eq!(format_value(1.23456), "1.2346");
        assert_eq!(format_value(1234.56789), "1234.5679");
        assert_eq!(format_value(2.00001), "2");
        assert_eq!(format_value(-0.25), "-0.25");
        assert_eq!(format_value(1.5e-9), "1.5e-9");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(f64::INFINITY), "inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn counts_and_percents() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(32561), "32,561");
        assert_eq!(format_count(1234567), "1,234,567");
        assert_eq!(format_percent(0.1234), "12.3%");
        assert_eq!(format_percent(0.5), "50%");
        assert_eq!(format_percent(0.0), "0%");
        assert_eq!(format_percent(0.0004), "0.04%");
        assert_eq!(format_opt(None, "-"), "-");
        assert_eq!(format_opt(Some(0.25), "-"), "0.25");
    }
}
