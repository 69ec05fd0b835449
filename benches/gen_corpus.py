#!/usr/bin/env python3
"""Build a deterministic JSONL benchmark corpus for thresh from REAL text.

Sources (read-only, nothing copied into the repo except the generated file):
  * wcxb-dev pages   <wcxb>/text/*.txt — real scraped pages with all chrome kept, one line per
                     block (default <repo>/../shared/eval/wcxb-dev, like benches/strip_eval.py)
  * /usr/share/doc   READMEs, NEWS, changelogs, copyright files, ... (.gz decompressed;
                     binaries, markup, source code and non-UTF-8 files skipped)

Every output line is {"id": "doc-000001", "url": "...", "text": "..."}. Documents are made like
a crawl: about 88% unique, about 10% near-copies of an earlier document with a few small edits,
about 2% exact copies (same text, another URL).
  web documents: a wcxb page keeps its header and footer chrome (site templates repeat, as in
                 a crawl); a long prose body is rotated and cut into 2-4 disjoint parts, one
                 per document, and runs of lines from other pages of the same language are
                 spliced in. When the pages are used up, only doc documents follow.
  doc documents: consecutive, non-overlapping windows of a /usr/share/doc file (hard-wrapped
                 prose paragraphs unwrapped to one line; at most 2 MB used per package),
                 sometimes with a run from another file spliced in.
The sources are used without overlap, so there is text for about 115 MB; beyond that the
script stops with an error rather than make accidental duplicates.
Non-English pages are kept as they occur and only mixed with pages of the same (guessed)
language. Sizes are in MB = 10^6 bytes of JSONL. The same arguments give the same bytes.
A manifest (<out>.manifest.json) records counts and which documents copy which.

  python3 benches/gen_corpus.py --mb 100 --out benches/data/corpus.jsonl
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_WCXB = (HERE / ".." / ".." / "shared" / "eval" / "wcxb-dev").resolve()

SKIP_EXT = {
    ".html", ".htm", ".xhtml", ".ps", ".pdf", ".json", ".log", ".c", ".h", ".cc", ".cpp", ".hpp",
    ".png", ".gif", ".jpg", ".jpeg", ".svg", ".ico", ".css", ".js", ".xml", ".xsl", ".pl", ".pm",
    ".py", ".sh", ".awk", ".cocci", ".pem", ".crt", ".key", ".socket", ".service", ".conf", ".cfg",
    ".ini", ".yml", ".yaml", ".toml", ".patch", ".diff", ".el", ".vim", ".amd64", ".rb", ".tcl",
    ".m4", ".in", ".am", ".ac", ".mk", ".cmake", ".bz2", ".xz", ".zip", ".tar", ".db", ".sql",
    ".tex", ".sed", ".dot", ".devhelp2", ".res", ".netrc", ".list", ".bash", ".zsh", ".csh", ".go", ".rs", ".java", ".lua", ".php", ".s",
}
SKIP_NAMES = {"makefile", "test_results", "test-summary"}
MAX_DOC_FILE = 2_000_000  # bytes of text kept per /usr/share/doc file
PKG_CAP = 2_000_000  # bytes of windows per package (nodejs ships 10 MB of changelogs ...)

STOP = {
    "en": "the and of to in is for that with on are this you it as be by from or at have not".split(),
    "fr": "le la les de des et est une un pour dans que qui sur pas plus avec par vous du au".split(),
    "de": "der die das und ist nicht mit sich auf für ein eine den dem zu von im auch es wird".split(),
    "es": "el la los las de y que en un una por con para es del se no más al lo como".split(),
    "it": "il la di che e un una per con non sono del della le gli è da in più anche".split(),
    "pt": "o a os as de e que em um uma para com não do da dos das se por mais".split(),
    "nl": "de het een en van is dat op te in voor met niet zijn aan ook als bij of".split(),
}
# one-letter words ("a", "e", "o", initials) and English look-alikes make a bad vote
STOP = {k: {w for w in v if len(w) > 1 and (k == "en" or w not in {"as", "do", "in", "is", "on", "no", "be", "com"})}
        for k, v in STOP.items()}
WORD = re.compile(r"\w+")
SCRIPTS = [  # non-Latin scripts
    ("cjk", "\u3040-\u30ff\u4e00-\u9fff"), ("ko", "\uac00-\ud7af"), ("cyrl", "\u0400-\u04ff"),
    ("arab", "\u0600-\u06ff"), ("hebr", "\u0590-\u05ff"), ("grek", "\u0370-\u03ff"),
    ("thai", "\u0e00-\u0e7f"), ("deva", "\u0900-\u097f"),
]
SCRIPTS = [(name, re.compile(f"[{cls}]")) for name, cls in SCRIPTS]
URLISH = re.compile(r"\S+@\S+|\w+://\S+|www\.\S+|\S+\.(?:com|org|net)\b")
LETTER = re.compile(r"[^\W\d_]")


def guess_lang(text):
    """Crude language bucket: a non-Latin script, else the stop-word list that matches best."""
    sample = text[:20000]
    letters = len(LETTER.findall(sample)) or 1
    for name, rx in SCRIPTS:
        if len(rx.findall(sample)) / letters > 0.3:
            return name
    words = WORD.findall(URLISH.sub(" ", sample).lower())
    if not words:
        return "none"
    scores = {lang: sum(w in STOP[lang] for w in words) / len(words) for lang in sorted(STOP)}
    best = max(sorted(scores), key=lambda k: scores[k])
    if best != "en" and scores[best] < 1.3 * scores["en"]:
        best = "en"  # prefer English when it is close
    return best if scores[best] >= 0.015 else "und"


# ---------------------------------------------------------------- sources
class Src:
    """One source text. web: head/body/tail lines of a wcxb page; doc: body = paragraphs."""
    __slots__ = ("kind", "name", "url", "lang", "head", "body", "tail", "size",
                 "uses", "cursor", "parts", "allow", "left")

    def __init__(self, kind, name, url, lang, head, body, tail):
        self.kind, self.name, self.url, self.lang = kind, name, url, lang
        self.head, self.body, self.tail = head, body, tail
        self.size = sum(len(b) + 1 for b in head + body + tail)
        self.uses, self.cursor = 0, 0
        self.allow = self.size  # doc: bytes its windows may use in all
        self.left = None        # doc: bytes still unused (set at first use)
        # a web page whose body is long and mostly prose is cut into 2-4 disjoint parts (each
        # one document); other pages give one document, else their copies would be
        # near-duplicates of each other through the chrome
        prose = sum(len(b) + 1 for b in body if len(WORD.findall(b)) >= 10)
        self.parts = min(4, max(2, len(body) // 10)) if len(body) >= 8 and prose >= 0.5 * self.size else 1


def load_wcxb(wcxb):
    gt_path = wcxb / "ground-truth.json"
    gt = json.loads(gt_path.read_text(encoding="utf-8")) if gt_path.exists() else {}
    out = []
    for p in sorted((wcxb / "text").glob("*.txt")):
        lines = [l for l in p.read_text(encoding="utf-8", errors="replace").splitlines() if l.strip()]
        if sum(len(l) for l in lines) < 200:
            continue
        long_ = [i for i, l in enumerate(lines) if len(WORD.findall(l)) >= 10]
        if long_:
            h, t = long_[0], long_[-1] + 1
        else:
            h, t = len(lines) // 3, len(lines) - len(lines) // 3
        url = gt.get(p.stem, {}).get("url") or f"https://wcxb.invalid/page/{p.stem}"
        out.append(Src("web", p.stem, url, guess_lang("\n".join(lines)), lines[:h], lines[h:t], lines[t:]))
    return out


def read_doc_file(path):
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if b"\0" in raw[:65536]:
        return None
    try:
        text = raw[:MAX_DOC_FILE].decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < MAX_DOC_FILE - 4:  # a real decoding error, not a cut multibyte char
            return None
        text = raw[: e.start].decode("utf-8")
    if len(text) < 300:
        return None
    printable = sum(c.isprintable() or c in "\n\t" for c in text[:20000])
    if printable / min(len(text), 20000) < 0.97:
        return None
    return text


BULLET = re.compile(r"\s|[-*•+]\s|\d+[.)]\s|[|#>=]")


def paragraphs(text):
    """Blank-line separated paragraphs; hard-wrapped prose is unwrapped to one line."""
    out = []
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [l.rstrip() for l in para.split("\n") if l.strip()]
        if not lines:
            continue
        if 1 < len(lines) <= 40 and not any(BULLET.match(l) for l in lines[1:]):
            out.append(" ".join(l.strip() for l in lines))
        else:
            out.extend(lines)  # lists, tables, code: keep one line per line
            out.append("")     # (keep the paragraph break)
    return [p for i, p in enumerate(out) if p or (i and out[i - 1])]


def load_docs(root):
    """Text files under root (at most PKG_CAP bytes used per package); a file is skipped when it is byte-identical to an earlier one or
    when half of its lines already occurred in earlier files (release notes of point
    releases, changelogs shared by the binary packages of one source package, ...)."""
    out, seen, seen_lines, pkg_bytes = [], set(), set(), {}
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            p = Path(dirpath) / f
            base = f[:-3] if f.endswith(".gz") else f
            ext = os.path.splitext(base)[1].lower()
            if p.is_symlink() or not p.is_file() or ext in SKIP_EXT or base.lower() in SKIP_NAMES:
                continue
            if {"examples", "tests", "test"} & set(p.relative_to(root).parts[:-1]):
                continue
            text = read_doc_file(p)
            if text is None or text.startswith(("#!", "<?xml", "<!DOCTYPE", "<html")):
                continue
            h = hashlib.sha1(text.encode("utf-8")).digest()
            if h in seen:  # identical files shipped by several packages
                continue
            seen.add(h)
            paras = paragraphs(text)
            if len(paras) < 2:
                continue
            lines = [l.strip() for l in text.splitlines() if len(l.strip()) >= 30]
            if lines and sum(l in seen_lines for l in lines) >= 0.5 * len(lines):
                continue
            seen_lines.update(lines)
            rel = p.relative_to(root).as_posix()
            pkg = rel.split("/")[0]
            left = PKG_CAP - pkg_bytes.get(pkg, 0)
            if left < 2000:
                continue
            out.append(Src("doc", rel, f"file://{root.as_posix().rstrip('/')}/{rel}", guess_lang(text), [], paras, []))
            out[-1].allow = min(out[-1].size, left)
            pkg_bytes[pkg] = pkg_bytes.get(pkg, 0) + out[-1].allow
    return out


# ---------------------------------------------------------------- document makers
def pick_run(rng, pool, exclude, lo, hi):
    """A run of lo..hi consecutive body lines from another source of the same pool."""
    for _ in range(8):
        s = pool[rng.randrange(len(pool))]
        if s is not exclude and len(s.body) >= 20:
            n = min(len(s.body), rng.randint(lo, hi))
            i = rng.randrange(len(s.body) - n + 1)
            return s.body[i : i + n]
    return []


def make_web(rng, s, same_lang):
    """Header + one part of the body (rotated: parts start at a random line) + tail, with 1-3
    runs of lines from other pages of the same language spliced in."""
    body = s.body
    n = len(body)
    if s.uses == 0:
        s.cursor = rng.randrange(n) if s.parts > 1 else 0
    j = s.uses
    s.uses += 1
    lo, hi = s.cursor + j * n // s.parts, s.cursor + (j + 1) * n // s.parts
    window = [body[i % n] for i in range(lo, hi)]
    for _ in range(rng.randint(1, 3) if len(same_lang) > 1 else 0):
        run = pick_run(rng, same_lang, s, 3, 15)
        pos = rng.randint(0, len(window))
        window[pos:pos] = run
    url = s.url if s.uses == 1 else f"{s.url}{'&' if '?' in s.url else '?'}page={s.uses}"
    return "\n".join(s.head + window + s.tail), url


MIN_WINDOW = 600  # bytes: a file with less left is used up


def doc_used_up(s):
    return s.uses > 0 and s.left < MIN_WINDOW


def make_doc(rng, s, same_lang):
    """The next window of consecutive paragraphs of a file. The first window starts at a random
    paragraph, later ones continue from there, wrapping to the file's start at its end, so the
    windows of one file never overlap (s.left = bytes not used yet)."""
    n = len(s.body)
    target = min(60000, max(600, int(rng.lognormvariate(8.8, 0.9))))  # median ~6.6 kB
    if s.uses == 0:
        s.cursor = rng.randrange(n)
        s.left = s.allow
    s.uses += 1
    out, size, i = [], 0, s.cursor
    while size < target and s.left > 0:
        b = s.body[i]
        out.append(b)
        size += len(b) + 1
        s.left -= len(b) + 1
        i += 1
        if i == n:  # a window ends at the end of the file
            i = 0
            break
    s.cursor = i
    part = s.uses
    if rng.random() < 0.3 and len(same_lang) > 1:
        run = pick_run(rng, same_lang, s, 2, 8)
        pos = rng.randint(0, len(out))
        out[pos:pos] = run
    while out and not out[0]:
        out.pop(0)
    return "\n".join(out).strip("\n"), f"{s.url}#part-{part}"


CHROME = ["Share this:", "Advertisement", "Accept all cookies", "Read more", "Subscribe to our newsletter",
          "Related posts", "Print this page", "Back to top", "Log in to reply", "Skip to main content"]


def near_copy(rng, text):
    """1-3 small edits: a changed number, a dropped or added line, swapped words, a typo fix."""
    lines = text.split("\n")
    edits = []
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(5)
        i = rng.randrange(len(lines))
        if op == 0:
            cand = [j for j, l in enumerate(lines) if re.search(r"\d", l)]
            if cand:
                j = cand[rng.randrange(len(cand))]
                lines[j] = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), lines[j], count=1)
                edits.append("number")
                continue
            op = 3
        if op == 1 and len(lines) > 3:
            del lines[i]
            edits.append("drop-line")
        elif op == 2:
            lines.insert(i, CHROME[rng.randrange(len(CHROME))])
            edits.append("add-line")
        elif op == 3:
            w = lines[i].split(" ")
            if len(w) > 3:
                j = rng.randrange(len(w) - 1)
                w[j], w[j + 1] = w[j + 1], w[j]
                lines[i] = " ".join(w)
                edits.append("swap-words")
            else:
                lines[i] = lines[i] + "."
                edits.append("punct")
        else:
            lines[i] = lines[i].replace(" ", "  ", 1) if " " in lines[i] else lines[i] + " "
            edits.append("whitespace")
    return "\n".join(lines), edits


def url_variant(rng, url):
    v = rng.randrange(4)
    if v == 0 and url.startswith("https://"):
        return "http://" + url[8:]
    if v == 1:
        return url + ("&" if "?" in url else "?") + f"utm_source=feed{rng.randrange(100)}"
    if v == 2:
        return url.rstrip("/") + "/amp"
    return url + ("&" if "?" in url else "?") + f"ref={rng.randrange(10000)}"


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100, help="size of the output in MB (10^6 bytes), default 100")
    ap.add_argument("--out", default=str(HERE / "data" / "corpus.jsonl"))
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--wcxb", default=str(DEFAULT_WCXB))
    ap.add_argument("--docs", default="/usr/share/doc", help="directory of text files ('' to skip)")
    ap.add_argument("--web-share", type=float, default=0.7, help="share of documents built from web pages")
    ap.add_argument("--near", type=float, default=0.10, help="share of near-copies (default 0.10)")
    ap.add_argument("--exact", type=float, default=0.02, help="share of exact copies (default 0.02)")
    a = ap.parse_args()

    t0 = time.time()
    wcxb = Path(a.wcxb).resolve()
    web = load_wcxb(wcxb) if (wcxb / "text").is_dir() else []
    docs = load_docs(Path(a.docs)) if a.docs and Path(a.docs).is_dir() else []
    if not web and not docs:
        sys.exit("error: no source text found (check --wcxb and --docs)")
    print(f"sources: {len(web)} wcxb pages ({sum(s.size for s in web) / 1e6:.1f} MB), "
          f"{len(docs)} doc files ({sum(s.size for s in docs) / 1e6:.1f} MB, {sum(s.allow for s in docs) / 1e6:.1f} MB usable) "
          f"[{time.time() - t0:.1f} s]", file=sys.stderr)

    by_lang = {}
    for s in web + docs:
        by_lang.setdefault((s.kind, s.lang), []).append(s)
    doc_weights = [min(s.allow, 300_000) for s in docs]
    avail = [s for s in web if s.body]  # web pages with parts left
    print(f"web documents available: {sum(s.parts for s in avail)}", file=sys.stderr)

    rng = random.Random(a.seed)
    target = int(a.mb * 1_000_000)
    out_path = Path(a.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = out_path.with_name(out_path.name + ".tmp")
    emitted = []  # (id, text, url) of every document so far
    counts, langs, kinds, edits = Counter(), Counter(), Counter(), Counter()
    dups = []
    written = 0
    with open(tmp_path, "w", encoding="utf-8", newline="\n") as f:
        while written < target:
            r = rng.random()
            doc_id = f"doc-{len(emitted) + 1:06d}"
            if emitted and r < a.exact:
                src_id, text, url = emitted[rng.randrange(len(emitted))]
                url = url_variant(rng, url)
                counts["exact"] += 1
                dups.append([doc_id, src_id, "exact"])
            elif emitted and r < a.exact + a.near:
                src_id, text, url = emitted[rng.randrange(len(emitted))]
                text, e = near_copy(rng, text)
                edits.update(e)
                url = url_variant(rng, url)
                counts["near"] += 1
                dups.append([doc_id, src_id, "near:" + "+".join(e)])
            else:
                if avail and (not docs or rng.random() < a.web_share):
                    k = rng.randrange(len(avail))
                    s = avail[k]
                    text, url = make_web(rng, s, by_lang[(s.kind, s.lang)])
                    if s.uses >= s.parts:  # used up: swap-remove
                        avail[k] = avail[-1]
                        avail.pop()
                else:
                    k = rng.choices(range(len(docs)), weights=doc_weights)[0]
                    s = docs[k]
                    text, url = make_doc(rng, s, by_lang[(s.kind, s.lang)])
                    if doc_used_up(s):
                        doc_weights[k] = 0
                        if not any(doc_weights):
                            sys.exit("error: all source text used up; ask for fewer --mb")
                if not text.strip():
                    continue
                counts["unique"] += 1
                kinds[s.kind] += 1
                langs[s.lang] += 1
            emitted.append((doc_id, text, url))
            line = json.dumps({"id": doc_id, "url": url, "text": text}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
    os.replace(tmp_path, out_path)

    n = len(emitted)
    manifest = dict(
        seed=a.seed, mb=a.mb, bytes=written, documents=n, counts=dict(counts),
        unique_by_source=dict(kinds), unique_by_lang=dict(langs.most_common()), near_edits=dict(edits),
        sources=dict(wcxb_pages=len(web), doc_files=len(docs)), dups=dups,
    )
    Path(str(out_path) + ".manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out_path}: {written / 1e6:.1f} MB, {n} documents: {counts['unique']} unique "
          f"({kinds['web']} web, {kinds['doc']} doc), {counts['near']} near-copies ({counts['near'] / n:.1%}), "
          f"{counts['exact']} exact copies ({counts['exact'] / n:.1%}); languages "
          + ", ".join(f"{k} {v}" for k, v in langs.most_common(8))
          + f"; doc text left unused {sum(s.allow if s.left is None else s.left for s in docs) / 1e6:.1f} MB"
          + f" [{time.time() - t0:.1f} s]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
