#!/usr/bin/env python3
"""Score mojibake repair of `thresh fix` against ftfy on the lines of make_lines.py.

For every record (see make_lines.py) both tools get the `garbled` text:

* ftfy: `ftfy.fix_encoding(line)`, one call per line, in-process.
* thresh: ONE run of `thresh fix` (or --thresh-cmd) with every garbled line on
  stdin, UTF-8, joined by "\\n" (no trailing newline). It must write exactly one
  line per input line, in order; a single trailing "\\n" on its output is fine.

Each output is scored against the record:

  repaired   output == clean
  untouched  output == garbled
  damaged    anything else

For the kinds `clean` and `ascii` (garbled == clean) "repaired" and "untouched"
coincide (the line was left alone) and "damaged" is a false positive. For the
lossy kinds an extra count `lossy_ok` says how often the output equals the
clean line with each unrecoverable character replaced by U+FFFD.

Speed: throughput in MB/s (10^6 bytes of UTF-8 input, newline separators
included) on three line sets: all garbled lines (every kind but `ascii`), the
clean lines only and the ASCII-only lines. ftfy is timed in-process on the real
line set (median of --runs); thresh is timed as the wall time of one `thresh fix`
process reading the same lines repeated until the input is >= --speed-mb MB
(median of --runs), plain and pinned to one CPU with `taskset -c 0` when
available. The ratio thresh/ftfy uses the pinned figure when there is one.

Usage: python3 benches/repair_eval/run.py [--worst N] [--json out.json]
"""

import argparse
import collections
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_LINES = os.path.join(HERE, "data", "lines.jsonl")
DEFAULT_THRESH = os.path.join(REPO, "target", "release", "thresh")
NO_FIX_KINDS = ("clean", "ascii")  # garbled == clean: any change is a false positive
TOOLS = ("ftfy", "thresh")


class ThreshError(Exception):
    pass


# --------------------------------------------------------------------------
# input


def load(path, kinds=None, sample=None):
    """Read the records; `sample` keeps N evenly spaced records of each kind."""
    by_kind, skipped = {}, 0
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            rec = json.loads(line)
            if kinds and rec["kind"] not in kinds:
                continue
            if any(c in rec["clean"] or c in rec["garbled"] for c in "\r\n"):
                skipped += 1
                continue
            by_kind.setdefault(rec["kind"], []).append(rec)
    records = []
    for recs in by_kind.values():
        if sample and len(recs) > sample:
            recs = [recs[i * len(recs) // sample] for i in range(sample)]
        records.extend(recs)
    return records, skipped


def payload(lines):
    return "\n".join(lines).encode("utf-8")


def mb(lines):
    return len(payload(lines)) / 1e6


# --------------------------------------------------------------------------
# tools


def ftfy_fix_all(lines):
    import ftfy

    fix = ftfy.fix_encoding
    return [fix(line) for line in lines]


def split_output(raw, n):
    text = raw.decode("utf-8", errors="replace")
    out = text.split("\n")
    if len(out) == n + 1 and out[-1] == "":
        out.pop()
    if n == 0 and out == [""]:
        out = []
    if len(out) != n:
        raise ThreshError(f"expected {n} output lines, got {len(out)}")
    return out


def thresh_fix_all(cmd, lines, timeout):
    try:
        proc = subprocess.run(cmd, input=payload(lines), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except FileNotFoundError as e:
        raise ThreshError(f"cannot run {cmd!r}: {e}")
    except subprocess.TimeoutExpired:
        raise ThreshError(f"{cmd!r} did not finish in {timeout}s")
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise ThreshError(f"{cmd!r} exited with {proc.returncode}: {err}")
    return split_output(proc.stdout, len(lines))


# --------------------------------------------------------------------------
# scoring


def verdict(rec, out):
    if out == rec["clean"]:
        return "repaired"
    if out == rec["garbled"]:
        return "untouched"
    return "damaged"


def score(records, outputs):
    """kind -> Counter(repaired/untouched/damaged/lossy_ok/n)."""
    res = collections.defaultdict(collections.Counter)
    for rec, out in zip(records, outputs):
        c = res[rec["kind"]]
        c["n"] += 1
        c[verdict(rec, out)] += 1
        if "lossy" in rec and out == rec["lossy"]:
            c["lossy_ok"] += 1
    return res


def total_row(scores, kinds):
    tot = collections.Counter()
    for k in kinds:
        tot.update(scores.get(k, {}))
    return tot


# --------------------------------------------------------------------------
# speed


def median_time(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def time_thresh(cmd, lines, min_mb, runs, tmpdir, timeout):
    """Median wall time of `cmd` over `lines` repeated to >= min_mb MB -> (MB, s)."""
    one = len(payload(lines)) + 1
    reps = max(1, math.ceil(min_mb * 1e6 / one))
    data = payload(lines * reps)
    n = len(lines) * reps
    inp = os.path.join(tmpdir, "in.txt")
    outp = os.path.join(tmpdir, "out.txt")
    with open(inp, "wb") as fp:
        fp.write(data)
    times = []
    for _ in range(runs):
        with open(inp, "rb") as fin, open(outp, "wb") as fout:
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE,
                                  timeout=timeout)
            times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
            raise ThreshError(f"{cmd!r} exited with {proc.returncode}: {err}")
        with open(outp, "rb") as fp:
            raw = fp.read()
        got = raw.count(b"\n") + (0 if raw.endswith(b"\n") or not raw else 1)
        if got != n:
            raise ThreshError(f"speed run: expected {n} output lines, got {got}")
    os.remove(inp)
    os.remove(outp)
    return len(data) / 1e6, statistics.median(times)


# --------------------------------------------------------------------------
# report


def pct(a, b):
    return f"{100.0 * a / b:.1f}" if b else "-"


def fmt(x, nd=2):
    return "-" if x is None else f"{x:.{nd}f}"


def print_table(kinds, scores, tools_run, garbled_kinds):
    head = ["kind", "n"]
    for t in TOOLS:
        head += [f"{t} repaired%", f"{t} untouched", f"{t} damaged"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")

    def row(name, per_tool):
        n = next((c["n"] for c in per_tool.values() if c), 0)
        cells = [name, str(n)]
        for t in TOOLS:
            c = per_tool.get(t)
            if c is None:
                cells += ["-", "-", "-"]
            else:
                cells += [pct(c["repaired"], c["n"]), str(c["untouched"]), str(c["damaged"])]
        print("| " + " | ".join(cells) + " |")

    for k in kinds:
        row(k, {t: scores[t].get(k, collections.Counter()) for t in tools_run})
    if garbled_kinds:
        row("**all garbled**", {t: total_row(scores[t], garbled_kinds) for t in tools_run})


def print_lossy(kinds, scores, tools_run):
    lossy = [k for k in kinds if "lost" in k]
    if not lossy or not tools_run:
        return
    print()
    print("Lossy kinds: output == clean with unrecoverable chars as U+FFFD (`lossy_ok`), "
          "counted as damaged above.")
    print()
    print("| kind | n | " + " | ".join(f"{t} lossy_ok%" for t in TOOLS) + " |")
    print("|---|---:|" + "---:|" * len(TOOLS))
    for k in lossy:
        n = next(scores[t][k]["n"] for t in tools_run)
        cells = [pct(scores[t][k]["lossy_ok"], n) if t in tools_run else "-" for t in TOOLS]
        print(f"| {k} | {n} | " + " | ".join(cells) + " |")


def print_worst(records, outputs, tool, n):
    by_kind = collections.defaultdict(lambda: {"damaged": [], "untouched": []})
    for rec, out in zip(records, outputs):
        v = verdict(rec, out)
        if rec["kind"] in NO_FIX_KINDS:
            if out != rec["clean"]:
                by_kind[rec["kind"]]["damaged"].append((rec, out))
        elif v != "repaired":
            by_kind[rec["kind"]][v].append((rec, out))
    print()
    print(f"## {tool} failures (at most {n} per kind, damaged first)")
    for kind, fails in by_kind.items():
        picked = (fails["damaged"] + fails["untouched"])[:n]
        if not picked:
            continue
        print(f"\n### {kind}: {len(fails['damaged'])} damaged, {len(fails['untouched'])} untouched")
        for rec, out in picked:
            print(f"- [{rec['lang']}] {verdict(rec, out)}")
            print(f"    garbled:  {rec['garbled']!r}")
            print(f"    got:      {out!r}")
            print(f"    expected: {rec['clean']!r}")


# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", default=DEFAULT_LINES, help="JSONL from make_lines.py (default: %(default)s)")
    ap.add_argument("--thresh-cmd", default=None,
                    help="command to run instead of `$THRESH fix` (default: $THRESH or "
                         f"{DEFAULT_THRESH}, with argument `fix`), e.g. 'cat'")
    ap.add_argument("--no-thresh", action="store_true", help="score ftfy only")
    ap.add_argument("--no-ftfy", action="store_true", help="score thresh only")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurements")
    ap.add_argument("--no-taskset", action="store_true", help="do not also time thresh under taskset -c 0")
    ap.add_argument("--runs", type=int, default=3, help="timing runs, median taken (default: %(default)s)")
    ap.add_argument("--speed-mb", type=float, default=50.0,
                    help="repeat lines to at least this many MB for thresh timing (default: %(default)s)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds allowed per thresh run")
    ap.add_argument("--kinds", default=None, help="comma-separated kinds to keep (default: all)")
    ap.add_argument("--sample", type=int, default=None, help="keep N evenly spaced lines of each kind (quick runs)")
    ap.add_argument("--normalize", choices=("NFC", "NFKC"), default=None,
                    help="score modulo Unicode normalization: normalize outputs and expected "
                         "texts (both tools) before comparing; the tools still get the raw lines")
    ap.add_argument("--worst", type=int, default=0, metavar="N", help="print N failures per kind")
    ap.add_argument("--worst-tool", choices=TOOLS, default="thresh", help="whose failures --worst prints")
    ap.add_argument("--json", default=None, metavar="OUT", help="write all numbers to this JSON file")
    args = ap.parse_args(argv)

    if not os.path.exists(args.lines):
        sys.exit(f"{args.lines} not found: run make_lines.py first")
    kinds_filter = set(args.kinds.split(",")) if args.kinds else None
    records, skipped = load(args.lines, kinds_filter, args.sample)
    if not records:
        sys.exit("no records")

    if args.thresh_cmd:
        thresh_cmd = shlex.split(args.thresh_cmd)
    else:
        thresh_cmd = [os.environ.get("THRESH") or DEFAULT_THRESH, "fix"]
    use_thresh = not args.no_thresh
    if use_thresh and not args.thresh_cmd and not os.path.exists(thresh_cmd[0]):
        print(f"note: {thresh_cmd[0]} not found; scoring ftfy only "
              "(build thresh, set THRESH, or pass --thresh-cmd)", file=sys.stderr)
        use_thresh = False
    use_ftfy = not args.no_ftfy
    ftfy_version = None
    if use_ftfy:
        try:
            import ftfy
            ftfy_version = ftfy.__version__
        except ImportError:
            sys.exit("ftfy is not installed: pip install -r benches/repair_eval/requirements.txt "
                     "(or pass --no-ftfy)")

    kinds = list(dict.fromkeys(r["kind"] for r in records))
    garbled_kinds = [k for k in kinds if k not in NO_FIX_KINDS]
    garbled = [r["garbled"] for r in records]
    sets = {
        "all garbled": [r["garbled"] for r in records if r["kind"] != "ascii"],
        "clean only": [r["garbled"] for r in records if r["kind"] == "clean"],
        "ascii only": [r["garbled"] for r in records if r["kind"] == "ascii"],
    }
    sets = {k: v for k, v in sets.items() if v}
    langs = {r["lang"] for r in records}
    langs_clean = {r["lang"] for r in records if r["kind"] == "clean"}
    langs_garbled = {r["lang"] for r in records if r["kind"] not in NO_FIX_KINDS}

    outputs, scores, errors = {}, {}, {}
    speed = {name: {"lines": len(lines), "mb": mb(lines)} for name, lines in sets.items()}

    # ftfy: the timed runs also give the outputs that are scored.
    if use_ftfy:
        by_text = {}
        runs = 1 if args.no_speed else args.runs
        for name, lines in sets.items():
            if name == "clean only" and "all garbled" in sets and args.no_speed:
                continue  # subset of "all garbled"
            t, out = median_time(lambda: ftfy_fix_all(lines), runs)
            by_text.update(zip(lines, out))
            if not args.no_speed:
                speed[name]["ftfy_mb_s"] = speed[name]["mb"] / t
        outputs["ftfy"] = [by_text[g] for g in garbled]
        scores["ftfy"] = score(records, outputs["ftfy"])

    if use_thresh:
        try:
            outputs["thresh"] = thresh_fix_all(thresh_cmd, garbled, args.timeout)
            scores["thresh"] = score(records, outputs["thresh"])
        except ThreshError as e:
            errors["thresh"] = str(e)
            print(f"error: thresh: {e}", file=sys.stderr)

    if use_thresh and "thresh" not in errors and not args.no_speed:
        pinned = shutil.which("taskset") and not args.no_taskset
        try:
            with tempfile.TemporaryDirectory(prefix="repair_eval.") as tmp:
                for name, lines in sets.items():
                    size, t = time_thresh(thresh_cmd, lines, args.speed_mb, args.runs, tmp, args.timeout)
                    speed[name]["thresh_input_mb"] = size
                    speed[name]["thresh_mb_s"] = size / t
                    if pinned:
                        size, t = time_thresh(["taskset", "-c", "0"] + thresh_cmd, lines,
                                              args.speed_mb, args.runs, tmp, args.timeout)
                        speed[name]["thresh_1cpu_mb_s"] = size / t
        except ThreshError as e:
            errors["thresh_speed"] = str(e)
            print(f"error: thresh speed: {e}", file=sys.stderr)

    if args.normalize:
        form = args.normalize

        def norm(text):
            return unicodedata.normalize(form, text)

        records = [{k: norm(v) if k in ("clean", "garbled", "lossy") else v for k, v in r.items()}
                   for r in records]
        outputs = {t: [norm(o) for o in outs] for t, outs in outputs.items()}
        scores = {t: score(records, outs) for t, outs in outputs.items()}

    tools_run = [t for t in TOOLS if t in scores]

    # ---- report
    print(f"# Mojibake repair: {len(records)} lines, {len(kinds)} kinds, "
          f"{len(langs)} languages ({len(langs_clean)} in `clean`, "
          f"{len(langs_garbled)} in garbled kinds)")
    print()
    print(f"lines: {args.lines}" + (f" ({skipped} skipped for \\r/\\n)" if skipped else ""))
    if args.normalize:
        print(f"scored modulo {args.normalize} (outputs and expected texts normalized)")
    if use_ftfy:
        print(f"ftfy: {ftfy_version}, ftfy.fix_encoding per line")
    if use_thresh:
        print(f"thresh: {shlex.join(thresh_cmd)}" + (" (FAILED)" if "thresh" in errors else ""))
    print()
    print_table(kinds, scores, tools_run, garbled_kinds)
    print_lossy(kinds, scores, tools_run)

    if not args.no_speed:
        print()
        print(f"## Speed (MB/s; ftfy median of {args.runs} in-process over the real lines; "
              f"thresh median of {args.runs} wall-clock runs over the lines repeated to "
              f">= {args.speed_mb:g} MB)")
        print()
        print("| lines | n | MB | ftfy MB/s | thresh MB/s | thresh 1-CPU MB/s | thresh/ftfy |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, s in speed.items():
            best = s.get("thresh_1cpu_mb_s", s.get("thresh_mb_s"))
            ratio = best / s["ftfy_mb_s"] if best and s.get("ftfy_mb_s") else None
            s["ratio_thresh_ftfy"] = ratio
            print(f"| {name} | {s['lines']} | {s['mb']:.2f} | {fmt(s.get('ftfy_mb_s'))} | "
                  f"{fmt(s.get('thresh_mb_s'))} | {fmt(s.get('thresh_1cpu_mb_s'))} | "
                  f"{fmt(ratio, 1)}{'x' if ratio else ''} |")

    if args.worst:
        tool = args.worst_tool
        if tool in outputs:
            print_worst(records, outputs[tool], tool, args.worst)
        else:
            print(f"\n(--worst: no {tool} outputs)")

    if args.json:
        out = {
            "lines_file": os.path.abspath(args.lines),
            "records": len(records),
            "skipped": skipped,
            "normalize": args.normalize,
            "languages": len(langs),
            "languages_clean": len(langs_clean),
            "languages_garbled": len(langs_garbled),
            "ftfy_version": ftfy_version,
            "thresh_cmd": thresh_cmd if use_thresh else None,
            "errors": errors,
            "kinds": {
                k: {"n": next((scores[t][k]["n"] for t in tools_run), None),
                    **{t: dict(scores[t][k]) for t in tools_run}}
                for k in kinds
            },
            "all_garbled": {t: dict(total_row(scores[t], garbled_kinds)) for t in tools_run},
            "speed": None if args.no_speed else speed,
        }
        with open(args.json, "w", encoding="utf-8") as fp:
            json.dump(out, fp, indent=2, ensure_ascii=False)
            fp.write("\n")

    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
