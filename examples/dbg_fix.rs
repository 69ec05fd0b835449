//! Prints the badness and the repair of each argument: `cargo run --release --example dbg_fix -- "cafÃ©"`.
fn main() {
    for l in std::env::args().skip(1) {
        let w: Vec<char> = l.chars().collect();
        println!(
            "{l:?} badness={} fixed={:?}",
            thresh::repair::mojibake::badness(&w),
            thresh::repair::mojibake::fix(&l)
        );
    }
}
