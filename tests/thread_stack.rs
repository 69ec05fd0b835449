//! Repair on a thread with the default 2 MiB stack (a test thread, a rayon worker), in a test
//! binary of its own so that nothing has built repair's tables before it: in an unoptimized
//! build, the whole-line walk's tables once went by value through `OnceLock`'s generic frames
//! and overflowed such a stack on first use (session 18).

#[test]
fn repair_builds_its_tables_on_a_2_mib_thread() {
    let fixed = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| thresh::repair::fix_line("cafÃ© and naÃ¯ve rÃ©sumÃ©"))
        .expect("thread")
        .join()
        .expect("no overflow");
    assert_eq!(fixed, "café and naïve résumé");
}
