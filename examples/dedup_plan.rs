//! Prints the Hamming-index plan (blocks, tables, key bits) thresh picks for N fingerprints
//! at each distance: `cargo run --release --example dedup_plan -- 10000000`.

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    for k in 0..=thresh::dedup::MAX_SUPPORTED_DISTANCE {
        let p = thresh::dedup::Plan::new(n, k);
        let chosen = match thresh::dedup::NearIndex::new(n, k) {
            thresh::dedup::NearIndex::Blocks(_) => "blocked tables".to_string(),
            thresh::dedup::NearIndex::Mih(m) => {
                format!("multi-index hashing, {} tables", m.tables())
            }
        };
        println!(
            "n={n} k={k}: {} blocks, {} tables, {}-bit keys, est. {:.2e}; chosen: {chosen}, est. {:.2e}",
            p.blocks.len(),
            p.tables.len(),
            p.key_bits,
            p.cost(n),
            thresh::dedup::NearIndex::new(n, k).cost(n),
        );
    }
}
