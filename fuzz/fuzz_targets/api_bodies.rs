//! JSON bodies of the API: monitor specifications (with their suites, durations, slices and
//! webhooks) and token requests are accepted or refused with a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(spec) = serde_json::from_slice::<assay_server::monitor::MonitorSpec>(data) {
        let _ = assay_server::monitor::Monitor::build(1, spec, common::reference());
    }
    let _ = serde_json::from_slice::<assay_server::api::TokenRequest>(data);
});
