//! Arbitrary bytes through decode, repair and strip must never panic, and repair must be
//! idempotent on whatever decode produced.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = thresh::decode::decode(data, "fuzz") {
        for line in d.text.split('\n') {
            let once = thresh::repair::fix_line(line);
            assert_eq!(thresh::repair::fix_line(&once), once);
        }
        let lines = thresh::strip::lines_of(&d.text);
        let _ = thresh::strip::classify(&lines);
    }
});
