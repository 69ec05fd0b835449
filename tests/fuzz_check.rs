//! The fuzz target's check (`fuzz/check.rs`) under `cargo test`: it compiles against the
//! library as it is now, and runs on a few hand-picked inputs and on random bytes. The fuzz
//! target itself (`cargo fuzz run decode_repair`, nightly) explores far more inputs.

use proptest::prelude::*;

include!("../fuzz/check.rs");

#[test]
fn check_runs_on_hand_picked_inputs() {
    for data in [
        &b""[..],
        b"\xEF\xBB\xBFplain text with a BOM\nHome | About\n",
        b"caf\xC3\x83\xC2\xA9 cr\xC3\x83\xC2\xA8me\r\n",
        b"\xFF\xFEh\x00i\x00",
        b"\x1b[31mred\x1b[0m &amp; \x85 \xE2\x80",
        "Ä°smail â€™ Ð¼Ð¸Ñ€\nRelated Articles\n3 hours ago".as_bytes(),
    ] {
        check(data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn check_holds_on_random_bytes(data in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&data);
    }

    #[test]
    fn check_holds_on_random_text(text in "\\PC{0,200}(\n\\PC{0,80}){0,6}") {
        check(text.as_bytes());
    }
}
