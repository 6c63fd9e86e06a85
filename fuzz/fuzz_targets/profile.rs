//! Saved and pushed profiles: a consistent profile or a clear error, never a panic; a profile
//! that loads merges with itself and answers every statistic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(profile) = assay_engine::dataset::parse_profile(text) else {
        return;
    };
    let mut twice = profile.clone();
    let _ = twice.merge(&profile);
    for c in &profile.columns {
        let s = &c.state;
        let _ = (s.null_share(), s.distinct(), s.non_null(), s.top_values(5));
        let _ = (
            s.quantile(0.5),
            s.histogram(10, None),
            s.exact_value_counts(),
        );
        let _ = s.clone().merge(s);
    }
    let _ = profile.to_json();
});
