//! The service's arrow ingest decoder: rows in the monitor's schema or a 400 message.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::ingest(data, assay_server::ingest::BodyFormat::ArrowIpc);
});
