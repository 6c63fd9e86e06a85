//! Conditions (`<= reference * 1.1 + 0.01`): parsed or refused; a parsed one evaluates any
//! value without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(c) = assay_checks::condition::Condition::parse(text) {
            for (v, r) in [(0.5, None), (f64::NAN, Some(1.0)), (1e308, Some(-1e308))] {
                let _ = c.evaluate(v, r);
            }
            let _ = c.to_string();
        }
    }
});
