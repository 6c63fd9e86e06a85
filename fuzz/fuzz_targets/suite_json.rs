//! Suite files in JSON: any bytes are a suite or a clear error naming the file (and line).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = assay_checks::LoadedSuite::from_text("fuzz.json", text) {
            assert!(e.to_string().starts_with("fuzz.json"), "{e}");
        }
    }
});
