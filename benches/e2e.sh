#!/usr/bin/env bash
# End-to-end throughput of `thresh clean` on a ~100 MB JSONL corpus of real text.
#
#   benches/e2e.sh                 # from anywhere; generates benches/data/corpus.jsonl if missing
#   THRESH=/path/to/thresh RUNS=5 benches/e2e.sh
#   E2E_ARGS="--dedup off" benches/e2e.sh     # extra arguments for every thresh run
#   MB=20 CORPUS=/tmp/small.jsonl benches/e2e.sh
#
# For --threads 1 and --threads 2: RUNS (default 3) timed runs, median wall time, MB/s =
# input bytes / seconds (MB = 10^6 bytes). Then checks that every run wrote the same
# clean.jsonl and dropped.jsonl (cmp) and the same report.json apart from its top-level
# "timing" member. Exit status 1 if thresh fails or the outputs differ. Wall times are only
# meaningful on an otherwise idle machine: the load average is printed before and after.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
THRESH="${THRESH:-$repo/target/release/thresh}"
CORPUS="${CORPUS:-$here/data/corpus.jsonl}"
MB="${MB:-100}"
RUNS="${RUNS:-3}"
read -r -a extra <<< "${E2E_ARGS:-}"

if [[ ! -x "$THRESH" ]]; then
    echo "error: thresh binary not found or not executable: $THRESH (build it or set THRESH=...)" >&2
    exit 2
fi
if [[ ! -s "$CORPUS" ]]; then
    echo "corpus $CORPUS missing: generating ${MB} MB ..." >&2
    python3 "$here/gen_corpus.py" --mb "$MB" --out "$CORPUS"
fi

bytes=$(stat -c %s "$CORPUS")
tmp="$(mktemp -d "${TMPDIR:-/tmp}/thresh-e2e.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "thresh:  $THRESH"
echo "corpus:  $CORPUS ($(python3 -c "print(f'{$bytes/1e6:.1f}')") MB, $(wc -l < "$CORPUS") documents)"
echo "args:    clean <corpus> -o <dir> -q --threads N ${extra[*]:-}"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); runs per setting: $RUNS"
echo

# compare_outputs REF DIR: 0 if DIR holds the same outputs as REF
compare_outputs() {
    local ref="$1" dir="$2" ok=0 f
    for f in clean.jsonl dropped.jsonl; do
        if [[ ! -e "$ref/$f" || ! -e "$dir/$f" ]]; then
            echo "  MISSING $f in $( [[ -e "$ref/$f" ]] && echo "$dir" || echo "$ref")"; ok=1
        elif ! cmp -s "$ref/$f" "$dir/$f"; then
            echo "  DIFFER  $f: $(cmp "$ref/$f" "$dir/$f" 2>&1 | head -1)"; ok=1
        fi
    done
    if ! python3 - "$ref/report.json" "$dir/report.json" <<'EOF'
import json, sys
def load(p):
    with open(p, encoding="utf-8") as f:
        r = json.load(f)
    if isinstance(r, dict):
        r.pop("timing", None)
    return r
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    keys = sorted(set(a) | set(b)) if isinstance(a, dict) and isinstance(b, dict) else ["<root>"]
    bad = [k for k in keys if not (isinstance(a, dict) and isinstance(b, dict)) or a.get(k) != b.get(k)]
    print(f"  DIFFER  report.json (without timing): members {bad}")
    sys.exit(1)
EOF
    then ok=1; fi
    return $ok
}

declare -A median
ref=""
status=0
for threads in 1 2; do
    times=()
    for run in $(seq 1 "$RUNS"); do
        out="$tmp/t${threads}-r${run}"
        if ! /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$THRESH" clean "$CORPUS" -o "$out" -q --threads "$threads" "${extra[@]}" \
                2> "$tmp/stderr"; then
            echo "error: thresh failed (--threads $threads, run $run):" >&2
            tail -20 "$tmp/stderr" >&2
            exit 1
        fi
        read -r t usr sys maxrss < <(tail -1 "$tmp/time")
        times+=("$t")
        printf '  --threads %s run %s: %6.2f s wall  %7.1f MB/s   (cpu %6.2f s user+sys, max RSS %4d MB)\n' \
            "$threads" "$run" "$t" "$(python3 -c "print($bytes/1e6/max($t,1e-9))")" \
            "$(python3 -c "print($usr+$sys)")" "$((maxrss / 1024))"
        if [[ -z "$ref" ]]; then
            ref="$out"   # first run (--threads 1) is the reference for all others
        else
            if ! compare_outputs "$ref" "$out"; then
                echo "  -> outputs of --threads $threads run $run differ from --threads 1 run 1"
                status=1
            fi
            rm -rf "$out"
        fi
    done
    median[$threads]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
done

echo
echo "| threads | median wall s | MB/s |"
echo "|---:|---:|---:|"
for threads in 1 2; do
    python3 -c "t=${median[$threads]}; print(f'| $threads | {t:.2f} | {$bytes/1e6/max(t,1e-9):.1f} |')"
done
python3 -c "print(f'speed-up 2 vs 1 thread: {${median[1]}/max(${median[2]},1e-9):.2f}x')"
echo
echo "outputs of the reference run (--threads 1 run 1):"
for f in clean.jsonl dropped.jsonl report.json; do
    if [[ -e "$ref/$f" ]]; then
        printf '  %-14s %12s bytes %8s lines\n' "$f" "$(stat -c %s "$ref/$f")" "$(wc -l < "$ref/$f")"
    fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
manifest="$CORPUS.manifest.json"
if [[ -e "$manifest" && -e "$ref/dropped.jsonl" ]]; then
    # gen_corpus.py records which documents it made as copies: compare with thresh's dedup
    python3 - "$manifest" "$ref/dropped.jsonl" <<'EOF' || true
import json, sys
man = json.load(open(sys.argv[1], encoding="utf-8"))
dupof = {d[0]: d[1] for d in man.get("dups", [])}
def root(x):
    while x in dupof:
        x = dupof[x]
    return x
dd = []
with open(sys.argv[2], encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        if "duplicate" in str(r.get("reason", "")) and "duplicate_of" in r:
            dd.append(r)
same = sum(root(r["id"]) == root(r["duplicate_of"]) for r in dd)
caught = len(set(dupof) & {r["id"] for r in dd})
print(f"dedup vs the generator's copies: {len(dupof)} planned copies, {caught} dropped as duplicates; "
      f"{len(dd)} duplicate drops, {same} of them of a planned copy, {len(dd) - same} of other documents "
      "(same-site pages sharing chrome, or false positives)")
EOF
fi
if [[ $status -eq 0 ]]; then
    echo "determinism: OK — clean.jsonl, dropped.jsonl and report.json (minus \"timing\") identical across all $((2 * RUNS)) runs, 1 and 2 threads"
else
    echo "determinism: FAILED — see the differences above"
fi
exit $status
