//! Classification of string values into the type they look like, for mixed-type detection.

/// The type a string value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Empty or only whitespace.
    Blank,
    /// Parses as a number (integer or decimal, optional sign and exponent).
    Number,
    /// `true`/`false`/`yes`/`no` (any case).
    Boolean,
    /// Starts with an ISO-8601 date `YYYY-MM-DD`.
    Date,
    /// Anything else.
    Text,
}

/// Classifies one string value.
pub fn classify(value: &str) -> TextKind {
    let v = value.trim();
    if v.is_empty() {
        return TextKind::Blank;
    }
    let bytes = v.as_bytes();
    let first = bytes[0];
    if (first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.')
        && looks_numeric(v)
    {
        return TextKind::Number;
    }
    if bytes.len() >= 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[8..10].iter().all(u8::is_ascii_digit)
    {
        return TextKind::Date;
    }
    if v.len() <= 5
        && ["true", "false", "yes", "no"]
            .iter()
            .any(|b| v.eq_ignore_ascii_case(b))
    {
        return TextKind::Boolean;
    }
    TextKind::Text
}

fn looks_numeric(v: &str) -> bool {
    // Reject things Rust's parser accepts but people do not write as numbers ("inf", "nan").
    v.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'_'))
        && !v.contains('_')
        && v.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        assert_eq!(classify("42"), TextKind::Number);
        assert_eq!(classify(" -3.5e2 "), TextKind::Number);
        assert_eq!(classify(".5"), TextKind::Number);
        assert_eq!(classify("1-2"), TextKind::Text);
        assert_eq!(classify("nan"), TextKind::Text);
        assert_eq!(classify("TRUE"), TextKind::Boolean);
        assert_eq!(classify("2024-02-29"), TextKind::Date);
        assert_eq!(classify("2024-02-29T10:00:00"), TextKind::Date);
        assert_eq!(classify("   "), TextKind::Blank);
        assert_eq!(classify("Private"), TextKind::Text);
        assert_eq!(classify("-"), TextKind::Text);
    }
}
