#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| synclint::fuzz::jq(data));
