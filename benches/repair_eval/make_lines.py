#!/usr/bin/env python3
"""Build the mojibake-repair evaluation set for `thresh fix`.

Source text: the translated strings Debian ships as gettext catalogs in
/usr/share/locale/*/LC_MESSAGES/*.mo (real, human-written, ~200 locales).
Each catalog is parsed here with a small stdlib-only .mo reader that honours
the charset declared in the catalog header.

Pipeline (fully deterministic, fixed seed):

1. For every catalog, take every translated string (msgstr, every plural form),
   split it on newlines and strip each line.
2. Drop lines shorter than --min-len (8) characters, lines with control,
   surrogate, private-use or unassigned characters, U+FFFD and U+FEFF.
3. A line with at least one non-ASCII letter goes to the "clean" pool, unless
   it is itself mojibake (a few catalogs ship some: it re-encodes with
   Windows-1252 or Latin-1 to valid UTF-8); a line made only of ASCII goes to
   the "ascii" pool; other lines are dropped.
   Lines are deduplicated globally (first occurrence in sorted file order wins),
   and the language is the locale folder name (e.g. `pt_BR`, `sr@latin`).
4. Each language's lines are put in a seeded random order, once. For each kind,
   the first --per-lang (70) lines of that order to which the kind applies are
   taken. A garbled kind applies to a line only if the garbled text differs
   from the clean text (and, for the variants of w1252, only if it differs from
   plain w1252, see below). So the kinds that apply to every line use exactly
   the same lines, and the rarer variants still get comparable counts.

Kinds (UTF-8 bytes of the clean line decoded with a single-byte codec):

  clean            garbled == clean (false-positive check)
  ascii            ASCII-only lines, garbled == clean (speed figure + FP check)
  w1252            Windows-1252, "sloppy": the five bytes 0x81 0x8D 0x8F 0x90
                   0x9D that cp1252 leaves undefined become U+0081 ... U+009D
  w1252_lost_fffd  as w1252, but those undefined bytes become U+FFFD
  w1252_lost_q     as w1252, but those undefined bytes become '?'
  w1252_nbsp       as w1252, but every U+00A0 becomes a plain space
  latin1           ISO-8859-1
  macroman         Mac OS Roman
  w1250 w1251 w1253 w1254 w1257
                   Windows-125x, sloppy like w1252
  cp437            IBM PC code page 437
  w1252_x2         two layers of sloppy Windows-1252
  word             one word (letters/marks/digits, with a non-ASCII char) of the
                   line garbled as w1252, the rest of the line left correct

"Sloppy" is the single consistent rule for every codec: a byte the codec does
not define decodes to the code point with the same number (U+0080..U+00FF),
the way ftfy's sloppy-windows-125x codecs do. latin1, macroman and cp437 define
all 256 bytes, so the rule never applies to them.

The lossy kinds (w1252_lost_fffd, w1252_lost_q) are only emitted for lines whose
UTF-8 contains one of the undefined bytes, and w1252_nbsp only for lines whose
w1252 form contains U+00A0 -- otherwise they would just duplicate w1252. Exact
repair of a lossy line is not always possible, so those records also carry
`lossy`: the clean line with every character whose UTF-8 held a lost byte
replaced by one U+FFFD (the best a repairer can do without guessing).

Output: JSON Lines, one record per (line, kind):
  {"lang": ..., "kind": ..., "clean": ..., "garbled": ..., "src": ...[, "lossy": ...]}
`src` is the catalog (text domain) the line came from.

Usage: python3 benches/repair_eval/make_lines.py [OUT.jsonl]
"""

import argparse
import collections
import glob
import hashlib
import json
import os
import random
import re
import struct
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "data", "lines.jsonl")
DEFAULT_GLOB = "/usr/share/locale/*/LC_MESSAGES/*.mo"
SEED = 20240615

# Bytes Windows-1252 leaves undefined.
W1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
W1252_UNDEFINED_RE = re.compile(b"[\x81\x8d\x8f\x90\x9d]")

# Kind name -> Python codec for the plain single-layer kinds.
CODEC_KINDS = {
    "w1252": "cp1252",
    "latin1": "latin-1",
    "macroman": "mac_roman",
    "w1250": "cp1250",
    "w1251": "cp1251",
    "w1253": "cp1253",
    "w1254": "cp1254",
    "w1257": "cp1257",
    "cp437": "cp437",
}

KINDS = [
    "clean",
    "ascii",
    "w1252",
    "w1252_lost_fffd",
    "w1252_lost_q",
    "w1252_nbsp",
    "latin1",
    "macroman",
    "w1250",
    "w1251",
    "w1253",
    "w1254",
    "w1257",
    "cp437",
    "w1252_x2",
    "word",
]

BAD_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}
BAD_CHARS = {"\ufffd", "\ufeff"}


# --------------------------------------------------------------------------
# .mo reading


def _charset_of(header):
    for line in header.split(b"\n"):
        if line.lower().startswith(b"content-type:"):
            _, _, cs = line.partition(b"charset=")
            cs = cs.strip().decode("ascii", "replace")
            return cs or None
    return None


def read_mo(path):
    """Return the translated strings (every plural form) of one .mo file.

    Strings that do not decode with the catalog's declared charset are skipped.
    """
    with open(path, "rb") as fp:
        data = fp.read()
    if len(data) < 20:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0x950412DE:
        end = "<"
    elif magic == 0xDE120495:
        end = ">"
    else:
        return []
    try:
        _rev, n, o_orig, o_trans = struct.unpack(end + "4I", data[4:20])
        orig = struct.iter_unpack(end + "2I", data[o_orig : o_orig + 8 * n])
        trans = struct.iter_unpack(end + "2I", data[o_trans : o_trans + 8 * n])
        entries = [
            (data[ooff : ooff + olen], data[toff : toff + tlen])
            for (olen, ooff), (tlen, toff) in zip(orig, trans)
        ]
    except struct.error:
        return []
    charset = "utf-8"
    for msgid, msgstr in entries:
        if msgid == b"":
            cs = _charset_of(msgstr)
            if cs:
                charset = cs
            break
    try:
        "".encode(charset)
    except LookupError:  # e.g. the placeholder "CHARSET"
        charset = "utf-8"
    out = []
    for msgid, msgstr in entries:
        if msgid == b"" or not msgstr:
            continue
        for form in msgstr.split(b"\0"):
            try:
                out.append(form.decode(charset))
            except UnicodeDecodeError:
                pass
    return out


# --------------------------------------------------------------------------
# line filtering


def usable(line, min_len):
    if len(line) < min_len:
        return False
    if line.isprintable():  # fast path: no Cc/Cf/Cs/Co/Cn/Z* except ' '
        return "\ufffd" not in line
    for c in line:
        if c in BAD_CHARS or unicodedata.category(c) in BAD_CATEGORIES:
            return False
    return True


def looks_like_mojibake(line):
    """True if the line is itself UTF-8 read as Windows-1252 or Latin-1.

    A few Debian catalogs (e.g. nn) ship such lines ("fÃ¸r", "Â«"); they are
    not clean text. Test: the line re-encodes with (sloppy) cp1252 or latin-1
    to bytes that are valid UTF-8, different from the line, and made only of
    Latin letters and general punctuation (so that e.g. Catalan "[OPCIÓ…]",
    whose bytes D3 85 would read as Cyrillic U+04C5, is kept). Real text almost
    never passes it (a lead-byte letter like 'Ã' must be followed by the right
    number of continuation-range characters like '¸', '«', '€').
    """
    for table in (W1252_ENCODE, None):
        try:
            if table is None:
                raw = line.encode("latin-1")
            else:
                raw = line.translate(table).encode("latin-1")
            fixed = raw.decode("utf-8")
            if fixed != line and all(ord(c) < 0x250 or 0x2000 <= ord(c) < 0x2070 for c in fixed):
                return True
        except UnicodeError:
            pass
    return False


def has_non_ascii_letter(line):
    return any(ord(c) > 127 and c.isalpha() for c in line)


def collect(mo_glob, min_len):
    """Return (clean_by_lang, ascii_by_lang): lang -> list of (line, src)."""
    files = sorted(glob.glob(mo_glob))
    seen = set()
    clean = collections.defaultdict(list)
    ascii_ = collections.defaultdict(list)
    for path in files:
        lang = path.split(os.sep)[-3]
        src = os.path.splitext(os.path.basename(path))[0]
        for value in read_mo(path):
            for line in value.split("\n"):
                line = line.strip()
                if line in seen or not usable(line, min_len):
                    continue
                if line.isascii():
                    seen.add(line)
                    ascii_[lang].append((line, src))
                elif has_non_ascii_letter(line) and not looks_like_mojibake(line):
                    seen.add(line)
                    clean[lang].append((line, src))
    return files, clean, ascii_


def shuffled_by_lang(by_lang, seed):
    """lang -> its lines in a seeded random order (same order for every kind)."""
    out = {}
    for lang in sorted(by_lang):
        items = list(by_lang[lang])
        random.Random(f"{seed}:{lang}").shuffle(items)
        out[lang] = items
    return out


# --------------------------------------------------------------------------
# garbling


def sloppy_table(codec):
    """256-entry decode table; undefined bytes map to the same-numbered code point."""
    table = {}
    for b in range(256):
        try:
            table[b] = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            table[b] = chr(b)
    return table


TABLES = {kind: sloppy_table(codec) for kind, codec in CODEC_KINDS.items()}
# str.translate table: sloppy-cp1252 char -> the latin-1 char of the same byte.
W1252_ENCODE = {ord(c): chr(b) for b, c in TABLES["w1252"].items()}


def garble(text, kind="w1252", undefined=None):
    """Decode the UTF-8 bytes of `text` with the codec of `kind`.

    `undefined`, if given, replaces the bytes cp1252 leaves undefined.
    """
    table = TABLES[kind]
    if undefined is not None:
        table = dict(table)
        for b in W1252_UNDEFINED:
            table[b] = undefined
    return text.encode("utf-8").decode("latin-1").translate(table)


def lossy_target(text):
    """`text` with every char whose UTF-8 holds a cp1252-undefined byte -> U+FFFD."""
    out = []
    for c in text:
        if W1252_UNDEFINED_RE.search(c.encode("utf-8")):
            out.append("\ufffd")
        else:
            out.append(c)
    return "".join(out)


def word_spans(line):
    """Spans of maximal runs of letters/marks/digits that contain a non-ASCII char."""
    spans = []
    start = None
    for i, c in enumerate(line + " "):
        if unicodedata.category(c)[0] in "LMN":
            if start is None:
                start = i
        elif start is not None:
            if not line[start:i].isascii():
                spans.append((start, i))
            start = None
    return spans


def make_kind(kind, line, rng):
    """Return (garbled, extra_fields) or None when the kind does not apply."""
    if kind == "clean":
        return line, {}
    if kind in CODEC_KINDS:
        return garble(line, kind), {}
    if kind in ("w1252_lost_fffd", "w1252_lost_q"):
        if not W1252_UNDEFINED_RE.search(line.encode("utf-8")):
            return None
        repl = "\ufffd" if kind == "w1252_lost_fffd" else "?"
        return garble(line, "w1252", undefined=repl), {"lossy": lossy_target(line)}
    if kind == "w1252_nbsp":
        g = garble(line, "w1252")
        if "\xa0" not in g:
            return None
        return g.replace("\xa0", " "), {}
    if kind == "w1252_x2":
        return garble(garble(line, "w1252"), "w1252"), {}
    if kind == "word":
        spans = word_spans(line)
        if not spans:
            return None
        s, e = spans[rng.randrange(len(spans))]
        if line[:s].strip() == "" and line[e:].strip() == "":
            return None  # the word is the whole line: that is plain w1252
        return line[:s] + garble(line[s:e], "w1252") + line[e:], {}
    raise ValueError(kind)


# --------------------------------------------------------------------------


def build(clean_by_lang, ascii_by_lang, seed, per_lang):
    """Return the records of every kind.

    Each language's lines are shuffled once (seeded); for each kind, the first
    `per_lang` lines of that order for which the kind applies are taken. So the
    kinds that apply to every line use exactly the same lines, and the kinds
    that apply to fewer lines still get up to `per_lang` lines per language.
    """
    clean_order = shuffled_by_lang(clean_by_lang, seed)
    ascii_order = shuffled_by_lang(ascii_by_lang, seed)
    records = []
    for kind in KINDS:
        order = ascii_order if kind == "ascii" else clean_order
        for lang, items in order.items():
            rng = random.Random(f"{seed}:{kind}:{lang}")
            taken = 0
            for line, src in items:
                if taken == per_lang:
                    break
                made = make_kind("clean" if kind == "ascii" else kind, line, rng)
                if made is None:
                    continue
                garbled, extra = made
                if kind not in ("clean", "ascii") and garbled == line:
                    continue
                if any(c in line or c in garbled for c in "\r\n"):
                    continue
                rec = {"lang": lang, "kind": kind, "clean": line, "garbled": garbled, "src": src}
                rec.update(extra)
                records.append(rec)
                taken += 1
    return records


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default=DEFAULT_OUT, help="output JSONL (default: %(default)s)")
    ap.add_argument("--glob", default=DEFAULT_GLOB, help=".mo files to read (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--min-len", type=int, default=8, help="drop shorter lines (default: %(default)s)")
    ap.add_argument("--per-lang", type=int, default=70,
                    help="max lines per language and kind (default: %(default)s)")
    args = ap.parse_args(argv)

    files, clean_by_lang, ascii_by_lang = collect(args.glob, args.min_len)
    if not files:
        sys.exit(f"no .mo files match {args.glob}")
    records = build(clean_by_lang, ascii_by_lang, args.seed, args.per_lang)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fp:
        for rec in records:
            fp.write(json.dumps(rec, ensure_ascii=False) + "\n")

    # summary
    by_kind = collections.Counter(r["kind"] for r in records)
    langs_by_kind = collections.defaultdict(set)
    for r in records:
        langs_by_kind[r["kind"]].add(r["lang"])
    clean_langs = langs_by_kind["clean"]
    base_langs = {lang.split("_")[0].split("@")[0] for lang in clean_langs}
    print(f"read {len(files)} .mo files; candidate lines: "
          f"{sum(map(len, clean_by_lang.values()))} with non-ASCII letters "
          f"({len(clean_by_lang)} locales), "
          f"{sum(map(len, ascii_by_lang.values()))} ASCII-only")
    print(f"clean lines: {by_kind['clean']} in {len(clean_langs)} locales "
          f"({len(base_langs)} base languages)")
    print(f"{'kind':<16} {'lines':>6} {'langs':>6}")
    for kind in KINDS:
        print(f"{kind:<16} {by_kind[kind]:>6} {len(langs_by_kind[kind]):>6}")
    with open(args.out, "rb") as fp:
        digest = hashlib.sha256(fp.read()).hexdigest()[:16]
    print(f"total {len(records)} records -> {args.out} (sha256 {digest}...)")


if __name__ == "__main__":
    main()
