//! Arbitrary bytes through decode, repair and strip must never panic, repair must be
//! idempotent on whatever decode produced, and strip must only remove text (`../check.rs`,
//! which `cargo test` also runs: `tests/fuzz_check.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

include!("../check.rs");

fuzz_target!(|data: &[u8]| check(data));
