#!/usr/bin/env python3
"""Every measurable bar of issues 2-5, measured on this machine in one run, as one table.

Each figure comes from the harness that owns it (nothing is measured twice or differently
here); this script runs them in turn, reads their JSON or output, and compares with the
issue's bar:

  issue 2  benches/e2e.sh                       thresh clean, 2 threads, MB/s (bar 50)
  issue 3  benches/repair_eval/run.py --json    thresh fix vs ftfy.fix_encoding: speed ratio on
                                                garbled lines (100x), clean (300 MB/s) and ASCII
                                                (1 GB/s) throughput, false positives (0),
                                                two layers (99%), per-kind repaired >= ftfy and
                                                damaged <= ftfy
  issue 4  benches/strip_eval.py --json         wcxb-dev corpus mode: F1 (0.83), article F1 (0.93),
                                                precision (0.85), pages losing > half (0)
           cargo bench --bench stages           criterion strip/rules, MB/s (200)
  issue 5  benches/dedup_eval/run.py --json     thresh vs datasketch wall ratio (100x), decision
                                                precision at J>=0.8 (0.99), removed-pair recall
                                                (0.95)
           examples/dedup_scale 10000000        10 M fingerprints: seconds (60) and peak GB (2)

Wall-clock figures mean something only on an otherwise idle machine (the load average is
printed); the Python peers (ftfy, datasketch) run in the same harness runs, so the ratios
compare like with like. Makes the harnesses' generated data when it is missing (the e2e and
dedup corpora, the repair lines; about a minute), reads wcxb-dev under ../shared/eval, and
needs the pinned peers:
`pip install -r benches/repair_eval/requirements.txt -r benches/dedup_eval/requirements.txt`.

  python3 benches/bars.py                 # everything (~4 minutes when idle)
  python3 benches/bars.py --only 4,5      # some issues
  python3 benches/bars.py --json out.json # also write the numbers
  python3 benches/bars.py --keep /tmp/b    # and keep each harness's JSON (absolute figures)
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
THRESH = REPO / "target" / "release" / "thresh"


def log(msg: str) -> None:
    print(f"[bars] {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw) -> str:
    log("running " + " ".join(str(c) for c in cmd))
    p = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}: {p.stderr.strip()[-500:]}")
    return p.stdout + p.stderr


class Table:
    def __init__(self):
        self.rows = []

    def add(self, issue, bar, target, value, met, fmt="{:.3f}"):
        shown = "n/a" if value is None else (fmt.format(value) if isinstance(value, (int, float)) else str(value))
        self.rows.append({"issue": issue, "bar": bar, "target": target, "measured": value,
                          "shown": shown, "met": bool(met) if value is not None else None})

    def markdown(self) -> str:
        out = ["| issue | bar | target | measured | met |", "|---|---|---:|---:|---|"]
        for r in self.rows:
            met = "n/a" if r["met"] is None else ("yes" if r["met"] else "**no**")
            out.append(f"| {r['issue']} | {r['bar']} | {r['target']} | {r['shown']} | {met} |")
        return "\n".join(out)


def issue2(t: Table, runs: int) -> None:
    out = run(["bash", "benches/e2e.sh"], env={**os.environ, "RUNS": str(runs), "THRESH": str(THRESH)})
    m = re.search(r"^\|\s*2\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|", out, re.M)
    mbs = float(m.group(2)) if m else None
    t.add(2, "thresh clean, 2 threads (MB/s)", ">= 50", mbs, mbs is not None and mbs >= 50, "{:.1f}")
    det = "determinism: OK" in out
    t.add(2, "outputs identical across runs and thread counts", "yes", "yes" if det else "no", det)


def issue3(t: Table, tmp: Path) -> None:
    if not (REPO / "benches" / "repair_eval" / "data" / "lines.jsonl").exists():
        run([sys.executable, "benches/repair_eval/make_lines.py"])
    j = tmp / "repair.json"
    run([sys.executable, "benches/repair_eval/run.py", "--thresh-cmd",
         f"{THRESH} fix --no-nfc --entities off", "--json", str(j)])
    d = json.loads(j.read_text())
    sp = d["speed"]
    g = sp["all garbled"]
    t.add(3, f"garbled lines: thresh (1 CPU) / ftfy {d.get('ftfy_version', '?')}", ">= 100x",
          g["ratio_thresh_ftfy"], g["ratio_thresh_ftfy"] >= 100, "{:.1f}x")
    c = sp["clean only"]["thresh_1cpu_mb_s"]
    t.add(3, "clean non-ASCII lines (MB/s, 1 CPU)", ">= 300", c, c >= 300, "{:.0f}")
    a = sp["ascii only"]["thresh_1cpu_mb_s"]
    t.add(3, "ASCII lines (MB/s, 1 CPU)", ">= 1000", a, a >= 1000, "{:.0f}")
    k = d["kinds"]
    fp = sum(k[x]["thresh"]["n"] - k[x]["thresh"].get("repaired", 0) for x in ("clean", "ascii"))
    t.add(3, "false positives on clean and ASCII lines", "0", fp, fp == 0, "{}")
    x2 = k["w1252_x2"]["thresh"]
    two = x2.get("repaired", 0) / x2["n"]
    t.add(3, "two layers of Windows-1252 repaired", ">= 0.99", two, two >= 0.99)
    worse = [name for name, v in k.items()
             if v["thresh"].get("repaired", 0) < v["ftfy"].get("repaired", 0)
             or v["thresh"].get("damaged", 0) > v["ftfy"].get("damaged", 0)]
    t.add(3, "kinds repaired below ftfy or damaged above it", "none",
          ", ".join(worse) if worse else "none", not worse, "{}")


def issue4(t: Table, tmp: Path, bench: bool) -> None:
    j = tmp / "strip.json"
    run([sys.executable, "benches/strip_eval.py", "--json", str(j)], env={**os.environ, "THRESH": str(THRESH)})
    d = json.loads(j.read_text())
    o, art = d["overall"], d["by_type"]["article"]
    t.add(4, "wcxb-dev F1 (corpus mode)", ">= 0.83", o["f1"], o["f1"] >= 0.83)
    t.add(4, "wcxb-dev article F1", ">= 0.93", art["f1"], art["f1"] >= 0.93)
    t.add(4, "wcxb-dev precision", ">= 0.85", o["p"], o["p"] >= 0.85)
    lost = d["lost_half"]["count"]
    t.add(4, "pages losing more than half their content", "0", lost, lost == 0, "{}")
    if bench:
        run(["cargo", "bench", "--bench", "stages", "--", "strip/rules"])
        crit = REPO / "target" / "criterion" / "strip" / "rules" / "new"
        ns = json.loads((crit / "estimates.json").read_text())["mean"]["point_estimate"]
        nbytes = json.loads((crit / "benchmark.json").read_text())["throughput"]["Bytes"]
        mbs = nbytes / (ns / 1e9) / 1e6
        t.add(4, "criterion strip/rules, 1 thread (MB/s)", ">= 200", mbs, mbs >= 200, "{:.0f}")


def issue5(t: Table, tmp: Path, scale: bool) -> None:
    if not (REPO / "benches" / "dedup_eval" / "data" / "corpus.jsonl").exists():
        run([sys.executable, "benches/dedup_eval/make_corpus.py"])
    j = tmp / "dedup.json"
    run([sys.executable, "benches/dedup_eval/run.py", "--thresh-bin", str(THRESH), "--method", "thresh",
         "--method", "datasketch", "--thresh-args=--no-strip", "--json", str(j)])
    d = {m["method"]: m for m in json.loads(j.read_text())["methods"]}
    th, ds = d["thresh"], d["datasketch"]
    ratio = ds["seconds"] / th["seconds"] if th.get("seconds") and ds.get("seconds") else None
    t.add(5, "wall: datasketch / thresh clean --no-strip", ">= 100x", ratio,
          ratio is not None and ratio >= 100, "{:.1f}x")
    s = th["scores"]
    p = s["decisions"]["precision_j08"]
    t.add(5, "precision of drop decisions (J >= 0.8)", ">= 0.99", p, p is not None and p >= 0.99)
    r = s["removed_pair_recall_j08"]
    t.add(5, "J >= 0.8 pairs with a copy removed", ">= 0.95", r, r is not None and r >= 0.95)
    if scale:
        run(["cargo", "build", "--release", "--example", "dedup_scale"])
        out = run([str(REPO / "target" / "release" / "examples" / "dedup_scale"), "10000000", "minhash"])
        m = re.search(r"clustered in ([\d.]+)s", out)
        g = re.search(r"peak RSS ([\d.]+) GB", out)
        secs = float(m.group(1)) if m else None
        gb = float(g.group(1)) if g else None
        t.add(5, "10 M fingerprints clustered (s)", "< 60", secs, secs is not None and secs < 60, "{:.1f}")
        t.add(5, "10 M fingerprints, peak memory (GB)", "< 2", gb, gb is not None and gb < 2, "{:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="2,3,4,5", help="issues to measure, comma-separated")
    ap.add_argument("--e2e-runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true", help="use target/release/thresh as it is")
    ap.add_argument("--no-bench", action="store_true", help="skip the criterion strip bench")
    ap.add_argument("--no-scale", action="store_true", help="skip the 10 M fingerprint example")
    ap.add_argument("--json", metavar="FILE", help="also write the rows here")
    ap.add_argument("--keep", metavar="DIR", help="keep the harnesses' own JSON files in DIR")
    a = ap.parse_args()
    only = {int(x) for x in a.only.split(",") if x.strip()}
    if not a.no_build:
        run(["cargo", "build", "--release"])
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    t = Table()
    with tempfile.TemporaryDirectory(prefix="thresh-bars.") as tmp:
        tmp = Path(a.keep) if a.keep else Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        steps = [(2, lambda: issue2(t, a.e2e_runs)), (3, lambda: issue3(t, tmp)),
                 (4, lambda: issue4(t, tmp, not a.no_bench)), (5, lambda: issue5(t, tmp, not a.no_scale))]
        for n, step in steps:
            if n in only:
                try:
                    step()
                except (RuntimeError, OSError, KeyError, ValueError) as e:
                    log(f"issue {n}: {e}")
                    t.add(n, "harness failed", "", str(e)[:80], False, "{}")
    end = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"load average before: {' '.join(load)}, after: {' '.join(end)}; {os.cpu_count()} CPUs\n")
    print(t.markdown())
    if a.json:
        Path(a.json).write_text(json.dumps(t.rows, indent=1) + "\n")
    return 0 if all(r["met"] is not False for r in t.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
